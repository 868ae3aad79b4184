"""Helpers for the workflow tests: drive a message to any status through the services.

``flow.at(status)`` builds a fresh message of client A's organisation and moves it there
along the one path the status machine allows; every step is a service call, so the audit
trail is the real one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache

import pytest
from django.utils import timezone, translation

from config.dates import format_day
from kvk.status import Status
from tests.conftest import instance_for, numbered
from workflow import services
from workflow.models import Actor, ApprovalMessage
from workflow.reasons import sentence

YEAR = date.today().year - 1


@cache
def document(kvk_number: str, year: int = YEAR, name: str = "Test B.V.") -> bytes:
    """One XBRL instance per (KvK number, year, name): building it is the slow part."""
    return instance_for(kvk_number, year=year, name=name)


def adoption_day(year: int = YEAR) -> date:
    # After the year end and after the directors signed (kvk.statements.demo_statements:
    # 20 May of the next year at the latest), never in the future.
    return min(date(year + 1, 6, 1), date.today())


def start_workflow(
    message_id: int,
    workflow,
    *,
    year: int | None = YEAR,
    adopted: bool = False,
    adoption_date: date | None = None,
    resubmission: bool = False,
) -> bool:
    """20 -> 30 through the service, with the facts processing would have parsed from a
    test document."""
    return services.start_workflow(
        message_id=message_id,
        workflow=workflow,
        financial_year=year,
        entry_point="https://www.nltaxonomie.nl/kvk-rpt-jaarverantwoording.xsd",
        adopted=adopted,
        adoption_date=adoption_date,
        resubmission=resubmission,
        findings=[],
    )


def events(message: ApprovalMessage) -> list[tuple[str, int | None, int]]:
    return [(e.action, e.from_status, e.to_status) for e in message.events.order_by("sequence")]


def assert_names_the_newer_version(reason: dict, newer: ApprovalMessage, year: int) -> str:
    """The reason an older version of ``year`` was closed for ``newer`` (version_superseded)
    names the newer version by the day it was received, not by its UUID; returns the
    reason's Dutch sentence."""
    received_on = timezone.localdate(newer.created_at)
    assert reason["params"] == {
        "message_id": str(newer.message_id),
        "year": year,
        "received_on": received_on.isoformat(),
    }
    with translation.override("nl"):
        text = sentence(reason)
    assert format_day(received_on) in text and str(year) in text
    assert str(newer.message_id) not in text
    return text


@dataclass
class Flow:
    client: object  # the tests.conftest Client of the organisation
    workflow: object

    @property
    def organisation(self):
        return self.client.organisation

    def client_actor(self, ip: str | None = "192.0.2.10") -> Actor:
        return Actor.for_user(self.client.user, ip_address=ip)

    def register(self, *, year: int = YEAR, content: bytes | None = None) -> ApprovalMessage:
        message, created = services.register_message(
            organisation=self.organisation,
            message_id=uuid.uuid4(),
            message_type="kvk-micro-klein",
            filename=f"jaarrekening-{year}.xbrl",
            content=content
            if content is not None
            else numbered(document(self.client.kvk_number, year)),
            actor=Actor.for_token(
                organisation_id=self.organisation.pk, label="token", ip_address="192.0.2.1"
            ),
        )
        assert created
        return message

    def start(
        self,
        message: ApprovalMessage,
        *,
        year: int = YEAR,
        adopted: bool = False,
        resubmission: bool = False,
        workflow=None,
    ) -> bool:
        assert services.claim_for_processing(message.pk)
        return start_workflow(
            message.pk,
            workflow or self.workflow,
            year=year,
            adopted=adopted,
            adoption_date=adoption_day(year) if adopted else None,
            resubmission=resubmission,
        )

    def adopt(self, message: ApprovalMessage) -> ApprovalMessage:
        return services.adopt(
            message_id=message.pk,
            actor=self.client_actor(),
            adoption_date=adoption_day(message.financial_year or YEAR),
        )

    def approve(self, message: ApprovalMessage) -> ApprovalMessage:
        message.refresh_from_db()
        return services.approve(
            message_id=message.pk,
            actor=self.client_actor(),
            document_sha256=message.document_sha256,
        )

    def at(self, status: int, *, year: int = YEAR, **start) -> ApprovalMessage:
        """A new message moved to ``status`` through the services."""
        message = self.register(year=year)
        if status == Status.RECEIVED:
            return _fresh(message)
        if status == Status.PROCESSING_FAILED:
            assert services.claim_for_processing(message.pk)
            services.fail_processing(
                message_id=message.pk,
                reasons=[{"code": "kvk_number_unknown", "message": "onbekend"}],
                findings=[],
            )
            return _fresh(message)
        if status == Status.PROCESSING:
            assert services.claim_for_processing(message.pk)
            return _fresh(message)
        assert self.start(message, year=year, **start)
        if status == Status.IN_REVIEW:
            return _fresh(message)
        if status == Status.REJECTED:
            services.reject(message_id=message.pk, actor=self.client_actor(), reason="Fout")
            return _fresh(message)
        self.adopt(message)
        self.approve(message)
        if status == Status.APPROVED:
            return _fresh(message)
        if status == Status.TRANSPORT_ERROR:
            services.record_transport_error(
                message_id=message.pk,
                reasons=[{"code": "digipoort_unavailable", "message": "weg"}],
                retry=True,
                max_attempts=5,
            )
            return _fresh(message)
        assert services.record_delivered(message_id=message.pk, kenmerk="KVK-1")
        if status == Status.SENT_TO_KVK:
            return _fresh(message)
        services.record_kvk_statuses(
            message_id=message.pk,
            statuses=[],
            outcome_status=status,
            reasons=[] if status == Status.FILED else [{"code": "BR-KVK-1", "message": "nee"}],
        )
        message = _fresh(message)
        assert message.status == status
        return message


