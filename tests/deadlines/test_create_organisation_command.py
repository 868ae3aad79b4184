"""Scripted onboarding, ``manage.py create_organisation``: the organisation with its KvK
number and what the legal deadlines depend on, its legal form and financial year end, as
InSite's "Nieuwe organisatie" asks them (tests/portal/test_onboarding.py).

The domain: KVK-SBR.md section 1 (the deadlines differ by legal form; a BV files within
5 + 2 months + 8 days after year end, so the year end moves every deadline) and, for the
cooperatie, art. 2:58 lid 1 BW as kvk/deadlines.py names it (draws up within 6 months,
adopts within one more).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError

from crm import services
from crm.models import Organisation
from deadlines import selectors
from deadlines.models import DeadlineFacts
from kvk.deadlines import BV, COOPERATIE, STICHTING
from tests import factories, nt19
from tests.conftest import command_output

pytestmark = pytest.mark.django_db


def _deadlines(organisation: Organisation, year: int):
    organisation = selectors.with_deadline_facts(
        Organisation.objects.filter(pk=organisation.pk), year
    ).get()
    return selectors.deadlines_of(organisation, year)


def test_create_organisation_in_the_only_environment(environment):
    out = command_output("create_organisation", "--name", "Bakkerij B.V.", "--kvk", "11223344")
    organisation = Organisation.objects.get(name="Bakkerij B.V.")
    assert organisation.environment == environment
    assert organisation.kvk_number == "11223344"
    assert "11223344" in out


def test_create_organisation_picks_environment_by_participant_number(environment):
    other = factories.EnvironmentFactory(participant_number="54321")
    command_output(
        "create_organisation", "--name", "X B.V.", "--kvk", "11223344", "--environment", "54321"
    )
    assert Organisation.objects.get(name="X B.V.").environment == other


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kvk", "1234"], "geen geldig KvK-nummer"),
        (["--kvk", "1234567a"], "geen geldig KvK-nummer"),
        (["--kvk", "11223344", "--environment", "99999"], "geen accountantsomgeving"),
        (["--kvk", "11223344", "--name", "  "], "Geef de naam"),
    ],
)
def test_create_organisation_refuses_with_a_dutch_error(environment, args, message):
    argv = ["create_organisation", "--name", "Y B.V.", *args]
    with pytest.raises(CommandError, match=message):
        command_output(*argv)
    assert not Organisation.objects.exists()


def test_create_organisation_refuses_a_kvk_number_the_kvk_refuses(environment):
    """NT19's nl-types:chamberOfCommerceRegistrationNumberItemType (tests/nt19.py): eight
    digits beginning with 00 are refused in a filing, so onboarding refuses them in
    InSite's sentence, not an organisation whose filings fail later. Finding one by a
    number stored before still works: a look-up checks the format only."""
    number = nt19.kvk_number_the_kvk_refuses()
    with pytest.raises(CommandError, match=nt19.KVK_NUMBER_REFUSED):
        command_output("create_organisation", "--name", "Nul Nul B.V.", "--kvk", number)
    assert not Organisation.objects.exists()

    stored = factories.OrganisationFactory(environment=environment, kvk=number)
    assert services.find_organisation(kvk_number=number) == stored


def test_create_organisation_refuses_a_kvk_number_already_known(environment):
    factories.OrganisationFactory(environment=environment, kvk="11223344", name="Eerste B.V.")
    with pytest.raises(CommandError, match="hoort al bij organisatie 'Eerste B.V.'"):
        command_output("create_organisation", "--name", "Tweede B.V.", "--kvk", "11223344")
    assert Organisation.objects.count() == 1


def test_create_organisation_needs_a_choice_between_environments(db):
    factories.EnvironmentFactory()
    factories.EnvironmentFactory()
    with pytest.raises(CommandError, match="meerdere accountantsomgevingen"):
        command_output("create_organisation", "--name", "Z B.V.", "--kvk", "11223344")
    assert not Organisation.objects.exists()


def test_create_organisation_without_any_environment(db):
    with pytest.raises(CommandError, match="nog geen accountantsomgeving"):
        command_output("create_organisation", "--name", "Z B.V.", "--kvk", "11223344")


def test_without_the_options_a_bv_with_a_calendar_year_as_before(environment):
    """The defaults are unchanged: a BV whose year ends on 31 December; KVK-SBR.md section
    1: it draws up by 31 May, adopts by 31 July and files by 8 August."""
    out = command_output("create_organisation", "--name", "Bakkerij B.V.", "--kvk", "11223344")
    organisation = Organisation.objects.get(name="Bakkerij B.V.")
    assert organisation.legal_form == BV
    facts = DeadlineFacts.objects.get(organisation=organisation)
    assert (facts.year_end_day, facts.year_end_month) == (31, 12)
    deadlines = _deadlines(organisation, 2024)
    assert (deadlines.draw_up, deadlines.adoption, deadlines.filing) == (
        date(2025, 5, 31),
        date(2025, 7, 31),
        date(2025, 8, 8),
    )
    assert "einde boekjaar: 31-12" in out


@pytest.mark.parametrize("option", ["--rechtsvorm", "--legal-form"])
def test_a_cooperatie_with_its_year_end_gets_its_own_deadlines(environment, option):
    """A cooperatie whose year ends on 30 June, its legal form typed as people write it
    ("coöperatie"): financial year 2024 runs to 30 June 2025; it draws up within 6 months,
    adopts within one more (art. 2:58 lid 1 BW) and files 8 days later."""
    out = command_output(
        "create_organisation",
        *("--name", "Coop", "--kvk", "11223344"),
        *(option, "coöperatie", "--year-end", "30-06"),
    )
    organisation = Organisation.objects.get(name="Coop")
    assert organisation.legal_form == COOPERATIE
    facts = DeadlineFacts.objects.get(organisation=organisation)
    assert (facts.year_end_day, facts.year_end_month) == (30, 6)
    deadlines = _deadlines(organisation, 2024)
    assert (deadlines.year_start, deadlines.year_end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert (deadlines.draw_up, deadlines.adoption, deadlines.filing) == (
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 8),
    )
    assert "Rechtsvorm: Coöperatie; einde boekjaar: 30-06." in out


def test_the_legal_form_is_one_of_the_taxonomys_list_typed_in_any_capitals(environment):
    command_output(
        "create_organisation", "--name", "Zon", "--kvk", "11223344", "--rechtsvorm", "STICHTING"
    )
    assert Organisation.objects.get(name="Zon").legal_form == STICHTING


def test_29_february_is_the_last_day_of_february(environment):
    command_output(
        "create_organisation", "--name", "Schrikkel", "--kvk", "11223344", "--year-end", "29-2"
    )
    organisation = Organisation.objects.get(name="Schrikkel")
    assert _deadlines(organisation, 2024).year_end == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--rechtsvorm", "Eenmanszaak"],
            "Onbekende rechtsvorm 'Eenmanszaak'. Kies een van: Besloten vennootschap met "
            "beperkte aansprakelijkheid, Commanditaire vennootschap, Coöperatie,",
        ),
        (["--legal-form", "BV"], "Onbekende rechtsvorm 'BV'."),
        *(
            (["--year-end", typed], f"Einde boekjaar '{typed}' is geen bestaande datum als DD-MM")
            for typed in ("31-04", "30-02", "32-01", "31-13", "2025-06-30", "30/06", "juni")
        ),
    ],
)
def test_a_wrong_legal_form_or_year_end_is_refused_with_a_dutch_error(environment, args, message):
    with pytest.raises(CommandError) as refused:
        command_output("create_organisation", "--name", "Y B.V.", "--kvk", "11223344", *args)
    assert message in str(refused.value)
    assert not Organisation.objects.exists()


# --- the responsible staff member (--medewerker) ----------------------------------------------


@pytest.mark.parametrize("option", ["--medewerker", "--staff-member"])
def test_the_responsible_staff_member_by_their_login_in_any_capitals(environment, option):
    eva = factories.StaffFactory(
        environment=environment, user__username="eva@kantoor.nl", user__first_name="Eva"
    )
    out = command_output(
        "create_organisation", "--name", "Alfa", "--kvk", "11223344", option, "Eva@Kantoor.nl"
    )
    assert Organisation.objects.get(name="Alfa").responsible == eva
    assert "Verantwoordelijk medewerker: Eva." in out


def test_without_the_option_nobody_is_responsible(environment):
    out = command_output("create_organisation", "--name", "Alfa", "--kvk", "11223344")
    assert Organisation.objects.get(name="Alfa").responsible is None
    assert "Verantwoordelijk medewerker" not in out


@pytest.mark.parametrize("login", ["niemand", "vreemd"])
def test_a_login_of_no_staff_member_of_the_environment_is_refused(environment, login):
    """ "vreemd" is a staff member of another environment: refused as unknown here."""
    factories.StaffFactory(user__username="vreemd")
    # A client's login, of a contact in this environment: no staff member.
    factories.ContactFactory(organisation__environment=environment, user__username="niemand")
    with pytest.raises(CommandError) as refused:
        command_output(
            "create_organisation",
            *("--name", "Alfa", "--kvk", "11223344", "--medewerker", login),
            *("--environment", environment.participant_number),
        )
    assert (
        f"Er is geen medewerker met de login '{login}' in accountantsomgeving "
        f"{environment}" in str(refused.value)
    )
    assert not Organisation.objects.filter(name="Alfa").exists()
