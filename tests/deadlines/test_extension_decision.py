"""The extension of the draw-up term and the day it was decided (Termijngegevens, Termijnen
and its export).

KVK-SBR.md section 1: a BV's board draws up the accounts within 5 months after year end,
"extension by at most 5 months"; filing is due within 8 days after adoption (2 months after
the draw-up term) and in any case within 12 months after year end. Calendar year 2025: draw
up by 31 May 2026, file by 8 August 2026; with 5 months' extension by 31 December 2026.

On 7 December 2026 (the day of the walk that found it) an extension of 5 months entered for
2025 without a date turned "121 dagen verlopen" into 24 days left: an extension decided
after the term ran out does not undo that the term was exceeded.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from deadlines.models import DeadlineExtension
from tests.deadlines.conftest import extension

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = date(2026, 12, 7)
BV = "Besloten vennootschap met beperkte aansprakelijkheid"


def post_extension(staff_client, org, granted_on: str, months: str = "5"):
    return staff_client.post(
        reverse("deadlines:facts", args=[org.pk]),
        {
            "year": "2025",
            "legal_form": BV,
            "year_end_day": "31",
            "year_end_month": "12",
            "extension_months": months,
            "extension_granted_on": granted_on,
        },
    )


def the_row(staff_client):
    response = staff_client.get(reverse("deadlines:list"), {"year": "2025", "situation": "all"})
    (row,) = response.context["rows"]
    return row, response.content.decode()


def export_line(staff_client) -> dict[str, str]:
    response = staff_client.get(reverse("deadlines:export"), {"year": "2025", "situation": "all"})
    header, line = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return dict(zip(header, line, strict=True))


@pytest.mark.parametrize(
    "granted_on,error",
    [
        ("", "Vul de datum in waarop tot de verlenging is besloten."),
        ("2026-12-08", "De datum van het besluit tot verlenging kan niet in de toekomst liggen."),
    ],
)
def test_an_extension_needs_the_day_it_was_decided_not_in_the_future(
    staff_client, org, granted_on, error
):
    row, page = the_row(staff_client)
    assert row.days_overdue == 121 and "121 dagen verlopen" in page

    response = post_extension(staff_client, org, granted_on)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DeadlineExtension.objects.exists()
    row, page = the_row(staff_client)
    assert row.days_overdue == 121 and "121 dagen verlopen" in page


def test_an_extension_decided_after_the_term_ran_out_is_kept_with_a_warning(staff_client, org):
    response = post_extension(staff_client, org, "2026-12-01")

    assert response.status_code == 302  # a warning, not a refusal
    saved = DeadlineExtension.objects.get(organisation=org, financial_year=2025)
    assert (saved.months, saved.granted_on) == (5, date(2026, 12, 1))
    page = staff_client.get(response["Location"]).content.decode()
    assert 'id="extension-decided-late"' in page
    assert "Tot de verlenging is besloten op 1 december 2026" in page
    assert "opmaaktermijn zonder verlenging, op 31 mei 2026" in page
    assert "maakt niet ongedaan dat de termijn is overschreden" in page
    assert 'value="2026-12-01"' in page  # the form shows the day on record

    row, page = the_row(staff_client)
    # The deadlines count the extension as entered (24 days left), and say how it came.
    assert (row.days_left, row.draw_up_without_extension) == (24, date(2026, 5, 31))
    assert row.extension_decided_late
    assert "verlenging besloten op 1 december 2026" in page
    assert "besloten na afloop van de opmaaktermijn (31 mei 2026)" in page
    line = export_line(staff_client)
    assert line["Verlenging (maanden)"] == "5"
    assert line["Verlenging besloten op"] == "2026-12-01"
    assert line["Verlenging besloten na afloop opmaaktermijn"] == "ja"


def test_an_extension_decided_on_the_last_day_of_the_term_is_in_time(staff_client, org):
    assert post_extension(staff_client, org, "2026-05-31").status_code == 302

    page = staff_client.get(reverse("deadlines:facts", args=[org.pk]), {"year": "2025"})
    assert 'id="extension-decided-late"' not in page.content.decode()
    row, page = the_row(staff_client)
    assert not row.extension_decided_late
    assert "verlenging besloten op 31 mei 2026" in page and "na afloop" not in page
    line = export_line(staff_client)
    assert line["Verlenging besloten op"] == "2026-05-31"
    assert line["Verlenging besloten na afloop opmaaktermijn"] == "nee"


def test_without_an_extension_no_day_is_asked(staff_client, org):
    assert post_extension(staff_client, org, "", months="0").status_code == 302
    assert not DeadlineExtension.objects.exists()


def test_an_extension_recorded_without_a_day_says_the_day_is_unknown(staff_client, org):
    extension(org, 2025, 2)  # from before the day was asked
    row, page = the_row(staff_client)
    assert row.extension.granted_on is None and not row.extension_decided_late
    assert "datum besluit tot verlenging onbekend" in page
    assert export_line(staff_client)["Verlenging besloten op"] == ""
