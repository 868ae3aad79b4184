"""kvk.deadlines per legal form: one row for every value of the official list (no database).

The legal forms are the enumeration of jenv-codes:legalFormItemType in the NT19 extract
(kvk/nt19, read through kvk.nt); the terms are those of Boek 2 BW, each row naming the
article it rests on.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvk import deadlines as dl
from kvk import nt
from kvk import taxonomy as tx

D = date
YEAR = (D(2025, 1, 1), D(2025, 12, 31))

#: The official value list, read from the extract itself rather than from our constant.
OFFICIAL_LEGAL_FORMS = set(nt.type_facets("jenv-codes:legalFormItemType")["enumeration"])


class Row(NamedTuple):
    """A legal form's deadlines for calendar year 2025 and the article they rest on; no
    dates: no computed deadline."""

    legal_form: str
    article: str
    draw_up: date | None = None
    adoption: date | None = None
    filing: date | None = None
    title_9: bool = False
    extension: int = 0


LEGAL_FORMS = [
    # art. 2:210 lid 1: 5 months (+5); art. 2:394 lid 2: adoption 2 months later; lid 1: 8 days
    Row("Besloten vennootschap met beperkte aansprakelijkheid", "2:210",
        draw_up=D(2026, 5, 31), adoption=D(2026, 7, 31), filing=D(2026, 8, 8)),
    # art. 2:101 lid 1: as the BV
    Row("Naamloze vennootschap", "2:101",
        draw_up=D(2026, 5, 31), adoption=D(2026, 7, 31), filing=D(2026, 8, 8)),
    # art. 2:58 lid 1: 6 months (+4); the general meeting at the latest a month later
    Row("Cooperatie", "2:58",
        draw_up=D(2026, 6, 30), adoption=D(2026, 7, 31), filing=D(2026, 8, 8)),
    Row("Onderlinge waarborgmaatschappij", "2:58", extension=4,
        draw_up=D(2026, 10, 31), adoption=D(2026, 11, 30), filing=D(2026, 12, 8)),
    # art. 2:300 lid 1: 6 months (+4), under Title 9 by art. 2:360 lid 3
    Row("Stichting", "2:300", title_9=True,
        draw_up=D(2026, 6, 30), adoption=D(2026, 8, 31), filing=D(2026, 9, 8)),
    # art. 2:49 lid 1: 6 months (+4), under Title 9 by art. 2:360 lid 3; with the full
    # extension art. 2:394 lid 3 (12 months) caps the filing
    Row("Vereniging", "2:49", title_9=True, extension=4,
        draw_up=D(2026, 10, 31), adoption=D(2026, 12, 31), filing=D(2026, 12, 31)),
    # art. 2:360 lid 2: no filing unless all fully liable partners are capital companies
    Row("Commanditaire vennootschap", "2:360 lid 2"),
    Row("Vennootschap onder firma", "2:360 lid 2"),
]  # fmt: skip


def test_every_official_legal_form_has_a_row():
    assert {row.legal_form for row in LEGAL_FORMS} == OFFICIAL_LEGAL_FORMS
    assert set(tx.LEGAL_FORMS) == OFFICIAL_LEGAL_FORMS
    assert set(dl.RULES) == OFFICIAL_LEGAL_FORMS


@pytest.mark.parametrize("row", LEGAL_FORMS, ids=[row.legal_form for row in LEGAL_FORMS])
def test_deadlines_per_legal_form(row: Row):
    notice = dl.deadline_notice(row.legal_form, title_9_applies=row.title_9)
    if row.filing is None:
        assert f"art. {row.article} BW" in notice
        with pytest.raises(ValueError):
            dl.compute_deadlines(*YEAR, legal_form=row.legal_form)
        return
    assert notice == ""
    result = dl.compute_deadlines(*YEAR, legal_form=row.legal_form, extension_months=row.extension)
    deadlines = (result.draw_up, result.adoption, result.filing)
    assert deadlines == (row.draw_up, row.adoption, row.filing)
    assert f"art. {row.article}" in result.articles and "2:394" in result.articles
    assert result.legal_form == row.legal_form


@pytest.mark.parametrize("legal_form", ["Stichting", "Vereniging"])
def test_stichting_and_vereniging_file_only_with_an_enterprise(legal_form):
    # art. 2:360 lid 3: only with an enterprise above the turnover threshold
    notice = dl.deadline_notice(legal_form)
    assert "art. 2:360 lid 3 BW" in notice and "accountant" in notice
    assert dl.deadline_notice(legal_form, title_9_applies=True) == ""


@pytest.mark.parametrize("legal_form", ["Commanditaire vennootschap", "Vennootschap onder firma"])
def test_partnerships_do_not_file_whatever_the_title_9_flag(legal_form):
    # The flag is about art. 2:360 lid 3 (stichting, vereniging); a CV or VOF under
    # lid 2 still gets the message, no deadline.
    notice = dl.deadline_notice(legal_form, title_9_applies=True)
    assert "deponeert geen jaarrekening, tenzij" in notice


@pytest.mark.parametrize(
    "legal_form,allowed",
    [
        ("Besloten vennootschap met beperkte aansprakelijkheid", 5),  # art. 2:210 lid 1
        ("Naamloze vennootschap", 5),  # art. 2:101 lid 1
        ("Cooperatie", 4),  # art. 2:58 lid 1
        ("Onderlinge waarborgmaatschappij", 4),  # art. 2:58 lid 1
        ("Stichting", 4),  # art. 2:300 lid 1
        ("Vereniging", 4),  # art. 2:49 lid 1
    ],
)
def test_longest_extension_per_legal_form(legal_form, allowed):
    dl.compute_deadlines(*YEAR, legal_form=legal_form, extension_months=allowed)
    with pytest.raises(ValueError):
        dl.compute_deadlines(*YEAR, legal_form=legal_form, extension_months=allowed + 1)


@pytest.mark.parametrize(
    "legal_form,signing_is_adoption",
    [
        ("Besloten vennootschap met beperkte aansprakelijkheid", True),  # art. 2:210 lid 5
        ("Naamloze vennootschap", True),  # as before this change
        ("Cooperatie", False),  # art. 2:58: the general meeting adopts
        ("Onderlinge waarborgmaatschappij", False),
        ("Stichting", False),
        ("Vereniging", False),
    ],
)
def test_signing_is_adoption_only_for_bv_and_nv(legal_form, signing_is_adoption):
    plain = dl.compute_deadlines(*YEAR, legal_form=legal_form)
    directors = dl.compute_deadlines(
        *YEAR, legal_form=legal_form, all_shareholders_are_directors=True
    )
    assert directors.all_shareholders_are_directors is signing_is_adoption
    if signing_is_adoption:
        assert directors.adoption == directors.draw_up
        assert directors.filing < plain.filing
    else:
        assert directors == plain


@pytest.mark.parametrize(
    "legal_form,filing",
    [
        # KVK-SBR.md section 1: "If all shareholders are also directors, signing counts as
        # adoption"; "filing is due within 8 days after adoption".
        ("Besloten vennootschap met beperkte aansprakelijkheid", D(2026, 3, 9)),
        ("Naamloze vennootschap", D(2026, 3, 9)),
        # The general meeting adopts (art. 2:58): the signing date changes nothing.
        ("Cooperatie", D(2026, 8, 8)),
    ],
)
def test_a_known_signing_date_is_the_adoption_when_signing_is_adoption(legal_form, filing):
    signed = dl.compute_deadlines(
        *YEAR, legal_form=legal_form, all_shareholders_are_directors=True, signed_on=D(2026, 3, 1)
    )
    assert signed.filing == filing
    # Without the facts that make signing adoption, a signing date changes nothing.
    plain = dl.compute_deadlines(*YEAR, legal_form=legal_form)
    assert dl.compute_deadlines(*YEAR, legal_form=legal_form, signed_on=D(2026, 3, 1)) == plain


def test_the_signing_date_goes_before_a_later_adoption_date():
    # KVK-SBR.md section 1: "If all shareholders are also directors, signing counts as
    # adoption" (art. 2:210 lid 5 BW); "filing is due within 8 days after adoption". A
    # later "Jaarrekening vastgesteld" date does not start the eight days again.
    result = dl.compute_deadlines(
        *YEAR,
        all_shareholders_are_directors=True,
        signed_on=D(2026, 3, 1),
        adopted_on=D(2026, 12, 1),
    )
    assert (result.adopted_on, result.filing) == (D(2026, 3, 1), D(2026, 3, 9))
    # Without a signing date the recorded adoption date is what we know.
    assert (
        dl.compute_deadlines(*YEAR, all_shareholders_are_directors=True, adopted_on=D(2026, 3, 20))
    ).filing == D(2026, 3, 28)


BV = "Besloten vennootschap met beperkte aansprakelijkheid"


@pytest.mark.parametrize(
    "legal_form,all_directors,extension,adopted_on,signed_on,filing",
    [
        # A BV adopts within 2 months after the draw-up term (31 July 2026). Adopted on
        # 15 August: the accounts were due "onverwijld" from 31 July on (art. 2:394 lid 2
        # BW), 8 days' grace: 8 August, not 23 August.
        (BV, False, 0, D(2026, 8, 15), None, D(2026, 8, 8)),
        # The same with a 3-month extension: draw up by 31 August, adopt by 31 October.
        (BV, False, 3, D(2026, 11, 20), None, D(2026, 11, 8)),
        # Full extension: adoption deadline and 12-month limit coincide (art. 2:394 lid 3).
        (BV, False, 5, D(2027, 1, 15), None, D(2026, 12, 31)),
        # A cooperatie's general meeting is held within a month after the draw-up term of 30
        # June (art. 2:58 lid 1 BW): adopted on 20 August it is late, yet within lid 2's two
        # months (31 August), so lid 1's 8 days run from it: 28 August.
        ("Cooperatie", False, 0, D(2026, 8, 20), None, D(2026, 8, 28)),
        # Adopted after 31 August: lid 2, 8 September.
        ("Cooperatie", False, 0, D(2026, 10, 1), None, D(2026, 9, 8)),
        # Signing is adoption (art. 2:210 lid 5 BW), due by the draw-up deadline of 31 May.
        # Signed on 15 June: late, yet within lid 2's two months, so 8 days after signing.
        (BV, True, 0, None, D(2026, 6, 15), D(2026, 6, 23)),
        # Signed on 15 August, after 31 July: lid 2, 8 August.
        (BV, True, 0, None, D(2026, 8, 15), D(2026, 8, 8)),
        # An adoption recorded (on another version) before the signing is the earlier
        # adoption: 8 days after 1 March.
        (BV, True, 0, D(2026, 3, 1), D(2026, 4, 1), D(2026, 3, 9)),
    ],
)
def test_an_adoption_after_the_lid_2_term_does_not_move_filing_later(
    legal_form, all_directors, extension, adopted_on, signed_on, filing
):
    result = dl.compute_deadlines(
        *YEAR,
        legal_form=legal_form,
        extension_months=extension,
        all_shareholders_are_directors=all_directors,
        adopted_on=adopted_on,
        signed_on=signed_on,
    )
    assert result.filing == filing
    assert result.adopted_on == min(d for d in (adopted_on, signed_on) if d is not None)


def test_cooperatie_adopted_early_files_eight_days_later():
    # art. 2:394 lid 1: within 8 days after adoption, whatever the form
    result = dl.compute_deadlines(*YEAR, legal_form="Cooperatie", adopted_on=D(2026, 4, 2))
    assert result.filing == D(2026, 4, 10)


def test_unknown_legal_form_is_refused():
    with pytest.raises(ValueError):
        dl.compute_deadlines(*YEAR, legal_form="Eenmanszaak")
    with pytest.raises(ValueError):
        dl.deadline_notice("Besloten vennootschap")  # not the official spelling


@given(
    legal_form=st.sampled_from([form for form, rule in dl.RULES.items() if rule.terms is not None]),
    year=st.integers(2016, 2100),
    end_month=st.integers(1, 12),
    extension=st.integers(0, 4),
    all_directors=st.booleans(),
)
def test_deadlines_of_every_form_are_ordered_and_within_twelve_months(
    legal_form, year, end_month, extension, all_directors
):
    start, end = dl.financial_year_period(year, end_month, 29 if end_month == 2 else 28)
    result = dl.compute_deadlines(
        start,
        end,
        legal_form=legal_form,
        extension_months=extension,
        all_shareholders_are_directors=all_directors,
    )
    # art. 2:394 lid 3: filed at the latest twelve months after year end
    assert end < result.draw_up <= result.adoption <= result.filing <= result.filing_limit
    assert result.filing_limit == dl.add_months(end, 12)


def test_notices_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert "art. 2:360(2) BW" in dl.deadline_notice("Commanditaire vennootschap")
        assert "art. 2:360(3) BW" in dl.deadline_notice("Vereniging")
