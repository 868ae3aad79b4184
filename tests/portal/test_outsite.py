"""OutSite: the client's own messages only, the decision steps, downloads, status partial."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from connectors import services as connector_services
from kvk.status import Status
from tests.conftest import instance_for, register_report
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import Actor, ApprovalMessage, Comment, StatusEvent


def test_list_shows_only_the_own_organisation(browser_a, client_a, client_b):
    mine = make_message(client_a)
    theirs = make_message(client_b)
    response = browser_a.get(reverse("outsite-messages"))
    assert response.status_code == 200
    assert [m.pk for m in response.context["page"]] == [mine.pk]
    assert theirs.pk not in [m.pk for m in response.context["page"]]


def test_other_organisations_message_is_404_everywhere(browser_b, message_a):
    for name in ["outsite-message", "outsite-status", "outsite-pdf", "outsite-xbrl"]:
        assert browser_b.get(reverse(name, args=[message_a.pk])).status_code == 404, name
    for action in ["adopt", "approve", "reject"]:
        response = browser_b.post(
            reverse("outsite-action", args=[message_a.pk, action]),
            {"reason": "x", "document_sha256": message_a.document_sha256},
        )
        assert response.status_code == 404
    response = browser_b.post(reverse("outsite-comment", args=[message_a.pk]), {"text": "hoi"})
    assert response.status_code == 404
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    assert not Comment.objects.exists()


def test_staff_get_404_on_outsite(staff_browser, message_a):
    assert staff_browser.get(reverse("outsite-message", args=[message_a.pk])).status_code == 404


def test_contact_without_portal_access_gets_404(browser_a, client_a, message_a):
    client_a.user.client_contacts.get().__class__.objects.filter(user=client_a.user).update(
        portal_access=False
    )
    assert browser_a.get(reverse("outsite-message", args=[message_a.pk])).status_code == 404


def test_detail_explains_what_is_approved(browser_a, message_a):
    response = browser_a.get(reverse("outsite-message", args=[message_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wat keurt u goed?" in html
    assert "openbaar" in html.lower()
    assert "niet ongedaan" in html
    # Adoption changes the document: its fingerprint is shown once adopted (before, it
    # would promise a document the KvK never gets; tests/portal/test_phone_review.py).
    assert message_a.document_sha256 not in html
    assert 'id="fingerprint-after-adoption"' in html
    assert "CONCEPT" in html  # the watermark of the rendered accounts
    assert 'id="adopt"' in html and 'id="approve"' not in html


def test_the_list_says_that_the_accounts_must_be_adopted_before_approving(
    browser_a, client_a, message_a
):
    """Approving needs the adoption first ("Jaarrekening vastgesteld", then approve: the
    product documentation in ../shared/seed/, "Jaarrekening beoordelen"); the list's "Actie
    nodig" named only checking and approving or rejecting. The list says so without telling
    every contact to tick the adoption: the organisation may name one contact who records it
    (crm.AdopterRule.NAMED), and the message says who."""
    adopt_first = "Vóór het goedkeuren moet de jaarrekening zijn vastgesteld"
    html = browser_a.get(reverse("outsite-messages")).content.decode()
    assert "Actie nodig:" in html and adopt_first in html
    assert "in het bericht ziet u wie dat vastlegt" in html
    services.adopt(
        message_id=message_a.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    html = browser_a.get(reverse("outsite-messages")).content.decode()
    assert "Actie nodig:" in html and adopt_first not in html


def test_adopt_then_approve(browser_a, message_a):
    today = date.today()
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": today.isoformat()},
    )
    assert response.status_code == 302
    message_a.refresh_from_db()
    assert message_a.adopted and message_a.adoption_date == today
    page = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    assert 'id="approve"' in page
    assert message_a.document_sha256 in page  # the fingerprint of the adopted document
    # Approving first shows what happens; nothing changes until the client confirms.
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "approve"]),
        {"document_sha256": message_a.document_sha256},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-approve-button"' in html
    assert "openbaar" in html and "niet ongedaan" in html
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "approve"]),
        {"document_sha256": message_a.document_sha256, "confirmed": "1"},
    )
    assert response.status_code == 302
    message_a.refresh_from_db()
    assert message_a.status == Status.APPROVED
    assert message_a.approved_sha256 == message_a.document_sha256
    event = StatusEvent.objects.filter(message=message_a).order_by("-sequence").first()
    assert (event.action, event.to_status, event.actor_kind) == ("approved", 50, "client_user")


def test_adoption_in_the_future_is_refused(browser_a, message_a):
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": (date.today() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert "toekomst" in response.content.decode()
    message_a.refresh_from_db()
    assert not message_a.adopted


def test_an_empty_adoption_or_rejection_says_what_to_fill_in(browser_a, message_a):
    """A client who pressed "Vaststellen" or "Afkeuren bericht" with nothing filled in read
    "Dit veld is vereist." under a checkbox; each field now says what it needs."""
    adopt = browser_a.post(reverse("outsite-action", args=[message_a.pk, "adopt"]), {})
    assert adopt.status_code == 400
    html = adopt.content.decode()
    assert "Vink &#x27;Jaarrekening vastgesteld&#x27; aan zodra de jaarrekening is" in html
    assert "Vul de datum in waarop de jaarrekening is vastgesteld." in html
    reject = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]), {"reason": "  "}
    )
    assert reject.status_code == 400
    html = reject.content.decode()
    assert (
        "Schrijf waarom u afkeurt, zodat uw administratie en uw accountant weten wat er moet "
        "veranderen." in html
    )
    assert "Dit veld is vereist." not in adopt.content.decode() + html
    message_a.refresh_from_db()
    assert (message_a.status, message_a.adopted) == (Status.IN_REVIEW, False)


def test_approve_with_an_old_fingerprint_is_refused(browser_a, message_a):
    browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": date.today().isoformat()},
    )
    stale = "0" * 64
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "approve"]),
        {"document_sha256": stale, "confirmed": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "gewijzigd" in response.content.decode()
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW


def test_reject_needs_a_reason(browser_a, message_a):
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]), {"reason": ""}
    )
    assert response.status_code == 400
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]), {"reason": "Naam is fout"}
    )
    assert response.status_code == 200 and 'id="confirm-reject-button"' in response.content.decode()
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    # "Nee, reden aanpassen" brings the form back with the reason as typed.
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]),
        {"reason": "Naam is fout", "back": "1"},
    )
    assert response.status_code == 200 and "Naam is fout</textarea>" in response.content.decode()
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]),
        {"reason": "Naam is fout", "confirmed": "1"},
    )
    assert response.status_code == 302
    message_a.refresh_from_db()
    assert message_a.status == Status.REJECTED
    assert message_a.reasons[0]["message"] == "Naam is fout"


def test_status_partial_polls_while_in_flight(browser_a, client_a):
    message = make_message(client_a, Status.APPROVED)
    response = browser_a.get(reverse("outsite-status", args=[message.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="50"' in html and 'hx-trigger="every 3s"' in html
    assert "<html" not in html
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert "hx-get" in page and 'id="approve"' not in page


def test_status_partial_does_not_poll_in_review(browser_a, message_a):
    html = browser_a.get(reverse("outsite-status", args=[message_a.pk])).content.decode()
    assert 'data-status="30"' in html and "hx-trigger" not in html


def test_message_awaiting_accountant_review_is_hidden(browser_a, client_a, message_a):
    type(message_a).objects.filter(pk=message_a.pk).update(awaiting_accountant_review=True)
    assert browser_a.get(reverse("outsite-message", args=[message_a.pk])).status_code == 404
    assert not list(browser_a.get(reverse("outsite-messages")).context["page"])


def test_client_comment_and_downloads(browser_a, client_a, message_a):
    response = browser_a.post(reverse("outsite-comment", args=[message_a.pk]), {"text": "Vraag"})
    assert response.status_code == 302
    assert Comment.objects.get().author == client_a.user
    xbrl = browser_a.get(reverse("outsite-xbrl", args=[message_a.pk]))
    assert xbrl.status_code == 200 and bytes(xbrl.content) == bytes(message_a.document)


def test_the_accounts_come_before_the_decision(browser_a, message_a):
    html = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    assert html.index('id="doc-h"') < html.index('id="what-h"') < html.index('id="adopt"')
    assert 'sandbox="allow-same-origin"' in html  # sized to its content, runs no script


def test_adoption_date_in_the_year_is_shown_under_the_field_with_the_input_kept(
    browser_a, message_a
):
    last_day = date(message_a.financial_year, 12, 31)
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": last_day.isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_adoption_date_error"' in html and "na het einde van het boekjaar" in html
    assert f'value="{last_day.isoformat()}"' in html  # the input is kept
    message_a.refresh_from_db()
    assert not message_a.adopted


def test_adoption_before_the_directors_signed_is_refused(browser_a, message_a):
    """Art. 2:101 BW: the board draws up and signs the accounts, then the general meeting
    adopts them; the document says when the directors signed."""
    from workflow.selectors import adoption_bounds

    signed_on = adoption_bounds(message_a).signed_on
    assert signed_on is not None
    day_before = signed_on - timedelta(days=1)
    assert day_before > date(message_a.financial_year, 12, 31)
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": day_before.isoformat()},
    )
    assert response.status_code == 400
    assert "ondertekening" in response.content.decode()
    message_a.refresh_from_db()
    assert not message_a.adopted


# --- another company's accounts (portal.views.common.message_views, workflow.reasons) ------


def _another_company_at_25(sender, owner, *, invalid_value: bool = False):
    """A message ``sender`` uploaded with ``owner``'s accounts in it (a token pasted into the
    wrong administration): processing refuses it at 25 with kvk_number_not_yours, and with
    that reason only (a finding would quote the other company's figures)."""
    content = instance_for(owner.kvk_number, name="Bakkerij De Korst B.V.")
    if invalid_value:  # an amount no monetaryNoDecimals type allows: a finding's sentence quotes it
        content = content.replace(b'decimals="0">53250<', b'decimals="0">1234567.5<', 1)
        assert b"1234567.5" in content
    message, _ = register_report(sender.organisation, content, Actor.system())
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.PROCESSING_FAILED
    message.refresh_from_db()
    assert [r["code"] for r in message.reasons] == ["kvk_number_not_yours"]
    return message


def test_another_companys_accounts_are_not_shown_to_the_client(
    browser_b, staff_browser, client_a, client_b
):
    message = _another_company_at_25(client_b, client_a)
    response = browser_b.get(reverse("outsite-message", args=[message.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bakkerij De Korst" not in html
    assert "<iframe" not in html and response.context["rendered"] is None
    assert "Het KvK-nummer in dit document is niet dat van uw organisatie." in html
    assert "Daarom wordt het document hier niet getoond." in html
    assert reverse("outsite-pdf", args=[message.pk]) not in html
    assert reverse("outsite-xbrl", args=[message.pk]) not in html
    for name in ["outsite-pdf", "outsite-xbrl"]:
        assert browser_b.get(reverse(name, args=[message.pk])).status_code == 404, name

    # The staff keep the document: they need it to sort the mix-up out.
    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "<iframe" in page and "Bakkerij De Korst" in page
    assert "Daarom wordt het document hier niet getoond." not in page
    xbrl = staff_browser.get(reverse("insite-xbrl", args=[message.pk]))
    assert xbrl.status_code == 200 and bytes(xbrl.content) == bytes(message.document)
    assert staff_browser.get(reverse("insite-pdf", args=[message.pk])).content.startswith(b"%PDF")


def test_no_figure_of_another_companys_accounts_reaches_the_client_through_the_reasons(
    browser_b, client_a, client_b
):
    """A review found the rules' findings of the other company's document in the reasons
    (OutSite's "Redenen", the timeline, the API's updates), quoting its values."""
    message = _another_company_at_25(client_b, client_a, invalid_value=True)
    assert message.findings in ([], None) and message.financial_year is None
    html = browser_b.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert "1234567.5" not in html and "AssetsNoncurrentOther" not in html


def test_the_own_accounts_are_no_correction_of_another_companys(client_a, client_b):
    """Processing takes nothing from another company's document, not even its year, so the
    organisation's own accounts are not linked to it as their earlier version."""
    _another_company_at_25(client_b, client_a)
    own = make_message(client_b)
    assert own.replaces_id is None


def test_a_link_made_before_is_not_compared_for_the_client(
    browser_b, staff_browser, client_a, client_b
):
    """Messages processed before that change may be linked: the client reads why there is
    no comparison (not "the figures are equal"); the staff see it."""
    refused = _another_company_at_25(client_b, client_a)
    own = make_message(client_b)
    ApprovalMessage.objects.filter(pk=refused.pk).update(financial_year=own.financial_year)
    ApprovalMessage.objects.filter(pk=own.pk).update(replaces=refused)
    response = browser_b.get(reverse("outsite-message", args=[own.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["changes"] == []
    assert 'id="changes"' not in html and 'id="no-changes"' not in html
    assert "De eerdere versie had het KvK-nummer van een ander bedrijf" in html
    staff_page = staff_browser.get(reverse("insite-message", args=[own.pk]))
    assert staff_page.context["changes"]
