"""The administrations list tells where each administration stands: the newest annual
report's year and state in words, the next step in a few words (the same step as the
administration's page, from clientside.steps), and the filing deadline of the year that
still asks for something; searched, filtered on what the step asks, in a stable order,
and read in a fixed number of queries however many administrations there are.

Sources:
- KVK-SBR.md section 1: "filing is due within 8 days after adoption and in any case within
  12 months after year end" (art. 2:394 lid 3 BW): the one deadline the client side knows
  for certain from its year end; an extension or the adoption date (which it does not
  always know) can only make it earlier.
- KVK-SBR.md section 2: the status codes 0..90 and their Dutch labels.
- KVK-SBR.md section 3: a financial year is named after the calendar year it begins in.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape
from lxml import html

from clientside import services
from clientside.models import Administration, AnnualReport
from clientside.steps import next_step
from config.dates import format_day
from kvk import deadlines
from kvk.status import Status
from tests.clientside.conftest import YEAR, make_environment, mirrored
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db

CATCH_UP = YEAR - 1


def _environment(name: str, kvk_number: str, **kwargs):
    return make_environment(
        kvk_number=kvk_number, token="t", portal_url="http://127.0.0.1:9", name=name, **kwargs
    )


def _rows(client, query: str = "") -> dict[str, dict[str, str]]:
    """The list's rows by administration name: each cell's text, and the step's link and
    full sentence."""
    response = client.get("/klant/" + query)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    rows = {}
    for row in page.get_element_by_id("administrations").xpath(".//tbody/tr[@data-asks]"):
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        step = row.xpath("./td[@class='step']/a")[0]
        rows[cells[0]] = {
            "kvk": cells[1],
            "year": cells[2],
            "state": cells[3],
            "step": cells[4],
            "link": step.get("href"),
            "sentence": step.get("title"),
            "deadline": cells[5],
        }
    return rows


@pytest.fixture
def bookkeeper(client):
    client.force_login(user_with(*ALL_PERMISSIONS))
    return client


def _limit(year: int, end_month: int = 12, end_day: int = 31) -> date:
    """Twelve months after the end of financial year ``year`` (art. 2:394 lid 3 BW)."""
    end = deadlines.financial_year_period(year, end_month, end_day)[1]
    return deadlines.add_months(end, 12)


def test_each_row_says_the_year_its_state_and_the_next_step(bookkeeper):
    _environment("A Nieuw B.V.", "10000001")
    mirrored(_environment("B Klaar B.V.", "10000002").report, Status.PREPARED)
    mirrored(_environment("C Beoordeling B.V.", "10000003").report, Status.IN_REVIEW)
    mirrored(_environment("D Gedeponeerd B.V.", "10000004").report, Status.FILED)
    mirrored(
        _environment("E Afgekeurd B.V.", "10000005").report,
        Status.REFUSED,
        [{"code": "kvk", "message": "De balans sluit niet."}],
    )

    rows = _rows(bookkeeper)

    assert [(r["year"], r["state"], r["step"]) for r in rows.values()] == [
        (str(YEAR), "Nog niet klaargezet", "Klaarzetten"),
        (str(YEAR), "Klaargezet voor verzending naar portal (0)", "Verzenden/ontvangen"),
        (str(YEAR), "Aangeboden ter beoordeling door cliënt (30)", "Wachten op de cliënt"),
        (str(YEAR), "Gedeponeerd bij KvK (80)", "Geen actie nodig"),
        (str(YEAR), "Afgekeurd door KvK (90)", "Nieuwe versie maken"),
    ]


def test_the_step_is_the_one_the_administration_page_gives(bookkeeper):
    """One place for the words: the list's step links where the administration's
    "Volgende stap" links and carries its sentence."""
    envs = [
        _environment("A B.V.", "10000001"),
        _environment("B B.V.", "10000002"),
        _environment("C B.V.", "10000003"),
    ]
    mirrored(envs[1].report, Status.REJECTED, [{"code": "x", "message": "Cijfers kloppen niet."}])
    mirrored(envs[2].report, Status.SENT_TO_KVK)

    rows = _rows(bookkeeper)

    for env in envs:
        text, link = next_step(env.administration)
        row = rows[env.administration.name]
        assert (row["sentence"], row["link"]) == (text, link)
        page = bookkeeper.get(reverse("clientside:administration", args=[env.administration.pk]))
        assert escape(text) in page.content.decode()


def test_setting_up_is_the_step_before_any_report(bookkeeper):
    env = _environment("Zonder token B.V.", "10000001")
    env.profile.token = ""
    env.profile.save()
    bare = Administration.objects.create(
        name="Leeg B.V.",
        legal_form=env.administration.legal_form,
        seat="Utrecht",
        kvk_number="10000002",
    )

    rows = _rows(bookkeeper)

    assert rows["Zonder token B.V."]["step"] == "Communicatie met accountant instellen"
    assert rows["Zonder token B.V."]["state"] == "Nog niet klaargezet"
    assert rows["Leeg B.V."]["step"] == "KvK-gegevens aanvullen"
    assert (rows["Leeg B.V."]["year"], rows["Leeg B.V."]["state"]) == ("–", "Nog geen jaarrapport")
    assert rows["Leeg B.V."]["link"] == reverse("clientside:administration-edit", args=[bare.pk])


def test_a_catch_up_year_that_asks_is_named_beside_the_newest_year(bookkeeper):
    """The newest year is filed; the year before it waits for the client's review: the row
    shows the newest year's state and the step (and its deadline) of the older year."""
    env = _environment("Inhaal B.V.", "10000001")
    mirrored(env.report, Status.FILED)
    catch_up = AnnualReport.objects.create(
        administration=env.administration, financial_year=CATCH_UP
    )
    mirrored(catch_up, Status.IN_REVIEW)

    row = _rows(bookkeeper)["Inhaal B.V."]

    assert (row["year"], row["state"]) == (str(YEAR), "Gedeponeerd bij KvK (80)")
    assert row["step"] == f"Jaarrapport {CATCH_UP}: Wachten op de cliënt"
    assert row["deadline"].startswith(format_day(_limit(CATCH_UP)))


