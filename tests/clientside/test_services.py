"""Preparing, locking after filing and the resubmission, without the portal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clientside import services
from clientside.models import (
    AnnualReport,
    OutboundMessage,
    ReportSignature,
    Signatory,
    normalise_participant_number,
)
from clientside.portal_client import PortalError
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.rules import Finding
from kvk.statements import Signatory as SignatoryFact
from kvk.status import Status
from tests.clientside.conftest import SIGNED, YEAR, make_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def env():
    return make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("O12345AA", "12345"), ("12345", "12345"), (" o12345aa ", "12345"), ("1234", "1234")],
)
def test_participant_number_is_normalised(typed, stored):
    assert normalise_participant_number(typed) == stored


@pytest.mark.parametrize(
    ("updated", "summary"),
    [
        (0, "1 verzonden, 0 mislukt, 0 statuswijzigingen."),
        (1, "1 verzonden, 0 mislukt, 1 statuswijziging."),
        (2, "1 verzonden, 0 mislukt, 2 statuswijzigingen."),
    ],
)
def test_send_receive_summary_counts_status_changes_in_dutch(updated, summary):
    """What the bookkeeper reads after "Verzenden/ontvangen": one change is singular."""
    assert services.SendReceiveResult(sent=1, updated=updated).summary() == summary


def test_prepared_instance_carries_the_administration_and_reporting_values(env):
    supervisor = Signatory.objects.create(
        administration=env.administration,
        name="K. Toezicht",
        function=tx.SUPERVISORY_DIRECTOR,
        order=2,
    )
    env.report.signed_by = AnnualReport.SignedBy.DIRECTORS_AND_SUPERVISORY
    env.report.save()
    ReportSignature.objects.create(
        report=env.report, signatory=supervisor, reason_not_signed="Ziek."
    )
    message = services.prepare(env.report)
    parsed = parse_instance(bytes(message.document))
    assert parsed.kvk_number == "12345678"
    assert parsed.signatories() == [
        SignatoryFact("J. de Vries", tx.DIRECTOR, True, SIGNED, "Utrecht", ""),
        SignatoryFact("K. Toezicht", tx.SUPERVISORY_DIRECTOR, False, None, "", "Ziek."),
    ]
    statements = parsed.statements()
    assert statements.legal_form == "Besloten vennootschap met beperkte aansprakelijkheid"
    assert statements.address is not None and statements.address.postal_code == "3511AX"
    assert statements.email == "administratie@example.nl"
    assert statements.prepared_on == SIGNED
    assert parsed.first_value("DocumentAdoptionStatus") == "Nee"
    assert message.status == Status.PREPARED
    assert message.history[0]["status"] == Status.PREPARED


def test_rules_of_kvk_are_reported_with_the_field(env):
    """A total that does not add up is a KvK warning (the balance sheet's sum assertions
    have severity WARNING, kvk-balance-sheet_u-for.xml in the NT19 extract): shown with
    its field under "Controle", not a block."""
    env.report.statements["balance"]["Assets"] = [
        "1",
        env.report.statements["balance"]["Assets"][1],
    ]
    env.report.save()
    check = services.check_report(env.report)
    assert check.problems == []
    # the totals at stake, as the figures form names them (clientside.check_messages)
    assert {p.field for p in check.warnings} == {
        "Balans: Totaal activa (huidig boekjaar)",
        "Balans: Totaal passiva (huidig boekjaar)",
    }
    assert any("BalanceSheetMicroEntities" in p.code for p in check.warnings)
    message = services.prepare(env.report)
    assert message.status == Status.PREPARED


def test_an_error_of_the_kvk_blocks_klaarzetten_with_its_field(env):
    env.administration.kvk_number = "00000001"
    env.administration.save()
    with pytest.raises(services.PrepareError) as error:
        services.prepare(env.report)
    assert error.value.problems
    assert OutboundMessage.objects.count() == 0


def test_a_report_with_a_profit_and_loss_needs_it():
    env = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", variant="klein"
    )
    env.report.statements["profit_loss"] = {}
    env.report.save()
    with pytest.raises(services.PrepareError) as error:
        services.prepare(env.report)
    assert [p.field for p in error.value.problems] == [
        "Winst-en-verliesrekening: Resultaat na belastingen (huidig boekjaar)"
    ]


def test_refresh_replaces_a_message_never_offered_but_not_one_under_way(env):
    first = services.prepare(env.report)
    second = services.prepare(env.report)
    assert not OutboundMessage.objects.filter(pk=first.pk).exists()
    services._mirror(second, Status.RECEIVED, [])
    with pytest.raises(services.PrepareError, match="Er loopt al een bericht"):
        services.prepare(env.report)
    assert OutboundMessage.objects.count() == 1


def test_filed_report_is_locked_and_a_correction_is_a_resubmission(env):
    message = services.prepare(env.report)
    services._mirror(message, Status.FILED, [])
    env.report.refresh_from_db()
    assert env.report.locked

    with pytest.raises(services.ReportLocked):
        services.save_reporting_values(
            report=env.report, adoption_date=None, signed_by="bestuurder", signed_date=None
        )
    with pytest.raises(services.PrepareError, match="heraanlevering"):
        services.prepare(env.report)

    resubmission = services.create_resubmission(report=env.report)
    assert resubmission.resubmission and not resubmission.locked
    assert services.create_resubmission(report=env.report) == resubmission
    with pytest.raises(services.PrepareError) as error:
        services.prepare(resubmission)

    assert [p.code for p in error.value.problems] == ["BR-KVK-4.16", ""]
    assert error.value.problems[1].field == "Toelichting heraanlevering"

    adopted = min(date(YEAR + 1, 4, 1), date.today())
    services.save_reporting_values(
        report=resubmission,
        adoption_date=adopted,
        signed_by="bestuurder",
        signed_date=SIGNED,
        signing_place="Utrecht",
        resubmission_explanation="De voorraad was te hoog gewaardeerd.",
    )
    corrected = services.prepare(resubmission)
    parsed = parse_instance(bytes(corrected.document))
    assert parsed.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies") == "Ja"
    assert parsed.first_value("DocumentAdoptionStatus") == "Ja"
    assert parsed.adoption_date == adopted
    assert parsed.statements().resubmission_explanation == "De voorraad was te hoog gewaardeerd."
    assert corrected.filename.endswith("-heraanlevering.xbrl")


def test_send_receive_without_profile_says_what_to_fill_in(env):
    env.profile.delete()
    env.administration.refresh_from_db()
    result = services.send_receive(env.administration)
    assert result.sent == 0
    assert "deelnemernummer en het token" in result.errors[0]


def test_a_message_at_5_must_be_sent_before_new_documents(env):
    message = services.prepare(env.report)
    # Offered (sent_at is set before every upload), then the upload failed: it may have
    # reached the portal.
    OutboundMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
    services._mirror(message, Status.SEND_FAILED, [{"code": "unreachable", "message": "x"}])
    with pytest.raises(services.PrepareError, match="Verzend het eerst"):
        services.prepare(env.report)
    assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [message.pk]


def test_a_copy_the_portal_refused_keeps_its_reason_when_the_token_is_refused(env, monkeypatch):
    """A message the portal refused as a copy (duplicate_document) is not sent again by
    send/receive, so a refusal of the token does not replace its reason either."""
    copy = services.prepare(env.report)
    refused = [{"code": "duplicate_document", "message": "Het portal heeft deze stukken al."}]
    services._mirror(copy, Status.SEND_FAILED, refused)

    def wrong_token(administration, client):
        raise PortalError(services.TOKEN_OF_ANOTHER_ORGANISATION, "Ander token.", retryable=False)

    monkeypatch.setattr(services, "check_token", wrong_token)
    result = services.send_receive(env.administration)

    assert (result.errors, result.failed) == (["Ander token."], 0)
    copy.refresh_from_db()
    assert (copy.status, copy.reasons) == (Status.SEND_FAILED, refused)


@pytest.mark.parametrize("status", [42, "x", None, 100])
def test_a_status_outside_the_vocabulary_is_not_mirrored(env, status):
    message = services.prepare(env.report)
    assert services._mirror(message, status, []) is False
    message.refresh_from_db()
    assert message.status == Status.PREPARED and len(message.history) == 1


def test_the_database_refuses_an_unknown_status(env):
    from django.db import IntegrityError, transaction

    message = services.prepare(env.report)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(status=42)


def test_prepare_does_not_replace_a_message_a_send_run_took_meanwhile(env, monkeypatch):
    first = services.prepare(env.report)
    stale = OutboundMessage.objects.get(pk=first.pk)  # read before the send run marked it
    OutboundMessage.objects.filter(pk=first.pk).update(sent_at=timezone.now())
    monkeypatch.setattr(services, "open_message", lambda report: stale)
    with pytest.raises(services.PrepareError, match="op dit moment verzonden"):
        services.prepare(env.report)
    assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [first.pk]


def test_an_older_view_never_overwrites_a_newer_mirrored_status(env):
    message = services.prepare(env.report)
    stale = OutboundMessage.objects.get(pk=message.pk)
    assert services._mirror(message, Status.IN_REVIEW, []) is True
    # Another send/receive run still holds the row as it was at 0 and saw a send failure.
    assert services._mirror(stale, Status.SEND_FAILED, [{"code": "x", "message": "y"}]) is False
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert [entry["status"] for entry in message.history] == [Status.PREPARED, Status.IN_REVIEW]


def test_a_year_not_twelve_months_needs_the_reason_and_the_impact(env):
    """kvk-document-information-for.xml, PrtValueThnExistence1 and 2: the reason and the
    impact on the comparative figures, each with its field."""
    statements = env.report.statements
    statements.update(period_start=f"{YEAR}-03-01", previous_start=None, previous_end=None)
    for part in ("balance", "profit_loss"):
        statements[part] = {k: [v[0], None] for k, v in statements[part].items()}
    env.report.save()
    fields = [p.field for p in services.completeness_problems(env.report)]
    assert fields == ["Reden afwijkende lengte boekjaar", "Gevolgen voor de vergelijkende cijfers"]
    statements["period_deviation_reason"] = "Eerste boekjaar na oprichting."
    statements["period_deviation_impact"] = "Geen; er zijn geen vergelijkende cijfers."
    env.report.save()
    assert services.completeness_problems(env.report) == []
    parsed = parse_instance(bytes(services.prepare(env.report).document))
    assert parsed.statements().period_deviation_impact == statements["period_deviation_impact"]


def test_a_resubmission_is_adopted_after_the_accounts_were_drawn_up(env):
    """kvk-document-information-for.xml, PrtDateEarlierEQDateLater1: the date of
    preparation is not after the adoption date."""
    resubmission = AnnualReport.objects.create(
        administration=env.administration,
        financial_year=YEAR,
        resubmission=True,
        statements=dict(env.report.statements),
        signed_date=SIGNED,
        signing_place="Utrecht",
        resubmission_explanation="Correctie.",
        adoption_date=date.fromisoformat(env.report.statements["prepared_on"]) - timedelta(days=1),
    )
    [problem] = services.completeness_problems(resubmission, today=SIGNED + timedelta(days=1))
    assert problem.field == "Datum vaststelling"
    assert problem.code == "valueAssertion_DocumentInformation_PrtDateEarlierEQDateLater1"


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        # BR-KVK-4.10 (KVK-SBR.md §4): the adoption date is not after the filing date,
        # so an adoption date ahead of today cannot be right.
        ("tomorrow", "BR-KVK-4.10"),
        # kvk-document-information-for.xml, PrtDateEarlierEQDateLater1.
        ("before_prepared", "valueAssertion_DocumentInformation_PrtDateEarlierEQDateLater1"),
    ],
)
def test_a_first_filing_checks_an_adoption_date_it_is_given(env, offset, code):
    """A first filing needs no adoption date (the client adopts in the portal), but one
    that is filled in is checked as for a resubmission."""
    today = SIGNED + timedelta(days=1)
    prepared_on = date.fromisoformat(env.report.statements["prepared_on"])
    env.report.adoption_date = {
        "tomorrow": today + timedelta(days=1),
        "before_prepared": prepared_on - timedelta(days=1),
    }[offset]
    [problem] = services.completeness_problems(env.report, today=today)
    assert (problem.field, problem.code) == ("Datum vaststelling", code)
    env.report.adoption_date = None
    assert services.completeness_problems(env.report, today=today) == []


DOCUMENT = "valueAssertion_DocumentInformation_"


@pytest.mark.parametrize(
    ("code", "field"),
    [
        # the KvK's checks that took over from DEP-PERIOD and DEP-ADOPTION-DATE (kvk.rules)
        (f"{DOCUMENT}PrtDateEarlier24HDateLater1", "Boekjaar"),
        (f"{DOCUMENT}PrtDateEarlierDateLater2", "Boekjaar"),
        (f"{DOCUMENT}PrtDateEarlierDateLater3", "Boekjaar"),
        (f"{DOCUMENT}PrtValueThnExistence3", "Datum vaststelling"),
        (f"{DOCUMENT}PrtValueThnNoExistence2", "Datum vaststelling"),
        (f"{DOCUMENT}PrtDateEarlierDateLater1", "Datum vaststelling"),
        (f"{DOCUMENT}PrtValueThnExistence2", "Gevolgen voor de vergelijkende cijfers"),
        # no field of its own: the reporting values, by the assertion's linkrole
        ("existenceAssertion_DocumentInformation_PrtExistOnce4", "Rapportagewaarden"),
    ],
)
def test_the_kvk_date_checks_name_the_field_to_fix(code, field):
    finding = Finding(code, "error", "nl", "en")
    assert services._problem_for(finding).field == field


def test_the_kvk_findings_speak_the_screens_language(env):
    """Dutch first, English when the screen is English (the rules give both texts)."""
    from django.utils import translation

    env.report.statements["balance"]["Assets"] = [
        "1",
        env.report.statements["balance"]["Assets"][1],
    ]
    env.report.save()
    dutch = services.check_report(env.report).warnings
    with translation.override("en"):
        english = services.check_report(env.report).warnings
    assert [p.code for p in dutch] == [p.code for p in english]
    assert dutch[0].message != english[0].message
    assert "KvK check" in english[0].message or "The KvK" in english[0].message
