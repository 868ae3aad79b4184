"""workflow.inserts.Insert writes what the ORM's own insert writes, and skips a row that
meets its unique constraint without breaking the transaction around it."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from kvk.status import Status
from tests import factories
from workflow.inserts import Insert
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db(transaction=True)

INSERT = Insert(ApprovalMessage, skip_conflicts_on=("organisation", "message_id"))


def _message(organisation, message_id=None, **extra) -> ApprovalMessage:
    return ApprovalMessage(
        organisation=organisation,
        message_id=message_id or uuid.uuid4(),
        message_type="kvk-micro-klein",
        filename="jaarrekening.xbrl",
        received_document=b"<xbrl/>",
        document=b"<xbrl/>",
        document_sha256="a" * 64,
        **extra,
    )


def _fields(instance) -> dict:
    values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    for name in ("received_document", "document"):
        values[name] = bytes(values[name])
    return values


def test_an_inserted_row_reads_back_as_the_orm_would_write_it():
    organisation = factories.OrganisationFactory()
    message = _message(organisation, reasons=[{"code": "X", "message": "ë"}], financial_year=2025)
    assert INSERT.execute(message) is True
    assert message.pk is not None and message._state.adding is False
    assert message.created_at is not None and message.status_changed_at is not None
    stored = ApprovalMessage.objects.get(pk=message.pk)
    assert _fields(stored) == _fields(message)
    assert stored.status == Status.RECEIVED and stored.findings == []


def test_a_conflict_on_the_named_constraint_is_skipped_and_the_transaction_goes_on():
    organisation = factories.OrganisationFactory()
    message_id = uuid.uuid4()
    assert INSERT.execute(_message(organisation, message_id)) is True
    with transaction.atomic():
        again = _message(organisation, message_id)
        assert INSERT.execute(again) is False
        assert again.pk is None
        # No error was raised inside the transaction, so it is still usable (PostgreSQL
        # refuses every further statement of a transaction after an error).
        assert ApprovalMessage.objects.filter(message_id=message_id).count() == 1
    # The same message id at another organisation is another message.
    assert INSERT.execute(_message(factories.OrganisationFactory(), message_id)) is True


def test_other_constraints_still_refuse():
    organisation = factories.OrganisationFactory()
    # From 50 on the approved document's hash is required (a database constraint).
    with pytest.raises(IntegrityError), transaction.atomic():
        INSERT.execute(_message(organisation, status=Status.APPROVED))
    assert not ApprovalMessage.objects.exists()