def test_a_heraanlevering_is_the_newest_report_of_its_year(bookkeeper):
    env = _environment("Correctie B.V.", "10000001")
    mirrored(env.report, Status.FILED)
    AnnualReport.objects.create(
        administration=env.administration, financial_year=YEAR, resubmission=True
    )

    row = _rows(bookkeeper)["Correctie B.V."]

    assert (row["year"], row["state"]) == (f"{YEAR} heraanlevering", "Nog niet klaargezet")
    assert row["step"] == "Klaarzetten"


def test_the_deadline_is_twelve_months_after_the_year_end(bookkeeper):
    # KVK-SBR.md section 1 / art. 2:394 lid 3 BW: in any case within 12 months after year
    # end. A year ending 30 June: financial year YEAR runs to 30 June YEAR + 1 (section 3).
    _environment("Kalenderjaar B.V.", "10000001")
    june = _environment("Gebroken jaar B.V.", "10000002")
    june.administration.year_end_month, june.administration.year_end_day = 6, 30
    june.administration.save()
    # Its report states that year (a new report's period follows the year end).
    june.report.statements = {
        **june.report.statements,
        "period_start": f"{YEAR}-07-01",
        "period_end": f"{YEAR + 1}-06-30",
        "previous_start": f"{YEAR - 1}-07-01",
    }
    june.report.save()
    mirrored(_environment("Gedeponeerd B.V.", "10000003").report, Status.FILED)

    rows = _rows(bookkeeper)

    assert rows["Kalenderjaar B.V."]["deadline"].startswith(format_day(date(YEAR + 1, 12, 31)))
    assert rows["Gebroken jaar B.V."]["deadline"].startswith(format_day(date(YEAR + 2, 6, 30)))
    # Filed: no deadline to watch.
    assert rows["Gedeponeerd B.V."]["deadline"] == "–"


def test_the_deadline_of_a_long_first_year_is_twelve_months_after_its_end(bookkeeper):
    """A first financial year may be longer (art. 2:10a BW): founded on 1 October, the
    first year runs to 31 December of the next year and is named after the year it begins
    in (KVK-SBR.md section 3). Its filing is due twelve months after that end (art. 2:394
    lid 3 BW); the list said twelve months after 31 December of the first calendar year,
    a year early, and "verstreken" while there was a year left."""
    env = _environment("Lang eerste jaar B.V.", "10000001")
    env.report.financial_year = YEAR - 1
    env.report.statements = {
        **env.report.statements,
        "period_start": f"{YEAR - 1}-10-01",
        "period_end": f"{YEAR}-12-31",
        "previous_start": None,
    }
    env.report.save()

    row = _rows(bookkeeper)["Lang eerste jaar B.V."]

    assert row["year"] == str(YEAR - 1)
    assert row["deadline"] == format_day(date(YEAR + 1, 12, 31))


