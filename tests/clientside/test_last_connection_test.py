"""What the pages say of the last "Test verbinding" once the settings it tested changed.

A test that succeeded says something about the address it called and the token it sent
(CommunicationProfile.last_test_url; a new token forgets the test, services.set_token).
The administration page said "verbinding getest: in orde" from the old settings after the
participant number or portal address changed where the test was not reset (the admin).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from lxml import html

from clientside.models import CommunicationProfile

pytestmark = pytest.mark.django_db


def _tested_ok(profile: CommunicationProfile) -> None:
    """ "Test verbinding" reached the portal at the profile's address now."""
    CommunicationProfile.objects.filter(pk=profile.pk).update(
        last_test_at=timezone.now(),
        last_test_ok=True,
        last_test_message=f"Verbinding met {profile.portal_url} werkt.",
        last_test_url=profile.portal_url,
    )


def _changed_in_the_admin(profile: CommunicationProfile, **changes: str) -> None:
    """Staff change the profile on its page in the admin, as a browser posts it."""
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("beheer", "b@example.nl", "x"))
    url = f"/admin/clientside/communicationprofile/{profile.pk}/change/"
    form = next(f for f in html.fromstring(client.get(url).content).forms if "_save" in f.fields)
    data = {key: value for key, value in form.form_values()}
    data.update(changes)
    assert client.post(url, data).status_code == 302


def _test_line(client, url: str) -> str:
    element = html.fromstring(client.get(url).content).get_element_by_id("last-test")
    return " ".join(element.text_content().split())


@pytest.mark.parametrize(
    "changes",
    [{"participant_number": "54321", "portal_url_override": ""}, {"portal_url_override": ""}],
)
def test_a_test_of_other_settings_is_not_said_to_be_in_order(bookkeeper, env, changes):
    _tested_ok(env.profile)
    page = f"/klant/administraties/{env.administration.pk}/"
    assert _test_line(bookkeeper, page) == "verbinding getest: in orde"

    _changed_in_the_admin(env.profile, **changes)

    profile = CommunicationProfile.objects.get(pk=env.profile.pk)
    assert profile.portal_url != env.profile.portal_url
    assert _test_line(bookkeeper, page) == "verbinding nog niet getest met deze instellingen"
    line = _test_line(bookkeeper, f"{page}communicatie/")
    assert line.endswith(
        "Die test is gedaan met andere instellingen dan de huidige; klik op 'Test verbinding' "
        "om de huidige te testen."
    )


def test_a_test_of_these_settings_stays_in_order_when_something_else_changes(bookkeeper, env):
    _tested_ok(env.profile)
    _changed_in_the_admin(env.profile, blocked="on")

    page = f"/klant/administraties/{env.administration.pk}/"
    assert _test_line(bookkeeper, page) == "verbinding getest: in orde"
    assert "andere instellingen" not in _test_line(bookkeeper, f"{page}communicatie/")


def test_a_refused_save_shows_the_stored_address_and_test(bookkeeper, env, settings):
    """A new portal address without the token again is refused ("vul het token opnieuw
    in"); the page said the refused address under "Portaladres" (and that the last test was
    of other settings), as if it had been saved, while nothing was saved."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    _tested_ok(env.profile)
    url = f"/klant/administraties/{env.administration.pk}/communicatie/"
    response = bookkeeper.post(
        url,
        {
            "participant_number": env.profile.participant_number,
            "portal_url_override": "http://127.0.0.1:8788",
            "token": "",
        },
    )
    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert "vul het token opnieuw in" in page.text_content()
    stored = CommunicationProfile.objects.get(pk=env.profile.pk)
    assert stored.portal_url == "http://127.0.0.1:9"
    assert page.get_element_by_id("portal-url").text_content() == "http://127.0.0.1:9"
    assert "andere instellingen" not in page.get_element_by_id("last-test").text_content()
