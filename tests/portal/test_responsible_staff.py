"""The responsible staff member of an organisation ("Verantwoordelijk medewerker"): chosen
in InSite and the admin among the staff of the organisation's own environment, the one who
gets its staff mail, and "Mijn cliënten" on the message list, the organisations and
Termijnen (the digest of the deadlines: tests/deadlines/test_responsible_digest.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services as crm_services
from crm.models import Organisation, StaffMember
from tests import factories
from tests.deadlines.conftest import make_message as message_in_review
from tests.portal.conftest import browser_for, make_message
from tests.portal.test_admin_guards import field_errors, page_data, post_change, shown_messages
from tests.portal.test_onboarding import _create as create_organisation
from tests.portal.test_onboarding import _create_without_the_form as create_without_the_form
from workflow import services
from workflow.models import Actor

pytestmark = pytest.mark.django_db

ELSEWHERE = "Kies een medewerker van de accountantsomgeving van deze organisatie"


@pytest.fixture(autouse=True)
def without_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # the second factor has tests of its own


@pytest.fixture
def eva(environment) -> StaffMember:
    return factories.StaffFactory(
        environment=environment,
        user__username="eva",
        user__email="eva@kantoor.nl",
        user__first_name="Eva",
        user__last_name="de Boer",
    )


@pytest.fixture
def tom(environment) -> StaffMember:
    return factories.StaffFactory(
        environment=environment, user__username="tom", user__email="tom@kantoor.nl"
    )


@pytest.fixture
def stranger() -> StaffMember:
    """A staff member of another accountancy environment."""
    return factories.StaffFactory(user__username="vreemd", user__email="vreemd@elders.nl")


def _responsible(organisation, member) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(responsible=member)


# --- only a staff member of the organisation's own environment -------------------------------


def test_a_staff_member_of_another_environment_is_refused(client_a, eva, stranger):
    organisation = client_a.organisation
    organisation.responsible = stranger
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert ELSEWHERE in " ".join(refused.value.message_dict["responsible"])
    organisation.responsible = eva
    organisation.full_clean()  # their own: fine


def test_the_services_refuse_another_environments_staff_member(
    client_a, admin_staff, stranger, environment
):
    with pytest.raises(crm_services.ResponsibleError) as refused:
        crm_services.set_responsible(
            organisation_id=client_a.organisation.pk, member_id=stranger.pk, user=admin_staff
        )
    assert refused.value.code == "elsewhere" and ELSEWHERE in refused.value.message
    with pytest.raises(crm_services.OnboardingError, match=ELSEWHERE):
        crm_services.create_organisation(
            environment=environment, name="X", kvk_number="11223344", responsible=stranger
        )
    assert Organisation.objects.get(pk=client_a.organisation.pk).responsible is None
    assert not Organisation.objects.filter(name="X").exists()


# --- InSite: the organisation's page and "Nieuwe organisatie" --------------------------------


def test_an_administrator_chooses_the_responsible_staff_member(
    admin_browser, admin_staff, client_a, eva
):
    organisation = client_a.organisation
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    assert "Geen: alle medewerkers krijgen de e-mail" in page.content.decode()
    choices = dict(page.context["responsible_form"].fields["responsible"].choices)
    assert "Eva de Boer" in [str(label) for label in choices.values()]

    url = reverse("insite-organisation-responsible", args=[organisation.pk])
    response = admin_browser.post(url, {"responsible": eva.pk})

    assert response.status_code == 302 and response.url.endswith("#responsible")
    organisation.refresh_from_db()
    assert organisation.responsible == eva
    entry = LogEntry.objects.get(object_id=str(organisation.pk))
    assert entry.user == admin_staff and "verantwoordelijk medewerker" in entry.change_message
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    assert "<strong>Eva de Boer</strong>" in page.content.decode()

    admin_browser.post(url, {"responsible": ""})  # nobody again
    organisation.refresh_from_db()
    assert organisation.responsible is None


def test_the_page_refuses_another_environments_staff_member_and_workers(
    admin_browser, staff_browser, client_a, eva, stranger
):
    url = reverse("insite-organisation-responsible", args=[client_a.organisation.pk])
    response = admin_browser.post(url, {"responsible": stranger.pk})
    assert response.status_code == 400
    assert response.context["responsible_form"].errors["responsible"]
    assert staff_browser.post(url, {"responsible": eva.pk}).status_code == 403
    client_a.organisation.refresh_from_db()
    assert client_a.organisation.responsible is None


def test_a_new_organisation_gets_its_responsible_staff_member(admin_browser, eva, stranger):
    refused = create_organisation(admin_browser, name="Nieuw B.V.", responsible=stranger.pk)
    assert refused.status_code == 200 and refused.context["form"].errors["responsible"]
    assert not Organisation.objects.filter(name="Nieuw B.V.").exists()

    create_organisation(admin_browser, name="Nieuw B.V.", responsible=eva.pk)
    assert Organisation.objects.get(name="Nieuw B.V.").responsible == eva


# --- the staff mail goes to the responsible staff member ------------------------------------


def _reject(client) -> None:
    message = make_message(client)
    services.reject(message_id=message.pk, actor=Actor.for_user(client.user), reason="Fout")


def _staff_mail() -> list[str]:
    return sorted(address for sent in mail.outbox for address in sent.to if "@kantoor" in address)


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_the_staff_mail_goes_to_the_responsible_staff_member_alone(
    client_a, client_b, eva, tom, django_capture_on_commit_callbacks
):
    _responsible(client_a.organisation, eva)
    with django_capture_on_commit_callbacks(execute=True):
        _reject(client_a)
    assert _staff_mail() == ["eva@kantoor.nl"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _reject(client_b)  # nobody responsible: everyone, as before
    assert _staff_mail() == ["eva@kantoor.nl", "tom@kantoor.nl"]


@pytest.mark.usefixtures("mail_tasks_run_here")
@pytest.mark.parametrize("unreachable", [{"is_active": False}, {"email": ""}])
def test_a_responsible_who_cannot_receive_mail_leaves_it_to_everyone(
    client_a, eva, tom, unreachable, django_capture_on_commit_callbacks
):
    _responsible(client_a.organisation, tom)
    type(tom.user).objects.filter(pk=tom.user_id).update(**unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        _reject(client_a)
    assert _staff_mail() == ["eva@kantoor.nl"]


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_a_clients_comment_reaches_the_responsible_staff_member_alone(
    client_a, eva, tom, django_capture_on_commit_callbacks
):
    _responsible(client_a.organisation, tom)
    message = make_message(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(
            message_id=message.pk, actor=Actor.for_user(client_a.user), text="Een vraag"
        )
    assert _staff_mail() == ["tom@kantoor.nl"]


# --- "Mijn cliënten" --------------------------------------------------------------------------


@pytest.fixture
def offices(environment, client_a, client_b, eva, tom, stranger):
    """Client A is Eva's, client B Tom's, Gamma nobody's; Vreemd is the stranger's, in
    another environment. Each has a message of last year."""
    _responsible(client_a.organisation, eva)
    _responsible(client_b.organisation, tom)
    gamma = factories.OrganisationFactory(environment=environment, name="Gamma B.V.")
    foreign = factories.OrganisationFactory(
        environment=stranger.environment, name="Vreemd B.V.", responsible=stranger
    )
    for client in (client_a, client_b):
        make_message(client)
    for organisation in (gamma, foreign):
        message_in_review(organisation, year=date.today().year - 1)
    return {"a": client_a.organisation, "b": client_b.organisation, "gamma": gamma}


def _message_organisations(browser, **query) -> list[str]:
    response = browser.get(reverse("insite-messages"), query)
    assert response.status_code == 200
    return sorted({m.organisation.name for m in response.context["page"]})


def test_mijn_clienten_on_the_message_list(offices, eva, stranger):
    browser = browser_for(eva.user)
    assert _message_organisations(browser) == sorted(
        [offices["a"].name, offices["b"].name, "Gamma B.V."]
    )
    assert _message_organisations(browser, mine="on") == [offices["a"].name]
    response = browser.get(reverse("insite-messages"), {"mine": "on"})
    assert response.context["form"]["mine"].value() is True
    assert "Wis filters" in response.content.decode()
    # Sorting keeps it (the column headers carry the query string).
    assert "mine=on" in response.context["sort_headers"]["organisation"]["query"]
    # Another office's staff member sees their own client only, never ours.
    assert _message_organisations(browser_for(stranger.user), mine="on") == ["Vreemd B.V."]


def test_mijn_clienten_on_the_organisation_list(offices, eva, tom):
    browser = browser_for(tom.user)
    response = browser.get(reverse("insite-organisations"))
    names = [o.name for o in response.context["page"]]
    assert "Vreemd B.V." not in names and len(names) == 3
    page = response.content.decode()
    assert "Verantwoordelijk medewerker" in page
    assert '<td class="responsible">Eva de Boer</td>' in page
    assert '<td class="responsible">tom</td>' in page
    assert "Wis filters" not in page

    response = browser.get(reverse("insite-organisations"), {"mine": "1"})
    assert [o.name for o in response.context["page"]] == [offices["b"].name]
    assert "Wis filters" in response.content.decode()


def test_mijn_clienten_on_termijnen_and_its_export(offices, eva, stranger):
    browser = browser_for(eva.user)
    query = {"situation": "all", "year": date.today().year - 1}
    every = browser.get(reverse("deadlines:list"), query)
    assert {row.organisation.name for row in every.context["rows"]} == {
        offices["a"].name,
        offices["b"].name,
        "Gamma B.V.",
    }
    # The year alone is no filter to clear; "Alle organisaties" is (the default: at risk).
    plain = browser.get(reverse("deadlines:list"), {"year": query["year"]})
    assert not plain.context["filtered"] and "Wis filters" not in plain.content.decode()
    assert every.context["filtered"]

    mine = browser.get(reverse("deadlines:list"), {**query, "mine": "on"})
    assert [row.organisation.name for row in mine.context["rows"]] == [offices["a"].name]
    page = mine.content.decode()
    assert "mine=on" in page  # the export link keeps it
    assert mine.context["filtered"] and "Wis filters" in page

    export = browser.get(reverse("deadlines:export"), {**query, "mine": "on"})
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == [offices["a"].name]

    foreign = browser_for(stranger.user).get(reverse("deadlines:list"), {**query, "mine": "on"})
    assert [row.organisation.name for row in foreign.context["rows"]] == ["Vreemd B.V."]


# --- the Django admin ----------------------------------------------------------------------


@pytest.fixture
def superuser_browser(settings):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("beheerder", "beheer@kantoor.nl", "x")
    return browser_for(user)


def test_the_admin_offers_and_keeps_the_organisations_own_staff(
    superuser_browser, client_a, eva, stranger, environment
):
    organisation = client_a.organisation
    url = reverse("admin:crm_organisation_change", args=[organisation.pk])
    field = superuser_browser.get(url).context["adminform"].form.fields["responsible"]
    assert set(field.queryset) == {eva}

    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"responsible": stranger.pk}
    )
    assert "responsible" in response.context["adminform"].form.errors
    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"responsible": eva.pk}
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    organisation.refresh_from_db()
    assert organisation.responsible == eva

    # Added: the environment is chosen on the same page, so the model says no.
    add = reverse("admin:crm_organisation_add")
    data = {
        **page_data(superuser_browser.get(add)),
        "name": "Nieuw B.V.",
        "environment": environment.pk,
        "responsible": stranger.pk,
    }
    response = superuser_browser.post(add, data)
    assert ELSEWHERE in field_errors(response)
    assert not Organisation.objects.filter(name="Nieuw B.V.").exists()

    changelist = superuser_browser.get(reverse("admin:crm_organisation_changelist"))
    assert "Verantwoordelijk medewerker" in changelist.content.decode()


def test_moving_a_staff_member_to_another_environment_releases_their_clients(
    superuser_browser, client_a, client_b, eva, tom, stranger
):
    """Eva moves to another firm: client A, hers, names nobody (and every staff member of
    her old firm hears about it again); Tom keeps client B; the move is in its history."""
    _responsible(client_a.organisation, eva)
    _responsible(client_b.organisation, tom)
    response = post_change(
        superuser_browser, "crm_staffmember", eva, {"environment": stranger.environment_id}
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    eva.refresh_from_db()
    assert eva.environment == stranger.environment
    client_a.organisation.refresh_from_db()
    client_b.organisation.refresh_from_db()
    assert client_a.organisation.responsible is None
    assert client_b.organisation.responsible == tom
    entry = LogEntry.objects.get(
        object_id=str(client_a.organisation.pk), content_type__model="organisation"
    )
    assert "verantwoordelijk medewerker" in entry.change_message
    assert "1 organisatie van de vorige accountantsomgeving" in shown_messages(response)

    # Another change of hers (her role) releases nothing and says nothing of it.
    _responsible(client_b.organisation, eva)  # as if a row still named her
    response = post_change(superuser_browser, "crm_staffmember", eva, {"role": "admin"})
    client_b.organisation.refresh_from_db()
    assert client_b.organisation.responsible == eva
    assert "vorige accountantsomgeving" not in shown_messages(response)


def test_a_member_of_another_firm_is_never_shown_as_responsible(
    admin_browser, client_a, eva, stranger
):
    """A row that names a staff member of another environment (moved outside the admin):
    InSite shows nobody responsible, on the organisation's page and in the list."""
    _responsible(client_a.organisation, stranger)
    organisation = client_a.organisation
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    text = page.content.decode()
    assert "Geen: alle medewerkers krijgen de e-mail" in text
    assert "vreemd" not in text
    assert page.context["responsible_form"].initial["responsible"] is None
    listed = admin_browser.get(reverse("insite-organisations")).content.decode()
    assert "vreemd" not in listed and '<td class="responsible">–</td>' in listed


def test_the_deadline_selectors_pass_it_on(environment, eva):
    organisation = create_without_the_form(
        environment, name="Via selectors", kvk_number="55667788", responsible=eva
    )
    assert organisation.responsible == eva