def test_a_passed_deadline_says_so(bookkeeper):
    env = _environment("Te laat B.V.", "10000001")
    late = AnnualReport.objects.create(administration=env.administration, financial_year=YEAR - 3)
    mirrored(env.report, Status.FILED)

    row = _rows(bookkeeper)["Te laat B.V."]

    assert row["step"] == f"Jaarrapport {late.financial_year}: Klaarzetten"
    assert row["deadline"] == f"{format_day(_limit(YEAR - 3))} verstreken"


def test_no_deadline_once_the_year_is_filed_and_a_correction_follows(bookkeeper):
    """A heraanlevering, or the tweede aanlevering after accounts filed as not adopted
    (KVK-SBR.md section 1), follows a filing: the year's filing deadline is met, and
    "verstreken" beside it would say the year was filed late."""
    corrected = _environment("Correctie B.V.", "10000001")
    mirrored(corrected.report, Status.FILED)
    AnnualReport.objects.create(
        administration=corrected.administration, financial_year=YEAR - 3, resubmission=True
    )
    not_adopted = _environment("Niet vastgesteld B.V.", "10000002")
    filed = mirrored(not_adopted.report, Status.FILED)
    filed.adopted = False
    filed.save()

    rows = _rows(bookkeeper)

    assert rows["Correctie B.V."]["step"] == f"Heraanlevering {YEAR - 3}: Klaarzetten"
    assert rows["Niet vastgesteld B.V."]["step"] == "Tweede aanlevering sturen"
    assert rows["Correctie B.V."]["deadline"] == rows["Niet vastgesteld B.V."]["deadline"] == "–"


def test_a_heraanlevering_shown_first_keeps_the_deadline_of_a_year_still_open(bookkeeper):
    """The row's step is the heraanlevering of a filed year (older, so shown first), while
    the newest year is not yet prepared: its deadline stays in the row (the note under the
    table: the oldest year not yet done); before, a heraanlevering's step hid it."""
    env = _environment("Beide B.V.", "10000001")
    filed = AnnualReport.objects.create(administration=env.administration, financial_year=YEAR - 1)
    mirrored(filed, Status.FILED)
    AnnualReport.objects.create(
        administration=env.administration, financial_year=YEAR - 1, resubmission=True
    )

    row = _rows(bookkeeper)["Beide B.V."]

    assert row["step"].startswith(f"Heraanlevering {YEAR - 1}")
    assert row["deadline"].startswith(format_day(_limit(YEAR)))


def test_no_deadline_for_a_legal_form_without_a_term(bookkeeper):
    # kvk.deadlines: a vennootschap onder firma files no accounts unless all fully liable
    # partners are capital companies (art. 2:360 lid 2 BW); no term is computed for it.
    env = _environment("Vof", "10000001")
    env.administration.legal_form = deadlines.VOF
    env.administration.save()

    assert _rows(bookkeeper)["Vof"]["deadline"] == "–"


def test_the_filter_keeps_what_asks_for_action_and_counts_each_kind(bookkeeper):
    mirrored(_environment("A B.V.", "10000001").report, Status.PREPARED)
    mirrored(_environment("B B.V.", "10000002").report, Status.IN_REVIEW)
    mirrored(_environment("C B.V.", "10000003").report, Status.FILED)
    _environment("D B.V.", "10000004")

    assert list(_rows(bookkeeper, "?stap=actie")) == ["A B.V.", "D B.V."]
    assert list(_rows(bookkeeper, "?stap=wachten")) == ["B B.V."]
    assert list(_rows(bookkeeper, "?stap=klaar")) == ["C B.V."]
    assert len(_rows(bookkeeper, "?stap=onzin")) == 4
    page = html.fromstring(bookkeeper.get("/klant/?stap=actie").content)
    options = [
        " ".join(o.text_content().split()) for o in page.xpath("//select[@id='stap']/option")
    ]
    assert options == [
        "Alle administraties",
        "Actie nodig (2)",
        "Wacht op portal of cliënt (1)",
        "Geen actie nodig (1)",
    ]
    assert page.xpath("//select[@id='stap']/option[@selected]")[0].get("value") == "actie"
    assert page.get_element_by_id("clear-filters").get("href") == "/klant/"


