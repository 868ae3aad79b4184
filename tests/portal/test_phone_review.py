"""What a client's director found reviewing on a phone (2026-12-07), outside the browser:
the pages a form leads to, the wording of where a message stands, the fingerprint before
adoption, versions in the list, the password and language forms."""

from __future__ import annotations

import contextlib
from datetime import date

from django.core import mail
from django.urls import reverse

from config import dates
from kvk.status import Status
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import Actor


def test_an_action_address_opened_again_shows_the_message_not_a_blank_page(
    browser_a, staff_browser, message_a
):
    """After a refused form the address is that of the action (…/adopt/, …/opmerking/):
    the language switch goes back to it with a GET, as do a reload and the history. Each
    answers with the message page; an address that names no action is not found (404)."""
    detail = reverse("outsite-message", args=[message_a.pk])
    for action in ("adopt", "approve", "reject"):
        response = browser_a.get(reverse("outsite-action", args=[message_a.pk, action]))
        assert response.status_code == 302 and response.url == detail
    response = browser_a.get(reverse("outsite-comment", args=[message_a.pk]))
    assert response.status_code == 302 and response.url == detail
    for method in (browser_a.get, browser_a.post):
        assert method(f"/outsite/berichten/{message_a.pk}/xyz/").status_code == 404

    # The language switch itself, from a page a refused form gave back.
    refused = browser_a.post(reverse("outsite-action", args=[message_a.pk, "adopt"]), {})
    assert refused.status_code == 400
    switched = browser_a.post(
        reverse("set_language"),
        {"language": "en", "next": refused.context["request"].get_full_path()},
        follow=True,
    )
    assert switched.status_code == 200
    assert switched.redirect_chain[-1][0] == detail

    staff_detail = reverse("insite-message", args=[message_a.pk])
    for action in ("review", "repair"):
        response = staff_browser.get(reverse("insite-action", args=[message_a.pk, action]))
        assert response.status_code == 302 and response.url == staff_detail
    assert staff_browser.get(f"/insite/berichten/{message_a.pk}/xyz/").status_code == 404


#: The staff's wording of where a message stands: the code and the status label of
#: KVK-SBR.md §2, the third person about the client, the workflow's and Digipoort's words.
STAFF_WORDS = (
    "30 Aangeboden ter beoordeling door cliënt",
    "Aangeboden ter beoordeling door cliënt",
    "40 Afgekeurd door cliënt",
    "Afgekeurd door cliënt",
    "(cliënt)",
    "→",
    "Bezig met verwerken in portal",
    "Aangeboden in de workflow",
    "Afgeleverd bij Digipoort",
)


def _words(response) -> str:
    return response.content.decode()


