"""Dates, times and actors as people read them.

One date format and one date-time format in each language (config/formats: "6 december
2026", "6 december 2026 08:30"), times in Europe/Amsterdam (settings.TIME_ZONE), Digipoort's
UTC timestamps included (config.dates). Timelines name who did something in words
(workflow.selectors.actor_words): "Automatische verwerking", the staff member's name with
"(kantoor)", the client's name with "(cliënt)", "Boekhouding van de cliënt".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from config import dates
from crm.models import Contact
from kvk.status import Status
from tests.portal.conftest import make_message
from workflow import selectors, services
from workflow.models import Actor

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"

#: A Digipoort status as the poll stores it (workflow.submission.poll_claimed): the
#: timestamp in UTC. 07:30 UTC on 6 December is 08:30 in Amsterdam (CET, UTC+1).
DIGIPOORT_STATUS = {
    "code": 100,
    "description": "Aanleveren gelukt",
    "timestamp": "2026-12-06T07:30:00Z",
    "error_code": "",
    "details": "",
}


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about dates and names


# --- one format, one time zone ----------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-12-06T07:30:00Z",
        "2026-12-06T07:30:00+00:00",
        "2026-12-06T07:30:00",
        "2026-12-06 07:30",
    ],
)
def test_a_digipoort_timestamp_is_shown_in_amsterdam_time(timestamp):
    # Digipoort's timestamps are UTC, with "Z", "+00:00" or no offset at all.
    assert dates.format_moment(timestamp) == "6 december 2026 08:30"
    assert dates.iso(timestamp) == "2026-12-06T08:30:00+01:00"


def test_one_date_and_one_date_time_format_in_each_language():
    moment = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)  # summer time: UTC+2
    assert dates.format_moment(moment) == "1 juli 2026 14:05"
    assert dates.format_day(moment) == "1 juli 2026"
    assert dates.format_day(date(2026, 12, 6)) == "6 december 2026"
    with translation.override("en"):
        assert dates.format_moment("2026-12-06T07:30:00Z") == "6 December 2026 08:30"
        assert dates.format_day(date(2026, 12, 6)) == "6 December 2026"
    for language in ("nl", "en"):
        # Django's named formats agree, so no template can show another one.
        short_date = formats.get_format("SHORT_DATE_FORMAT", lang=language)
        short_moment = formats.get_format("SHORT_DATETIME_FORMAT", lang=language)
        assert short_date == formats.get_format("DATE_FORMAT", lang=language) == "j F Y"
        assert short_moment == formats.get_format("DATETIME_FORMAT", lang=language)
    assert dates.format_moment(None) == dates.format_day("") == ""


def test_templates_use_the_named_formats_only():
    """A literal format ("d-m-Y H:i", "j F Y") or a sliced ISO string would bring back a
    second way of writing dates."""
    allowed = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
    offending = []
    for path in TEMPLATES.rglob("*"):
        if not path.is_file() or path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\|date:[\"']([^\"']*)[\"']", text):
            if match.group(1) not in allowed | {"c"}:
                offending.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        if re.search(r"timestamp\|slice", text):
            offending.append(f"{path.relative_to(TEMPLATES)}: sliced timestamp")
    assert offending == []


def test_the_digipoort_statuses_show_local_time_in_the_one_format(
    staff_browser, browser_a, client_a
):
    message = make_message(client_a, Status.APPROVED)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    services.record_kvk_statuses(
        message_id=message.pk, statuses=[DIGIPOORT_STATUS], outcome_status=None, reasons=[]
    )
    staff_page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    for page in (staff_page, client_page):
        assert "Statussen van Digipoort" in page
        assert '<time datetime="2026-12-06T08:30:00+01:00">6 december 2026 08:30</time>' in page
        assert "2026-12-0607:30" not in page
    assert "<code>100</code>" in staff_page  # Digipoort's code: for the staff only
    assert "<code>100</code>" not in client_page


# --- who did it, in words -------------------------------------------------------------------


@pytest.fixture
def named(client_a, staff):
    staff.first_name, staff.last_name = "Jan", "de Vries"
    staff.save()
    Contact.objects.filter(user=client_a.user).update(name="Marieke Jansen")
    return client_a


def test_the_timeline_names_every_actor_in_words(named, staff, staff_browser, browser_a):
    message = make_message(named, Status.REJECTED)  # token, system, then the client
    services.repair(
        message_id=message.pk, actor=Actor.for_user(staff), reason="De afkeuring was een vergissing"
    )
    services.add_comment(message_id=message.pk, actor=Actor.for_user(staff), text="Aangepast")

    entries = selectors.timeline(message, for_staff=True)
    by_title = {str(e.title): (e.actor_name, e.actor_role) for e in entries}
    assert by_title["Bericht ontvangen"] == ("Boekhouding van de cliënt", "")
    assert by_title["Verwerking gestart"] == ("Automatische verwerking", "")
    assert by_title["Afgekeurd"] == ("Marieke Jansen", "cliënt")
    assert by_title["Teruggezet in de workflow"] == ("Jan de Vries", "kantoor")
    assert by_title["Opmerking"] == ("Jan de Vries", "kantoor")

    # The staff read the roles; the client reads the accountant's people as its accountant
    # and its own people by name, never "(cliënt)" about the reader (the phone walk of
    # 2026-12-07, tests/portal/test_phone_review.py).
    staff_page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    for page in (staff_page, client_page):
        assert "Automatische verwerking" in page
        assert "systeem (systeem)" not in page and "(systeem)" not in page
    assert 'Jan de Vries <span class="actor-role">(kantoor)</span>' in staff_page
    assert 'Marieke Jansen <span class="actor-role">(cliënt)</span>' in staff_page
    assert 'Jan de Vries <span class="actor-role">(uw accountant)</span>' in client_page
    assert "Marieke Jansen" in client_page and "(cliënt)" not in client_page


def test_a_person_without_a_full_name_is_named_by_user_name(client_a, staff):
    message = make_message(client_a, Status.REJECTED)
    services.repair(
        message_id=message.pk, actor=Actor.for_user(staff), reason="De afkeuring was een vergissing"
    )
    staff_entries = selectors.timeline(message, for_staff=True)
    (repaired,) = [e for e in staff_entries if e.title == "Teruggezet in de workflow"]
    assert (repaired.actor_name, repaired.actor_role) == (staff.get_username(), "kantoor")
    client_entries = selectors.timeline(message)
    (repaired,) = [e for e in client_entries if e.title == "Teruggezet voor een nieuwe beoordeling"]
    assert (repaired.actor_name, repaired.actor_role) == (staff.get_username(), "uw accountant")


@pytest.mark.parametrize("username", ["kantoor", "Kantoor"])
def test_a_login_named_after_its_role_is_not_named_twice(client_a, staff, staff_browser, username):
    """A firm's shared staff login "kantoor" without a first name: the timeline says
    "kantoor", not "kantoor (kantoor)"."""
    staff.username, staff.first_name, staff.last_name = username, "", ""
    staff.save()
    message = make_message(client_a, Status.REJECTED)
    services.repair(
        message_id=message.pk, actor=Actor.for_user(staff), reason="De afkeuring was een vergissing"
    )
    (repaired,) = [
        e
        for e in selectors.timeline(message, for_staff=True)
        if e.title == "Teruggezet in de workflow"
    ]
    assert (repaired.actor_name, repaired.actor_role) == (username, "")
    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert f'<span class="actor">{username}</span>' in page
    assert "(kantoor)" not in page


def test_the_timeline_partial_shows_one_format(client_a):
    message = make_message(client_a)
    html = render_to_string(
        "workflow/_timeline.html", {"entries": selectors.timeline(message), "staff": False}
    )
    created = message.events.order_by("sequence").first().created_at
    assert dates.format_moment(created) in html
    assert f'datetime="{dates.iso(created)}"' in html
