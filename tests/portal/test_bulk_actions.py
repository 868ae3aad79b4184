"""One action on several messages chosen on InSite's message list (portal/views/bulk.py):
"Geselecteerde opnieuw verzenden" (status 70, workflow.services.resend) and "Geselecteerde
markeren als afgehandeld" (what asks attention, workflow.services.acknowledge_attention),
each first confirmed, then performed per message through the single action's service.

KVK-SBR.md, "Status codes": 70 is a transport error (sending again is the staff's way on),
25 processing failed, 40 rejected by the client, 90 refused by the KvK; "Afgehandeld"
changes none of them (tests/portal/test_attention_handled.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvk.status import Status
from tests import factories
from tests.conftest import _client, instance_for, message_at_25
from tests.portal.conftest import browser_for, make_message, refused_by_the_kvk
from tests.portal.test_attention_handled import NOTE, UNKNOWN_KVK_NUMBER
from tests.portal.test_kvk_number_changed import NEW_NUMBER, restore_number, stopped_at_70
from tests.portal.test_transport_errors import at_60, events, flashes, submissions, to_70
from workflow import services
from workflow.models import Actor, ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

__all__ = ["submissions"]  # the fixture, used by name

RESEND = reverse("insite-bulk-resend")
ATTENTION = reverse("insite-bulk-attention")
LIST = reverse("insite-messages")


#: The year before the last: an organisation has one approved filing a year.
EARLIER = date.today().year - 2


def at_70(client, year: int | None = None):
    """A message of ``client`` at 70 (for the last year, or ``year``)."""
    message = make_message(client, Status.APPROVED, year=year)
    assert services.claim_for_submission(message.pk)
    return to_70(message)


def _ids(*messages) -> list[str]:
    return [str(message.pk) for message in messages]


def _confirm(browser, address: str, *messages, **data):
    """The first POST, as the list's form sends it: the ticked rows."""
    return browser.post(address, {"ids": _ids(*messages), **data})


def _perform(browser, address: str, *messages, **data):
    """The second POST, as the confirmation page's form sends it."""
    return browser.post(address, {"ids": _ids(*messages), "confirmed": "1", **data}, follow=True)


def _hidden_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', response.content.decode())}


@pytest.fixture
def other_office_70():
    """A message at 70 of an organisation of another accountancy environment."""
    environment = factories.EnvironmentFactory(activated=True)
    factories.make_message_type(environment)
    other = _client(environment, factories.make_connector(environment), "11223344")
    return at_70(other)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_offers_the_selection_also_after_htmx_filtering(staff_browser, client_a):
    """The rows are the form: a box per row, "Alle berichten op deze pagina" and both
    actions, with the CSRF token; the rows htmx swaps in after filtering carry the same form,
    its address keeping the filters (the list comes back as it was)."""
    message = at_70(client_a)
    page = staff_browser.get(LIST).content.decode()
    assert f'action="{RESEND}"' in page
    assert f'name="ids" value="{message.pk}"' in page
    assert 'name="all" value="1"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Geselecteerde opnieuw verzenden" in page
    assert f'formaction="{ATTENTION}"' in page
    assert "Geselecteerde markeren als afgehandeld" in page
    assert "select-all.js" in page

    swapped = staff_browser.get(LIST, {"status": "70"}, HTTP_HX_REQUEST="true")
    rows = swapped.content.decode()
    assert "<h1>" not in rows  # the partial
    assert f'action="{RESEND}?status=70"' in rows
    assert f'formaction="{ATTENTION}?status=70"' in rows
    assert f'name="ids" value="{message.pk}"' in rows and 'name="csrfmiddlewaretoken"' in rows


def test_no_form_without_rows(staff_browser, client_a):
    page = staff_browser.get(LIST).content.decode()
    assert "Geen berichten gevonden." in page
    assert RESEND not in page


# --- "Geselecteerde opnieuw verzenden" --------------------------------------------------------


def test_three_70s_are_sent_again_after_the_confirmation(
    staff_browser, staff, client_a, client_b, submissions, django_capture_on_commit_callbacks
):
    first, second, third = at_70(client_a), at_70(client_b), at_70(client_a, EARLIER)
    address = f"{RESEND}?status=70&page=1"

    # The first POST only asks: the three, by organisation, year and status.
    question = _confirm(staff_browser, address, first, second, third)
    assert question.status_code == 200
    html = question.content.decode()
    assert "Weet u het zeker?" in html
    assert client_a.organisation.name in html and client_b.organisation.name in html
    assert "Ja, 3 berichten opnieuw verzenden" in html
    assert _hidden_ids(question) == {first.pk, second.pk, third.pk}
    assert 'name="confirmed" value="1"' in html
    assert f'action="{address}"' in html.replace("&amp;", "&")
    assert submissions == []
    assert not StatusEvent.objects.filter(action="resend").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _perform(staff_browser, address, first, second, third)
    # Back on the list as it was.
    assert response.redirect_chain[-1][0] == f"{LIST}?status=70&page=1"
    assert flashes(response) == ["3 berichten worden opnieuw verzonden."]
    assert sorted(submissions) == sorted([first.pk, second.pk, third.pk])
    for message in (first, second, third):
        (event,) = events(message, "resend")
        assert (event.actor_user, event.actor_kind) == (staff, "staff")
        message.refresh_from_db()
        assert message.attempts_base == message.submit_attempts  # a fresh budget


