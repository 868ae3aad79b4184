"""workflow.inserts.Insert writes what the ORM's own insert writes, and skips a row that
meets its unique constraint without breaking the transaction around it."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

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


def _stored(pk: int) -> dict:
    """The row as the database holds it, before any conversion back to Python."""
    table = ApprovalMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_stored_row_is_what_the_orms_own_insert_stores():
    organisation = factories.OrganisationFactory()
    extra = {"reasons": [{"code": "X", "message": "ë «€»"}], "adopted": True}
    ours, twin = _message(organisation, **extra), _message(organisation, **extra)
    INSERT.execute(ours)
    twin.save(force_insert=True)
    ours_row, twin_row = _stored(ours.pk), _stored(twin.pk)
    for column in ("id", "message_id"):
        del ours_row[column], twin_row[column]
    for column in ("created_at", "updated_at", "status_changed_at"):
        # Other moments, the same form: SQLite keeps naive UTC text, PostgreSQL an aware
        # timestamp; a time zone stored where the ORM stores none shows as tzinfo.
        ours_value, twin_value = ours_row.pop(column), twin_row.pop(column)
        assert type(ours_value) is type(twin_value)
        assert (ours_value.tzinfo is None) == (twin_value.tzinfo is None), (ours_value, twin_value)
    for row in (ours_row, twin_row):
        for column, value in row.items():
            if isinstance(value, memoryview):
                row[column] = bytes(value)
    assert ours_row == twin_row


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