def fail_with_year(message: ApprovalMessage, year: int = YEAR) -> ApprovalMessage:
    """A registered message processed to 25 with the year processing read from its document,
    as processing keeps it (workflow.services.processing._fail): a new version that failed."""
    assert services.claim_for_processing(message.pk)
    reasons = [{"code": "FR-KVK-1", "message": "Het document voldoet niet aan de KvK-regels."}]
    result = services.Examined(message.pk, reasons=reasons, financial_year=year)
    assert services.finish_processing([result]) == {message.pk: Status.PROCESSING_FAILED}
    return _fresh(message)


def copy_at_30(flow: Flow, original: ApprovalMessage, **start) -> ApprovalMessage:
    """A later message at 30 whose received document is byte-identical to ``original``'s,
    as the workflow took copies before uploads and processing refused them: another
    document taken to 30 (of a year before, so no filing of the original's year stands in
    its way), then given the original's bytes and year (the old-shaped row)."""
    copy = flow.at(Status.IN_REVIEW, year=YEAR - 1, **start)
    ApprovalMessage.objects.filter(pk=copy.pk).update(
        financial_year=original.financial_year,
        received_document=bytes(original.received_document),
        received_sha256=original.received_sha256,
        document=bytes(original.received_document),
        document_sha256=original.received_sha256,
    )
    return _fresh(copy)


def second_version_at_30(flow: Flow, first: ApprovalMessage) -> ApprovalMessage:
    """A later version at 30 of ``first``'s year while ``first`` is still at 30, as rows stand
    from before processing closed the older version (workflow.services.versions): taken to
    30 for the year before, then given ``first``'s year (the old-shaped row)."""
    later = flow.at(Status.IN_REVIEW, year=(first.financial_year or YEAR) - 1)
    ApprovalMessage.objects.filter(pk=later.pk).update(financial_year=first.financial_year)
    return _fresh(later)


def _fresh(message: ApprovalMessage) -> ApprovalMessage:
    return ApprovalMessage.objects.select_related("organisation").get(pk=message.pk)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role fixtures create users; the production hasher costs half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flow(client_a, message_type) -> Flow:
    return Flow(client=client_a, workflow=message_type.workflow)


@pytest.fixture
def flow_b(client_b, message_type) -> Flow:
    return Flow(client=client_b, workflow=message_type.workflow)


@pytest.fixture
def staff_actor(staff) -> Actor:
    return Actor.for_user(staff, ip_address="198.51.100.7")


@pytest.fixture
def outsider_actor(outsider) -> Actor:
    """Staff of another accountancy environment."""
    return Actor.for_user(outsider, ip_address="203.0.113.9")