def test_all_on_the_page_without_javascript(staff_browser, client_a, submissions):
    """ "Alle berichten op deze pagina" without JavaScript: no row ticked, the box is read
    with the page's ids the rows carry."""
    first, second = at_70(client_a), at_70(client_a, EARLIER)
    page = staff_browser.get(LIST).content.decode()
    assert set(re.findall(r'name="on_page" value="(\d+)"', page)) == set(_ids(first, second))
    question = staff_browser.post(RESEND, {"all": "1", "on_page": _ids(first, second)})
    assert _hidden_ids(question) == {first.pk, second.pk}


def test_a_mixed_selection_refuses_what_is_not_at_70_with_its_reason(
    staff_browser, client_a, client_b, submissions, django_capture_on_commit_callbacks
):
    at_seventy, at_sixty = at_70(client_a), at_60(client_b)
    question = _confirm(staff_browser, RESEND, at_seventy, at_sixty)
    html = question.content.decode()
    # The refusal of the single "Opnieuw verzenden" (workflow.services.resend_refusal).
    assert "Alleen een bericht met status 70 kan opnieuw worden verzonden" in html
    assert "Ja, 1 bericht opnieuw verzenden" in html
    assert _hidden_ids(question) == {at_seventy.pk}

    # A form that sends the 60 along anyway: refused with its reason, never acted on.
    with django_capture_on_commit_callbacks(execute=True):
        response = _perform(staff_browser, RESEND, at_seventy, at_sixty)
    done, refused = flashes(response)
    assert done == "1 bericht wordt opnieuw verzonden."
    assert refused.startswith(f"{client_b.organisation.name} {at_sixty.financial_year}: ")
    assert "Alleen een bericht met status 70 kan opnieuw worden verzonden" in refused
    assert submissions == [at_seventy.pk]
    assert events(at_sixty, "resend") == []
    at_sixty.refresh_from_db()
    assert at_sixty.status == Status.SENT_TO_KVK


def test_nothing_to_do_offers_no_confirmation(staff_browser, client_a, submissions):
    in_review = make_message(client_a)
    html = _confirm(staff_browser, RESEND, in_review).content.decode()
    assert "Geen van de gekozen berichten kan deze actie nu krijgen" in html
    assert 'name="confirmed"' not in html


def test_a_message_changed_since_the_confirmation_is_refused_with_its_reason(
    staff_browser, staff, client_a, submissions, django_capture_on_commit_callbacks
):
    """A colleague sent one of them again in the meantime: that one is refused with the
    reason the single action gives; the other goes."""
    first, second = at_70(client_a), at_70(client_a, EARLIER)
    assert _hidden_ids(_confirm(staff_browser, RESEND, first, second)) == {first.pk, second.pk}
    colleague = factories.StaffFactory(environment=client_a.organisation.environment).user
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(message_id=first.pk, actor=Actor.for_user(colleague))
        response = _perform(staff_browser, RESEND, first, second)
    done, refused = flashes(response)
    assert done == "1 bericht wordt opnieuw verzonden."
    assert "Er staat al een nieuwe verzendpoging klaar voor dit bericht." in refused
    assert [event.actor_user for event in events(first, "resend")] == [colleague]
    assert [event.actor_user for event in events(second, "resend")] == [staff]
    assert submissions == [first.pk, second.pk]


def test_another_offices_message_is_ignored(
    staff_browser, client_a, other_office_70, submissions, django_capture_on_commit_callbacks
):
    own = at_70(client_a)
    question = _confirm(staff_browser, RESEND, own, other_office_70)
    assert _hidden_ids(question) == {own.pk}
    assert other_office_70.organisation.name not in question.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _perform(staff_browser, RESEND, own, other_office_70)
    assert flashes(response) == ["1 bericht wordt opnieuw verzonden."]
    assert submissions == [own.pk]
    assert events(other_office_70, "resend") == []
    # Only another office's: nothing chosen, as if it did not exist.
    alone = _perform(staff_browser, RESEND, other_office_70)
    assert flashes(alone) == ["Kies eerst een of meer berichten op de lijst."]
    assert events(other_office_70, "resend") == []