def test_a_client_reads_where_a_message_stands_without_the_staffs_codes(
    browser_a, staff_browser, client_a
):
    """As portal.notifications says of the e-mail: a client reads no status code and no
    third person about the reader ("door cliënt"); the staff keep the code and the label."""
    client_a.user.first_name, client_a.user.last_name = "Jan", "de Vries"
    client_a.user.save()
    waiting = make_message(client_a)
    rejected = make_message(client_a, Status.REJECTED)
    pages = [
        browser_a.get(reverse("outsite-messages")),
        browser_a.get(reverse("outsite-message", args=[waiting.pk])),
        browser_a.get(reverse("outsite-message", args=[rejected.pk])),
        browser_a.get(reverse("outsite-status", args=[rejected.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        shown = [words for words in STAFF_WORDS if words in _words(page)]
        assert shown == [], page.request["PATH_INFO"]
    assert "Wacht op uw beoordeling" in _words(pages[1])
    assert "Afgekeurd bij de beoordeling" in _words(pages[2])

    staff = _words(staff_browser.get(reverse("insite-message", args=[rejected.pk])))
    assert "40 Afgekeurd door cliënt" in staff
    assert "→" in staff


#: The local Digipoort's refusal of a second adopted filing for a year (rule KVK003,
#: kvk/digipoort/stub/verdict.py), in the KvK's Dutch words.
SECOND_FILING = {
    "code": "KVK003",
    "message": "Voor KvK-nummer 12345678 is over boekjaar 2025 al een vastgestelde "
    "jaarrekening gedeponeerd",
}


#: Digipoort's status of a delivery the KvK refused (Logius, "Statussen en foutcodes").
REFUSED_STATUS = {
    "code": 510,
    "description": "Afgewezen door de KvK",
    "timestamp": "2026-12-06T07:30:00Z",
    "error_code": "",
    "details": "",
}


def _refused(client, reasons, capture=None):
    message = make_message(client, Status.APPROVED)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    with capture(execute=True) if capture else contextlib.nullcontext():
        services.record_kvk_statuses(
            message_id=message.pk,
            statuses=[REFUSED_STATUS],
            outcome_status=Status.REFUSED,
            reasons=reasons,
        )
    message.refresh_from_db()
    assert message.status == Status.REFUSED
    return message


def test_a_refused_second_filing_for_the_year_asks_no_correction(
    browser_a, client_a, mail_tasks_run_here, django_capture_on_commit_callbacks
):
    """KVK-SBR.md §1: a filed document is never removed, and the KvK refuses a second
    adopted filing for the same year unless it is a heraanlevering. So after that refusal a
    corrected version is not what follows: either the year is filed already (nothing to do)
    or a heraanlevering is needed. The page and the e-mail say so, and an English reader
    reads the reason in English, not in the KvK's Dutch."""
    message = _refused(client_a, [SECOND_FILING], django_capture_on_commit_callbacks)
    page = _words(browser_a.get(reverse("outsite-message", args=[message.pk])))
    assert "na de correctie krijgt u een nieuwe versie" not in page
    assert "heraanlevering" in page
    (client_mail,) = [m for m in mail.outbox if m.to == [client_a.user.email]]
    assert "Er moeten nieuwe stukken worden aangeleverd" not in client_mail.body
    assert "heraanlevering" in client_mail.body

    browser_a.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _words(browser_a.get(reverse("outsite-message", args=[message.pk])))
    assert "al een vastgestelde jaarrekening gedeponeerd" not in english


def test_another_refusal_still_asks_for_a_corrected_version(browser_a, client_a):
    message = _refused(client_a, [{"code": "FG-NL-01", "message": "Een fout"}])
    page = _words(browser_a.get(reverse("outsite-message", args=[message.pk])))
    assert "na de correctie krijgt u een nieuwe versie" in page
    assert "heraanlevering" not in page


def test_before_adoption_no_fingerprint_is_promised_that_adoption_changes(
    browser_a, client_a, message_a
):
    """Adoption writes the adoption status and date into the document (KVK-SBR.md §1: a
    filing carries its adoption status and date), so its fingerprint changes: before, the
    page does not say the KvK receives "exact dit document" with today's fingerprint."""
    before = message_a.document_sha256
    page = _words(browser_a.get(reverse("outsite-message", args=[message_a.pk])))
    assert "Wat keurt u goed?" in page
    assert before not in page
    assert "exact dit document" not in page

    services.adopt(
        message_id=message_a.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    message_a.refresh_from_db()
    assert message_a.document_sha256 != before
    page = _words(browser_a.get(reverse("outsite-message", args=[message_a.pk])))
    assert "exact dit document" in page
    assert message_a.document_sha256 in page


def test_the_list_tells_the_versions_of_a_year_apart(browser_a, client_a):
    """Three versions of one year (rejected, rejected, waiting) read alike in the list: each
    card says when it came in to the minute, and a version a newer one replaced says so
    instead of looking open; its page no longer promises the version that has come."""
    first = make_message(client_a, Status.REJECTED)
    second = make_message(client_a, Status.REJECTED)
    third = make_message(client_a)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.replaces_id, third.replaces_id) == (first.pk, second.pk)

    page = browser_a.get(reverse("outsite-messages"))
    cards = {
        m.pk: html
        for m, html in zip(page.context["page"], _words(page).split('<li class="card')[1:])
    }
    for message in (first, second, third):
        assert dates.format_moment(message.created_at) in cards[message.pk]
    for replaced in (first, second):
        assert 'class="tag replaced-tag"' in cards[replaced.pk]
    assert "replaced-tag" not in cards[third.pk]

    detail = _words(browser_a.get(reverse("outsite-message", args=[second.pk])))
    assert "na de correctie krijgt u een nieuwe versie" not in detail.lower()
    assert f'href="{reverse("outsite-message", args=[third.pk])}"' in detail


def test_a_password_too_short_is_said_under_the_password_not_its_confirmation(client_a):
    """The rules of a password (AUTH_PASSWORD_VALIDATORS: at least 12 characters) are about
    the password typed first; the second field only repeats it."""
    from tests.portal.test_password_reset import ask_reset, link_in, open_link

    client_a.user.email = "klant@example.nl"
    client_a.user.save()
    ask_reset("klant@example.nl")
    browser, form_url = open_link(link_in(mail.outbox[0].body))
    refused = browser.post(form_url, {"new_password1": "Kort-1", "new_password2": "Kort-1"})
    form = refused.context["form"]
    assert "Dit wachtwoord is te kort" in " ".join(form.errors.get("new_password1", []))
    assert "new_password2" not in form.errors
    assert 'id="id_new_password1_error"' in _words(refused)

    # Two passwords that differ: that is said under the confirmation, as before.
    differ = browser.post(
        form_url, {"new_password1": "Lang-genoeg-12", "new_password2": "Lang-genoeg-13"}
    )
    assert "new_password2" in differ.context["form"].errors


def test_each_language_is_offered_in_its_own_name(client):
    """The language choice names each language as its speakers do ("English" in the Dutch
    page, "Nederlands" in the English one), as it is marked: lang="en", lang="nl"."""
    for language in ("nl", "en"):
        page = client.get(reverse("login"), headers={"accept-language": language})
        html = _words(page)
        assert 'lang="en">English</option>' in html
        assert 'lang="nl">Nederlands</option>' in html


def test_the_staffs_other_form_addresses_opened_again_show_the_message_too(
    staff_browser, outsider_browser, browser_b, message_a
):
    """Found in review: the size class, resend, delivery check and attention forms give
    back a page at their own address too; a GET of it showed a blank 405. Another firm's
    staff, and a client of another organisation, still find nothing there (404)."""
    detail = reverse("insite-message", args=[message_a.pk])
    for name in ("insite-size-class", "insite-resend", "insite-delivery", "insite-attention"):
        url = reverse(name, args=[message_a.pk])
        response = staff_browser.get(url)
        assert response.status_code == 302 and response.url == detail, name
        assert outsider_browser.get(url).status_code == 404, name
    for action in ("adopt", "approve", "reject"):
        url = reverse("outsite-action", args=[message_a.pk, action])
        assert browser_b.get(url).status_code == 404
    assert browser_b.get(reverse("outsite-comment", args=[message_a.pk])).status_code == 404


def test_the_client_reads_the_reason_of_a_rejection_not_who_rejected_in_third_person(
    browser_a, staff_browser, client_a, message_a
):
    """Found in review: the rejection's heading said "Afgekeurd door de cliënt" to the
    client too."""
    services.reject(
        message_id=message_a.pk, actor=Actor.for_user(client_a.user), reason="Cijfers kloppen niet"
    )

    client_page = _words(browser_a.get(reverse("outsite-message", args=[message_a.pk])))
    staff_page = _words(staff_browser.get(reverse("insite-message", args=[message_a.pk])))

    assert "Reden van de afkeuring" in client_page and "Cijfers kloppen niet" in client_page
    assert "door de cliënt" not in client_page
    assert "Afgekeurd door de cliënt" in staff_page