def test_search_by_name_or_kvk_number(bookkeeper):
    _environment("Bakkerij De Korenschoof B.V.", "12345678")
    _environment("Fietsenmakerij Van Dijk B.V.", "23456789")

    assert list(_rows(bookkeeper, "?q=korenschoof")) == ["Bakkerij De Korenschoof B.V."]
    assert list(_rows(bookkeeper, "?q=2345+6789")) == ["Fietsenmakerij Van Dijk B.V."]
    html_text = bookkeeper.get("/klant/?q=niemand").content.decode()
    assert "Geen administraties gevonden." in html_text
    assert "Er is nog geen administratie" not in html_text


@pytest.mark.parametrize(
    "typed,rule",
    [
        ("cafe de hoek", "accents dropped"),
        ("CAFÉ  De Hoek", "case folded, a run of spaces is one"),
        ("hoek bv", "B.V. written without dots"),
        ("hoek b. v.", "B.V. written with dots and a space"),
        # PostgreSQL refuses a query with a NUL: the list answered a server error there.
        ("ca%00fe de hoek", "a NUL character in the address is left out"),
    ],
)
def test_the_search_finds_a_name_as_it_is_typed(bookkeeper, typed, rule):
    """kvk.search, as the accountant's portal searches: the name whatever its accents,
    case, dots and spaces."""
    _environment("Café De Hoek B.V.", "12345678")
    _environment("Jansen-Smit V.O.F.", "23456789")

    assert list(_rows(bookkeeper, f"?q={typed}")) == ["Café De Hoek B.V."], rule
    assert list(_rows(bookkeeper, "?q=jansen+smit+vof")) == ["Jansen-Smit V.O.F."]
    assert list(_rows(bookkeeper, "?q=n.v.")) == []


def test_the_order_is_by_name_then_kvk_number(bookkeeper):
    for name, number in [
        ("Zeeman B.V.", "10000001"),
        ("Anker B.V.", "10000003"),
        ("Anker B.V.", "10000002"),
    ]:
        _environment(name, number)
    page = html.fromstring(bookkeeper.get("/klant/").content)
    numbers = [row.xpath("./td")[1].text_content() for row in page.xpath("//tbody/tr")]
    assert numbers == ["10000002", "10000003", "10000001"]


def test_an_empty_environment_invites_a_first_administration(bookkeeper):
    page = html.fromstring(bookkeeper.get("/klant/").content)
    table = " ".join(page.get_element_by_id("administrations").text_content().split())
    assert "Er is nog geen administratie. Begin met 'Nieuwe administratie'." in table
    assert not page.xpath("//form[@id='administration-filters']")


def _busy_administration(number: int) -> None:
    """An administration with two years: the newest stopped at 70 for an old KvK number
    (whose document is read to tell), the older one filed."""
    env = _environment(f"Administratie {number:02d} B.V.", f"2{number:07d}")
    message = services.prepare(env.report)
    services._mirror(message, Status.TRANSPORT_ERROR, [{"code": "kvk_number_changed"}])
    Administration.objects.filter(pk=env.administration.pk).update(kvk_number=f"3{number:07d}")
    older = AnnualReport.objects.create(administration=env.administration, financial_year=CATCH_UP)
    mirrored(older, Status.FILED)


#: The list's queries: the session, the user, its staff membership and portal contact (the
#: page's frame), its permissions (user and group); the administrations with their
#: profile and activation, their signatories, reports and current messages, and the
#: documents of the messages stopped at 70 (``services.stopped_for_old_number``).
LIST_QUERIES = 11


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_reads_a_fixed_number_of_queries(bookkeeper, django_assert_num_queries, count):
    for number in range(count):
        _busy_administration(number)

    with django_assert_num_queries(LIST_QUERIES):
        rows = _rows(bookkeeper)

    assert len(rows) == count
    assert {(row["state"], row["step"]) for row in rows.values()} == {
        ("Fout bij verzenden naar KvK (70)", "Nieuwe versie maken")
    }


def test_the_order_reads_alphabetically_whatever_the_accents_and_case(bookkeeper):
    """As InSite's lists (kvk.search.alphabetical): the bytes would put "de Graaf" after
    "Vos" and "Élan" after "Zuivel"."""
    read = ["Anker B.V.", "de Graaf B.V.", "Élan B.V.", "Vos B.V.", "Zuivel B.V."]
    for number, name in enumerate(sorted(read), start=1):
        _environment(name, f"{10000000 + number:08d}")
    page = html.fromstring(bookkeeper.get("/klant/").content)
    names = [row.xpath("./td")[0].text_content().strip() for row in page.xpath("//tbody/tr")]
    assert names == read
