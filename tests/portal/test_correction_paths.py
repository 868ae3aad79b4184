"""The staff's and the client's pages along the correction paths (KVK-SBR.md §1: "A filed
document is never removed. A correction is a new filing: either a heraanlevering ... KvK
refuses a second adopted filing for the same year otherwise"; §2: a rejected message can
be put back into the workflow, "repair message status").

- "Berichtstatus herstellen" is not offered beside a newer version of the year, and the
  page says why;
- "Vraagt aandacht" drops a version that ended (25, 40, 90) once its year moved on: a newer
  version came, or the year was filed; a heraanlevering that failed after the filing stays;
- a heraanlevering shows what it changes in the filed, public accounts."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from connectors import services as connector_services
from kvk.builder import build_instance
from kvk.statements import demo_statements
from kvk.status import Status
from tests.workflow.conftest import YEAR, Flow, adoption_day, fail_with_year
from workflow import services
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def test_no_repair_beside_a_newer_version_and_the_page_says_why(
    staff_browser, client_a, message_type
):
    """Rows as they stand from before every ended version was linked to its correction: the
    rejected version is replaced by none, while a newer one of its year waits at 30."""
    flow = Flow(client_a, message_type.workflow)
    rejected = flow.at(Status.REJECTED)
    newer = flow.at(Status.IN_REVIEW)
    ApprovalMessage.objects.filter(pk=newer.pk).update(replaces=None)
    repair = reverse("insite-action", args=[rejected.pk, "repair"])

    page = staff_browser.get(reverse("insite-message", args=[rejected.pk]))
    html = page.content.decode()
    assert page.context["can_repair"] is False
    assert f'action="{repair}"' not in html
    assert 'id="repair-refused"' in html and str(newer.message_id) in html

    response = staff_browser.post(repair, {"confirmed": "1", "reason": "Toch goed"}, follow=True)
    (flashed,) = [str(m) for m in response.context["messages"]]
    assert str(newer.message_id) in flashed and str(YEAR) in flashed
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_attention_drops_versions_whose_year_moved_on(
    staff_browser, client_a, client_b, message_type
):
    flow, flow_b = Flow(client_a, message_type.workflow), Flow(client_b, message_type.workflow)
    # The year was filed: a plain new version of it is refused at processing (25) and asks
    # nothing more; the filing is what counts.
    flow.at(Status.FILED, year=YEAR - 1)
    after_filing = flow.register(year=YEAR - 1)
    assert not flow.start(after_filing, year=YEAR - 1, adopted=True)
    # A newer version came (it failed processing): that one asks attention, the older not.
    rejected = flow.at(Status.REJECTED)
    newest = fail_with_year(flow.register())
    # A heraanlevering the client rejected after the filing: the correction did not happen.
    flow_b.at(Status.FILED)
    resubmission = flow_b.register()
    assert flow_b.start(resubmission, adopted=True, resubmission=True)
    services.reject(message_id=resubmission.pk, actor=flow_b.client_actor(), reason="Nog niet")
    # Without a year (an unknown KvK number, say) nothing moves it on.
    no_year = flow_b.at(Status.PROCESSING_FAILED)
    assert no_year.financial_year is None

    response = staff_browser.get(reverse("insite-dashboard"))
    attention = {message.pk for message in response.context["attention"]}
    assert attention == {newest.pk, no_year.pk, resubmission.pk}
    assert after_filing.pk not in attention and rejected.pk not in attention
    listed = staff_browser.get(reverse("insite-messages"), {"attention": "on"})
    assert {message.pk for message in listed.context["page"]} == attention


def test_a_failed_heraanlevering_after_the_filing_still_asks_attention(
    staff_browser, client_a, message_type
):
    """KVK-SBR.md §1 and §4: a heraanlevering "requires adoption status Ja" (BR-KVK-4.12).
    One that fails that rule at processing (25) after the year was filed (80) corrected
    nothing in the public accounts: unlike a plain new version of a filed year, it stays in
    "Vraagt aandacht" until a version that does correct them comes."""
    flow = Flow(client_a, message_type.workflow)
    flow.at(Status.FILED)
    failed = flow.register()
    assert not flow.start(failed, adopted=False, resubmission=True)
    failed.refresh_from_db()
    assert failed.status == Status.PROCESSING_FAILED and failed.financial_year == YEAR
    assert [reason["code"] for reason in failed.reasons] == ["BR-KVK-4.12"]
    assert failed.resubmission is True

    response = staff_browser.get(reverse("insite-dashboard"))
    assert failed.pk in {message.pk for message in response.context["attention"]}
    listed = staff_browser.get(reverse("insite-messages"), {"attention": "on"})
    assert failed.pk in {message.pk for message in listed.context["page"]}

    # The corrected heraanlevering replaces it, and it asks nothing more.
    corrected = flow.register()
    assert flow.start(corrected, adopted=True, resubmission=True)
    assert ApprovalMessage.objects.get(pk=corrected.pk).replaces_id == failed.pk
    response = staff_browser.get(reverse("insite-dashboard"))
    assert failed.pk not in {message.pk for message in response.context["attention"]}


def test_a_heraanlevering_shows_what_changes_in_the_filed_accounts(
    staff_browser, browser_a, client_a, message_type
):
    """The client approves accounts that become public: the page compares them with the
    filing of the year as the KvK has it (adopted in the portal), not with an older draft."""
    flow = Flow(client_a, message_type.workflow)
    filed = flow.at(Status.FILED)
    statements = demo_statements(kvk_number=client_a.kvk_number, legal_name="Test B.V.", year=YEAR)
    moved = [dataclasses.replace(statements.signatories[0], place="Amersfoort")]
    corrected = dataclasses.replace(
        statements,
        signatories=moved,
        adopted=True,
        adoption_date=adoption_day(),
        resubmission=True,
        resubmission_explanation="De plaats van ondertekening was onjuist.",
    )
    resubmission = flow.register(content=build_instance(corrected))
    assert services.claim_for_processing(resubmission.pk)
    assert connector_services.process_message(resubmission.pk) == Status.IN_REVIEW
    resubmission.refresh_from_db()
    assert resubmission.resubmission and resubmission.replaces_id is None

    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        response = browser.get(reverse(name, args=[resubmission.pk]))
        html = response.content.decode()
        assert response.context["filed_version"].pk == filed.pk
        assert reverse(name, args=[filed.pk]) in html and 'id="filed-version"' in html
        rows = {(c.label, c.before, c.after) for c in response.context["changes"]}
        assert ("Plaats van ondertekening (J. de Vries)", "Utrecht", "Amersfoort") in rows
        # The filed document was adopted: adoption is no change the heraanlevering makes.
        assert not [c for c in response.context["changes"] if c.label == "Vastgesteld"]
        assert "Gedeponeerde versie" in html and "Amersfoort" in html
