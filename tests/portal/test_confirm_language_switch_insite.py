"""The language switch on InSite's other "Weet u het zeker?" pages keeps the question.

Each question below is the answer to a POST; the switch (base.html) posts to Django's
set_language, which redirects to its ``next`` with a GET. That ``next`` is the question by
GET, in the other language: a number's change or removal (its type and number in the
address), closing a connector (its values), the bulk actions (the ids chosen) and switching
the activation off. A GET asks only, checks the rights the POST checks, and gives the
underlying page once the question no longer applies (tests/portal/test_confirm_language_
switch.py: OutSite's questions and the repair's).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from crm.models import EnvironmentActivation
from kvk.status import Status
from tests.portal.conftest import make_message
from tests.portal.test_bulk_actions import (
    ATTENTION,
    EARLIER,
    LIST,
    RESEND,
    _confirm,
    _hidden_ids,
    _ids,
    at_70,
)
from tests.portal.test_confirm_language_switch import switch_to_english
from tests.portal.test_transport_errors import events, submissions

pytestmark = pytest.mark.django_db

__all__ = ["submissions"]  # the fixture, used by name


def _english_question(switched, button_id: str) -> str:
    page = switched.content.decode()
    assert switched.status_code == 200
    assert '<html lang="en">' in page
    assert f'id="{button_id}"' in page
    return page


# --- an identification number -----------------------------------------------------------------


def _identification(action: str, organisation) -> str:
    return reverse(f"insite-identification-{action}", args=[organisation.pk])


def _numbers(organisation) -> dict[str, str]:
    return dict(organisation.identifications.values_list("kind", "value"))


def test_switching_language_on_the_kvk_change_question_keeps_the_question(admin_browser, client_a):
    organisation = client_a.organisation
    address = _identification("change", organisation)
    asked = admin_browser.post(address, {"kind": "kvk", "value": "11223344"})
    assert 'id="confirm-identification"' in asked.content.decode()

    switched = switch_to_english(admin_browser, asked.content.decode())

    page = _english_question(switched, "confirm-identification")
    assert switched.redirect_chain == [(f"{address}?kind=kvk&value=11223344", 302)]
    assert "12345678" in page and 'name="value" value="11223344"' in page
    assert _numbers(organisation) == {"kvk": "12345678"}  # asking again changes nothing
    confirmed = admin_browser.post(address, {"kind": "kvk", "value": "11223344", "confirmed": "1"})
    assert confirmed.status_code == 302
    assert _numbers(organisation) == {"kvk": "11223344"}


def test_switching_language_on_the_removal_question_keeps_the_question(admin_browser, client_a):
    organisation = client_a.organisation
    asked = admin_browser.post(_identification("remove", organisation), {"kind": "kvk"})

    switched = switch_to_english(admin_browser, asked.content.decode())

    page = _english_question(switched, "confirm-identification")
    assert "12345678" in page and 'name="kind" value="kvk"' in page
    assert _numbers(organisation) == {"kvk": "12345678"}


def test_the_number_question_by_get_only_while_it_applies(
    admin_browser, staff_browser, outsider_browser, client_a
):
    """The same number, another type than the KvK number (no question), a number added or
    removed meanwhile: the organisation's page. A worker may not (403), another office's
    staff does not find it (404), as with the POST."""
    organisation = client_a.organisation
    back = reverse("insite-organisation", args=[organisation.pk]) + "#identifications"
    for action, query in (
        ("change", {"kind": "kvk", "value": "12345678"}),
        ("add", {"kind": "rsin", "value": "123456782"}),
        ("add", {"kind": "kvk", "value": "11223344"}),  # it has one already
        ("remove", {"kind": "rsin"}),  # it has none
    ):
        answer = admin_browser.get(_identification(action, organisation), query)
        assert (answer.status_code, answer.url) == (302, back), (action, query)
    change = (_identification("change", organisation), {"kind": "kvk", "value": "11223344"})
    assert staff_browser.get(*change).status_code == 403
    assert outsider_browser.get(*change).status_code in (403, 404)
    assert _numbers(organisation) == {"kvk": "12345678"}


# --- closing a connector ----------------------------------------------------------------------


def test_switching_language_on_the_connector_close_question_keeps_the_question(
    admin_browser, connector, client_a
):
    address = reverse("insite-connector", args=[connector.pk])
    asked = admin_browser.post(address, {"name": "Pakket", "blocked": "on", "commsvc": "on"})
    assert 'id="confirm-connector-close"' in asked.content.decode()

    switched = switch_to_english(admin_browser, asked.content.decode())

    page = _english_question(switched, "confirm-connector-close")
    assert client_a.organisation.name in page  # whom it cuts off
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert (hidden["name"], hidden["blocked"], hidden["commsvc"]) == ("Pakket", "True", "True")
    connector.refresh_from_db()
    assert not connector.blocked and connector.name != "Pakket"  # asking again saves nothing
    assert admin_browser.post(address, hidden).status_code == 302
    connector.refresh_from_db()
    assert connector.blocked


def test_the_connector_question_by_get_only_while_it_applies(
    admin_browser, staff_browser, connector
):
    """Values that leave it open, or a connector closed meanwhile: its page. A worker may
    not (403), as with the POST."""
    close = reverse("insite-connector-close", args=[connector.pk])
    page = reverse("insite-connector", args=[connector.pk])
    open_again = admin_browser.get(close, {"name": connector.name, "commsvc": "on"})
    assert (open_again.status_code, open_again.url) == (302, page)
    assert staff_browser.get(close, {"name": connector.name}).status_code == 403
    connector.blocked = True
    connector.save(update_fields=["blocked"])
    closed = admin_browser.get(close, {"name": connector.name, "blocked": "on", "commsvc": "on"})
    assert (closed.status_code, closed.url) == (302, page)


# --- the bulk actions -------------------------------------------------------------------------


def test_switching_language_on_the_bulk_resend_question_keeps_the_question(
    staff_browser, client_a, client_b, submissions
):
    first, second = at_70(client_a), at_70(client_b)
    asked = _confirm(staff_browser, f"{RESEND}?status=70", first, second)

    switched = switch_to_english(staff_browser, asked.content.decode())

    page = _english_question(switched, "confirm-bulk")
    [(landed, _status)] = switched.redirect_chain
    assert landed.startswith(f"{RESEND}?status=70&ids=")  # the list's query kept
    assert sorted(landed.rsplit("=", 1)[1].split("%2C")) == sorted(_ids(first, second))
    assert _hidden_ids(switched) == {first.pk, second.pk}
    assert f'action="{RESEND}?status=70"' in page  # "Ja" posts as the first question's did
    assert submissions == [] and events(first, "resend") == [] and events(second, "resend") == []


def test_switching_language_on_the_bulk_attention_question_keeps_the_question(
    staff_browser, client_a
):
    rejected = make_message(client_a, Status.REJECTED)
    asked = _confirm(staff_browser, ATTENTION, rejected)

    page = _english_question(
        switch_to_english(staff_browser, asked.content.decode()), "confirm-bulk"
    )
    assert 'name="note"' in page
    rejected.refresh_from_db()
    assert rejected.attention_acknowledged_at is None


def test_the_bulk_question_by_get_only_among_the_own_messages_that_take_it(
    staff_browser, browser_a, client_a, submissions
):
    """By GET as by POST: another office's or no message's id is ignored; none left that
    takes the action (sent again meanwhile, not at 70): the list. A client finds nothing."""
    stopped, in_review = at_70(client_a), make_message(client_a, year=EARLIER)
    asked = staff_browser.get(RESEND, {"ids": f"{stopped.pk},987654321,x"})
    assert asked.status_code == 200 and _hidden_ids(asked) == {stopped.pk}
    none_able = staff_browser.get(RESEND, {"status": "30", "ids": str(in_review.pk)})
    assert (none_able.status_code, none_able.url) == (302, f"{LIST}?status=30")
    nothing = staff_browser.get(RESEND, {"ids": "987654321"})
    assert (nothing.status_code, nothing.url) == (302, LIST)
    assert browser_a.get(RESEND, {"ids": str(stopped.pk)}).status_code == 404
    assert submissions == [] and events(stopped, "resend") == []


# --- switching the activation off -------------------------------------------------------------


def test_switching_language_on_the_switch_off_question_keeps_the_question(
    admin_browser, environment, client_a
):
    asked = admin_browser.post(reverse("insite-setup"), {"active": "0"})
    assert 'id="confirm-switch-off"' in asked.content.decode()

    switched = switch_to_english(admin_browser, asked.content.decode())

    page = _english_question(switched, "confirm-switch-off")
    assert 'name="active" value="0"' in page
    assert EnvironmentActivation.objects.get(environment=environment).active


def test_the_switch_off_question_by_get_only_while_it_is_on(
    admin_browser, staff_browser, environment
):
    address = reverse("insite-setup-switch-off")
    assert staff_browser.get(address).status_code == 403
    admin_browser.post(reverse("insite-setup"), {"active": "0", "confirmed": "1"})
    off = admin_browser.get(address)
    assert (off.status_code, off.url) == (302, reverse("insite-setup"))
    assert not EnvironmentActivation.objects.get(environment=environment).active
