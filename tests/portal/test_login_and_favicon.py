"""The login page names the three entrances, and every page has the favicon (issue 20)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client as BrowserClient
from django.urls import reverse

from tests import factories
from tests.portal.conftest import browser_for

FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.svg"


def entrance_links(html: str) -> dict[str, str]:
    """The login page's entrances: the page each link logs in to -> its text."""
    block = re.search(r'<ul id="entrances">(.*?)</ul>', html, flags=re.S)
    assert block, "the login page lists no entrances"
    return {
        target: re.sub(r"<[^>]+>", "", text)
        for target, text in re.findall(r'<li><a href="/login/\?next=([^"]+)">(.*?)</li>', block[1])
    }


def test_the_login_page_names_the_three_entrances(client):
    html = client.get(reverse("login")).content.decode()
    links = entrance_links(html)
    assert set(links) == {
        reverse("insite-dashboard"),
        reverse("outsite-messages"),
        reverse("clientside:home"),
    }
    assert "InSite" in links[reverse("insite-dashboard")]
    assert "medewerkers" in links[reverse("insite-dashboard")]
    assert "Klantportal (OutSite)" in links[reverse("outsite-messages")]
    assert "cliënten" in links[reverse("outsite-messages")]
    assert "Boekhoudomgeving (/klant/)" in links[reverse("clientside:home")]
    assert "boekhouder" in links[reverse("clientside:home")]


@pytest.mark.parametrize(
    ("who", "entrance"),
    [
        ("staff", "insite-dashboard"),
        ("client", "outsite-messages"),
        ("bookkeeper", "clientside:home"),
    ],
)
def test_each_entrance_leads_its_user_in(client, staff, client_a, who, entrance):
    """An entrance's link logs in to that environment: the bookkeeper (a user of the
    client's own environment with its rights, like the demo's 'boekhouder') lands on /klant/."""
    if who == "bookkeeper":
        user = factories.UserFactory()
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="clientside",
                codename__in=["view_administration", "prepare_report", "send_receive"],
            )
        )
    else:
        user = staff if who == "staff" else client_a.user
    target = reverse(entrance)
    user.set_password("geheim-wachtwoord-1")
    user.save()
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": user.get_username(), "password": "geheim-wachtwoord-1", "next": target},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_every_page_names_the_favicon(client, client_a):
    for browser, url in [(client, reverse("login")), (browser_for(client_a.user), "/")]:
        html = browser.get(url, follow=True).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_favicon_is_an_svg_in_the_house_colour():
    root = ElementTree.fromstring(FAVICON.read_text())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"
    assert "#0b4f8a" in FAVICON.read_text()  # --brand in static/deponeer.css


def test_favicon_ico_leads_to_the_icon(db):
    """Browsers ask for /favicon.ico where a page names no icon (the admin, the API docs)."""
    response = BrowserClient().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"


def test_a_phone_does_not_capitalise_the_login(client):
    """Logins are e-mail addresses and Django compares them exactly: a phone that writes
    "Jan@..." for "jan@..." would refuse the person. Django's own login form asks browsers
    not to capitalise (autocapitalize="none" on its username widget); our hand-written
    field must say so too."""
    html = client.get(reverse("login")).content.decode()
    field = re.search(r'<input[^>]*name="username"[^>]*>', html)
    assert field, "the login page has no username field"
    assert 'autocapitalize="none"' in field[0] and 'autocorrect="off"' in field[0]