def test_a_client_cannot_use_the_bulk_actions(browser_a, client_a, submissions):
    message = at_70(client_a)
    assert _perform(browser_a, RESEND, message).status_code == 404
    assert submissions == [] and events(message, "resend") == []


def test_the_number_per_action_is_capped(
    staff_browser, client_a, client_b, submissions, monkeypatch, django_capture_on_commit_callbacks
):
    from portal.views import bulk

    monkeypatch.setattr(bulk, "MAX_SELECTED", 2)
    messages = [at_70(client_a), at_70(client_a, EARLIER), at_70(client_b)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _perform(staff_browser, f"{RESEND}?status=70", *messages)
    assert response.redirect_chain[-1][0] == f"{LIST}?status=70"
    (refused,) = flashes(response)
    assert "U koos 3 berichten; dat zijn er te veel voor één keer. Kies er hooguit 2" in refused
    assert submissions == []
    assert not StatusEvent.objects.filter(action="resend").exists()


def test_a_70_stopped_for_its_kvk_number_is_among_those_that_cannot_be_sent(
    staff_browser,
    admin_staff,
    client_a,
    client_b,
    submissions,
    digipoort_stub,
    digipoort_settings,
    django_capture_on_commit_callbacks,
):
    """KVK-SBR.md section 3: the KvK files accounts only under the KvK number they contain.
    A 70 the delivery stopped because its document's number is no longer the organisation's
    is listed with the single action's refusal (workflow.services.resend_refusals), not
    among those that will be sent; once InSite restored the number it can be sent."""
    stopped = ApprovalMessage.objects.get(pk=stopped_at_70(client_a))
    other = at_70(client_b)

    question = _confirm(staff_browser, RESEND, stopped, other)

    html = question.content.decode()
    assert _hidden_ids(question) == {other.pk}
    assert "Ja, 1 bericht opnieuw verzenden" in html
    assert (
        f"Het document vermeldt KvK-nummer {client_a.kvk_number}, maar de organisatie heeft "
        f"nu KvK-nummer {NEW_NUMBER}." in html
    )

    restore_number(client_a, admin_staff)
    question = _confirm(staff_browser, RESEND, stopped, other)
    assert _hidden_ids(question) == {stopped.pk, other.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = _perform(staff_browser, RESEND, stopped, other)
    assert flashes(response) == ["2 berichten worden opnieuw verzonden."]


def _queries(browser, address: str, *messages) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _confirm(browser, address, *messages)
    assert response.status_code == 200
    assert "Weet u het zeker?" in response.content.decode()
    return len(queries)


def test_the_resend_confirmation_takes_the_same_queries_however_many_are_chosen(
    staff_browser, client_a, client_b, connector, digipoort_stub, digipoort_settings
):
    """Up to 200 messages at once (MAX_SELECTED): why each cannot be sent is read for all
    of them together (a replacing version, the KvK number of a stopped one), not per
    message."""
    stopped = ApprovalMessage.objects.get(pk=stopped_at_70(client_a))
    few = [stopped, at_70(client_b)]
    environment = client_a.organisation.environment
    third = _client(environment, connector, "11223355")
    fourth = _client(environment, connector, "11223366")
    many = [
        *few,
        at_70(client_b, EARLIER),
        at_70(third),
        at_70(third, EARLIER),
        at_60(fourth),
        make_message(fourth, Status.REJECTED, year=EARLIER),
    ]
    assert _queries(staff_browser, RESEND, *few) == _queries(staff_browser, RESEND, *many)


def test_the_attention_confirmation_takes_the_same_queries_however_many_are_chosen(
    staff_browser, client_a, client_b
):
    few = [message_at_25(client_a, instance_for(UNKNOWN_KVK_NUMBER)), refused_by_the_kvk(client_b)]
    many = [
        *few,
        message_at_25(client_b, instance_for(UNKNOWN_KVK_NUMBER)),
        make_message(client_a, Status.REJECTED, year=EARLIER),
        make_message(client_b, Status.REJECTED, year=EARLIER),
        at_70(client_a),
    ]
    assert _queries(staff_browser, ATTENTION, *few) == _queries(staff_browser, ATTENTION, *many)


# --- "Geselecteerde markeren als afgehandeld" ---------------------------------------------------


def test_several_are_marked_handled_with_one_note(staff_browser, staff, client_a, client_b):
    failed = message_at_25(client_a, instance_for(UNKNOWN_KVK_NUMBER))
    rejected = make_message(client_b, Status.REJECTED)
    refused_by_kvk = refused_by_the_kvk(client_a)
    transport_error = at_70(client_b, EARLIER)
    chosen = (failed, rejected, refused_by_kvk, transport_error)

    question = _confirm(staff_browser, ATTENTION, *chosen)
    html = question.content.decode()
    assert "Ja, 3 berichten als afgehandeld markeren" in html
    assert 'name="note"' in html
    assert _hidden_ids(question) == {failed.pk, rejected.pk, refused_by_kvk.pk}
    # The refusal of the single "Afgehandeld" (workflow.services.can_be_handled).
    assert "Dit bericht vraagt geen aandacht (meer)" in html

    # The note is required, as in the single form: refused on the page, nothing marked.
    empty = staff_browser.post(
        ATTENTION, {"ids": _ids(failed, rejected), "confirmed": "1", "note": "  "}
    )
    assert empty.status_code == 400
    assert "Schrijf op wat u heeft gecontroleerd of afgesproken." in empty.content.decode()
    assert _hidden_ids(empty) == {failed.pk, rejected.pk}
    assert not StatusEvent.objects.filter(action="attention_acknowledged").exists()

    response = _perform(staff_browser, ATTENTION, *chosen, note=NOTE)
    done, refused = flashes(response)
    assert done.startswith("3 berichten zijn als afgehandeld gemarkeerd")
    assert refused.startswith(f"{client_b.organisation.name} {transport_error.financial_year}: ")
    for message, status in (
        (failed, Status.PROCESSING_FAILED),
        (rejected, Status.REJECTED),
        (refused_by_kvk, Status.REFUSED),
    ):
        message.refresh_from_db()
        assert message.status == status  # "Afgehandeld" is no status
        assert message.attention_acknowledged_at is not None
        (event,) = events(message, "attention_acknowledged")
        assert event.actor_user == staff
        assert event.reasons == [{"code": "staff_note", "message": NOTE}]
    transport_error.refresh_from_db()
    assert transport_error.attention_acknowledged_at is None


def test_one_handled_by_a_colleague_in_the_meantime_is_refused(staff_browser, client_a, client_b):
    first = make_message(client_a, Status.REJECTED)
    second = make_message(client_b, Status.REJECTED)
    assert _hidden_ids(_confirm(staff_browser, ATTENTION, first, second)) == {
        first.pk,
        second.pk,
    }
    colleague = factories.StaffFactory(environment=client_a.organisation.environment).user
    services.acknowledge_attention(
        message_id=first.pk, actor=Actor.for_user(colleague), note="Al gebeld"
    )
    response = _perform(staff_browser, ATTENTION, first, second, note=NOTE)
    done, refused = flashes(response)
    assert done.startswith("1 bericht is als afgehandeld gemarkeerd")
    assert "Dit aandachtspunt is al afgehandeld" in refused
    assert [e.actor_user for e in events(first, "attention_acknowledged")] == [colleague]


# --- the addresses ----------------------------------------------------------------------------


def test_a_get_of_the_addresses_leads_to_the_list(staff_browser, client_a, outsider_browser):
    message = at_70(client_a)
    for address in (RESEND, ATTENTION):
        response = staff_browser.get(f"{address}?status=70")
        assert response.status_code == 302 and response.url == f"{LIST}?status=70"
        assert staff_browser.get(address, follow=True).status_code == 200
    assert not StatusEvent.objects.filter(message=message, action="resend").exists()


def test_csrf_as_everywhere(staff, client_a, submissions):
    """Without the CSRF token: refused (403); with the token of the list's form it goes."""
    message = at_70(client_a)
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.post(RESEND, {"ids": _ids(message)}).status_code == 403
    page = browser.get(LIST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    question = browser.post(RESEND, {"ids": _ids(message), "csrfmiddlewaretoken": token})
    assert question.status_code == 200 and _hidden_ids(question) == {message.pk}
    assert ApprovalMessage.objects.get(pk=message.pk).status == Status.TRANSPORT_ERROR


def test_a_worker_may_use_them_as_the_single_actions(client_a, submissions):
    """The single actions need a staff member of the office, any role (staff_view())."""
    worker = factories.StaffFactory(environment=client_a.organisation.environment)
    assert worker.role == worker.Role.WORKER
    message = at_70(client_a)
    response = _perform(browser_for(worker.user), RESEND, message)
    assert flashes(response) == ["1 bericht wordt opnieuw verzonden."]


@pytest.mark.parametrize("odd", ["²", "9" * 30])
def test_an_id_that_is_no_message_number_is_ignored(staff_browser, client_a, submissions, odd):
    """A form made elsewhere: a superscript two ("²".isdigit() is true, int() refuses it)
    and a number beyond any id (the database refuses it in the query) are no message of
    this list: ignored as any other id that is not, never an error page."""
    own = at_70(client_a)
    response = staff_browser.post(RESEND, {"ids": [odd, str(own.pk)]})
    assert response.status_code == 200
    assert _hidden_ids(response) == {own.pk}
    alone = staff_browser.post(RESEND, {"ids": [odd], "confirmed": "1"}, follow=True)
    assert flashes(alone) == ["Kies eerst een of meer berichten op de lijst."]
    assert submissions == []
