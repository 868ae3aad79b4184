"""The Django admin keeps the rules InSite keeps (crm.services), instead of undoing them.

An administrator walked the admin (/admin/) and found it changed what InSite protects: a
corrected e-mail address left the client's login on the old one, a client's login could
become staff, identification numbers went in unchecked (or as an error page), an
organisation could move to another firm, and portal access could be ticked without a login
or invitation. Every test goes through the admin's own pages as a superuser, with the
fields the page itself offers (``page_data``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from connectors.models import MessageType
from crm.models import Contact, Identification, Organisation, StaffMember
from tests import factories, nt19
from tests.factories import PASSWORD
from tests.portal.conftest import browser_for
from workflow.models import WorkflowDefinition

pytestmark = pytest.mark.django_db

LOGIN_TAKEN = "Dit e-mailadres is al de login van een andere portalgebruiker of medewerker."


@pytest.fixture
def superuser_browser(settings) -> BrowserClient:
    settings.OTP_REQUIRED_FOR_STAFF = False  # about the admin's rules, not the second factor
    user = get_user_model().objects.create_superuser("beheerder", "beheer@kantoor.nl", "x")
    return browser_for(user)


def _value(bound: Any) -> Any:
    value = bound.value()
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value


def page_data(response) -> dict[str, Any]:
    """What the admin's add or change page posts back unchanged: its form, the management
    forms and every row of its inlines, as the page shows them."""
    assert response.status_code == 200
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {
        bound.html_name: _value(bound)
        for form in forms
        for bound in form
        if _value(bound) not in (None, "")
    }
    return {**data, "_save": "1"}


def post_change(browser, model: str, obj, changes: dict[str, Any]):
    url = reverse(f"admin:{model}_change", args=[obj.pk])
    data = {**page_data(browser.get(url)), **changes}
    return browser.post(url, {k: v for k, v in data.items() if v is not None}, follow=True)


def field_errors(response) -> str:
    """The errors the page shows (form, inline rows and their formsets), as one text."""
    context = response.context
    texts = [str(context["adminform"].form.errors)]
    for inline in context["inline_admin_formsets"]:
        texts += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return " ".join(texts)


def shown_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- 1. a corrected e-mail address is the login's too ------------------------------------------


@pytest.fixture
def jan(client_a) -> Contact:
    """Client A's contact Jan; his login is his address, as InSite makes it (lowercase)."""
    contact = client_a.user.client_contacts.get()
    contact.email = "jan@example.nl"
    contact.save()
    user = contact.user
    user.username = user.email = "jan@example.nl"
    user.save()
    return contact


def _logs_in(username: str) -> bool:
    browser = BrowserClient()
    browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    return SESSION_KEY in browser.session


def test_a_corrected_address_is_the_login_and_gets_the_password_reset(superuser_browser, jan):
    response = post_change(
        superuser_browser, "crm_contact", jan, {"email": "Jan.de.Vries@Example.nl"}
    )
    assert response.status_code == 200 and "errornote" not in response.content.decode()

    jan.refresh_from_db()
    assert jan.email == "Jan.de.Vries@Example.nl"
    assert jan.user.username == "jan.de.vries@example.nl"  # logins are lowercase (crm.logins)
    assert _logs_in("Jan.de.Vries@Example.nl") and not _logs_in("jan@example.nl")
    # "Wachtwoord vergeten" with the new address mails the new address.
    BrowserClient().post(reverse("password_reset"), {"email": "jan.de.vries@example.nl"})
    assert [message.to for message in mail.outbox] == [["Jan.de.Vries@Example.nl"]]


def test_one_person_with_one_login_gets_the_new_address_at_every_organisation(
    superuser_browser, jan, client_b
):
    """One person, one login (crm.services.portal_login): Jan is also client B's contact
    with the same login. His address is his, not one organisation's: corrected under client
    A's organisation (the contact inline), it is his address at B as well, and the page
    says so."""
    at_b = factories.ContactFactory(
        organisation=client_b.organisation, user=jan.user, email="jan@example.nl", name="J."
    )
    organisation = jan.organisation
    index = list(organisation.contacts.order_by("pk")).index(jan)
    response = post_change(
        superuser_browser,
        "crm_organisation",
        organisation,
        {f"contacts-{index}-email": "jan@nieuw.nl"},
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    jan.refresh_from_db()
    at_b.refresh_from_db()
    assert (jan.email, at_b.email, jan.user.username) == ("jan@nieuw.nl",) * 3
    assert (
        "Het e-mailadres is ook gewijzigd bij dezelfde persoon als contactpersoon van "
        f"{client_b.organisation.name}" in shown_messages(response)
    )


def test_another_persons_login_is_refused_and_nothing_changes(superuser_browser, jan, client_b):
    client_b.user.username = "piet@example.nl"
    client_b.user.save()
    # In any capitals it is the one address (crm.logins).
    response = post_change(superuser_browser, "crm_contact", jan, {"email": "Piet@Example.nl"})
    assert LOGIN_TAKEN in field_errors(response)
    jan.refresh_from_db()
    assert (jan.email, jan.user.username) == ("jan@example.nl", "jan@example.nl")


def test_another_logins_e_mail_address_is_refused_and_gets_no_reset_for_jans_login(
    superuser_browser, jan
):
    """The administrator's own address ("beheerder" logs in with another username):
    "Wachtwoord vergeten" finds logins by e-mail address, so its owner would also get a
    link to choose the password of Jan's login."""
    response = post_change(superuser_browser, "crm_contact", jan, {"email": "Beheer@Kantoor.nl"})
    assert LOGIN_TAKEN in field_errors(response)
    jan.refresh_from_db()
    assert (jan.email, jan.user.email) == ("jan@example.nl", "jan@example.nl")
    BrowserClient().post(reverse("password_reset"), {"email": "beheer@kantoor.nl"})
    assert [message.to for message in mail.outbox] == [["beheer@kantoor.nl"]]
    assert "jan@example.nl" not in mail.outbox[0].body


def test_a_contact_with_a_login_keeps_an_address(superuser_browser, jan):
    response = post_change(superuser_browser, "crm_contact", jan, {"email": None})
    assert "logt in met dit e-mailadres; laat het daarom niet leeg" in field_errors(response)
    jan.refresh_from_db()
    assert jan.email == "jan@example.nl"


def test_a_staff_login_is_not_changed_from_a_contact(superuser_browser, jan):
    """Old data: a contact on a login that is staff (crm.models.is_staff_login)."""
    get_user_model().objects.filter(pk=jan.user_id).update(is_staff=True)
    response = post_change(superuser_browser, "crm_contact", jan, {"email": "x@example.nl"})
    assert "logt in met de login van een medewerker of beheerder" in field_errors(response)
    jan.user.refresh_from_db()
    assert jan.user.username == "jan@example.nl"


# --- 2. a client's login does not become staff, nor a staff login a client's -----------------


def test_a_clients_login_cannot_be_made_a_staff_member(superuser_browser, environment, client_a):
    url = reverse("admin:crm_staffmember_add")
    data = {"user": client_a.user.pk, "environment": environment.pk, "role": "admin"}
    response = superuser_browser.post(url, {**data, "language": "nl", "_save": "1"})
    assert response.status_code == 200
    assert "Deze login is van een contactpersoon van een cliënt" in field_errors(response)
    assert not StaffMember.objects.filter(user=client_a.user).exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_staff_or_superuser_login_cannot_be_a_contact(superuser_browser, jan, flag):
    """Contact.clean checked StaffMember only; InSite (portal_login) refuses these too."""
    user = factories.UserFactory(**{flag: True})
    response = post_change(superuser_browser, "crm_contact", jan, {"user": user.pk})
    assert "Deze login hoort bij een medewerker" in field_errors(response)
    jan.refresh_from_db()
    assert jan.user.username == "jan@example.nl"


# --- 3 and 4. identification numbers as InSite checks them --------------------------------------


def _kvk_row(organisation: Organisation) -> str:
    index = list(organisation.identifications.order_by("pk")).index(
        organisation.identifications.get(kind="kvk")
    )
    return f"identifications-{index}-value"


def post_new_organisation(browser, environment, name: str, *kvk_numbers: str):
    """The admin's "organisatie toevoegen" with ``name`` and one KvK row per number."""
    url = reverse("admin:crm_organisation_add")
    rows: dict[str, Any] = {"identifications-TOTAL_FORMS": str(len(kvk_numbers))}
    for index, number in enumerate(kvk_numbers):
        rows[f"identifications-{index}-kind"] = "kvk"
        rows[f"identifications-{index}-value"] = number
    data = {**page_data(browser.get(url)), "name": name, "environment": environment.pk, **rows}
    return browser.post(url, data)


def test_a_new_organisation_with_another_ones_kvk_number_is_refused_without_an_error_page(
    superuser_browser, environment, client_b
):
    response = post_new_organisation(
        superuser_browser, environment, "Dubbel B.V.", client_b.kvk_number
    )
    assert response.status_code == 200
    assert "KvK-nummer 87654321 is al in gebruik bij een andere organisatie." in field_errors(
        response
    )
    assert not Organisation.objects.filter(name="Dubbel B.V.").exists()


def test_changing_the_kvk_number_to_another_organisations_is_refused(
    superuser_browser, client_a, client_b
):
    organisation = client_a.organisation
    response = post_change(
        superuser_browser,
        "crm_organisation",
        organisation,
        {_kvk_row(organisation): client_b.kvk_number},
    )
    assert response.status_code == 200
    assert "KvK-nummer 87654321 is al in gebruik" in field_errors(response)
    assert organisation.kvk_number == client_a.kvk_number


@pytest.mark.parametrize(
    ("kind", "typed", "error"),
    [
        ("rsin", "abc", "Een RSIN bestaat uit precies negen cijfers."),
        ("kvk", "1234567", "Een KvK-nummer bestaat uit precies acht cijfers."),
    ],
)
def test_a_number_in_the_wrong_format_is_refused_in_words(
    superuser_browser, client_a, kind, typed, error
):
    """The formats of crm.models (KvK: eight digits, KVK-SBR.md section 3; RSIN: nine),
    said as InSite says them, not as the database constraint's name."""
    organisation = client_a.organisation
    changes = (
        {_kvk_row(organisation): typed}
        if kind == "kvk"
        else {
            "identifications-TOTAL_FORMS": "2",
            "identifications-1-kind": "rsin",
            "identifications-1-value": typed,
        }
    )
    response = post_change(superuser_browser, "crm_organisation", organisation, changes)
    errors = field_errors(response)
    assert error in errors
    assert "identification_kvk_eight_digits" not in response.content.decode()
    assert not organisation.identifications.filter(value=typed).exists()


def test_a_kvk_number_the_kvk_refuses_is_refused_as_insite_refuses_it(
    superuser_browser, environment, client_a
):
    """NT19's nl-types:chamberOfCommerceRegistrationNumberItemType (tests/nt19.py): eight
    digits beginning with 00 are refused in a filing. The admin refuses such a number typed
    in an organisation's KvK row, changed or new, in InSite's words."""
    number = nt19.kvk_number_the_kvk_refuses()
    organisation = client_a.organisation
    changed = post_change(
        superuser_browser, "crm_organisation", organisation, {_kvk_row(organisation): number}
    )
    assert nt19.KVK_NUMBER_REFUSED in field_errors(changed)
    assert organisation.kvk_number == client_a.kvk_number

    new = post_new_organisation(superuser_browser, environment, "Nul Nul B.V.", number)
    assert new.status_code == 200
    assert nt19.KVK_NUMBER_REFUSED in field_errors(new)
    assert not Organisation.objects.filter(name="Nul Nul B.V.").exists()


def test_a_stored_kvk_number_the_kvk_refuses_does_not_block_another_change(
    superuser_browser, client_a
):
    """A number stored before the check (data is not changed) stays while the organisation
    is renamed: only a number typed is refused."""
    number = nt19.kvk_number_the_kvk_refuses()
    organisation = client_a.organisation
    Identification.objects.filter(organisation=organisation, kind="kvk").update(value=number)
    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"name": "Hernoemd B.V."}
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.kvk_number) == ("Hernoemd B.V.", number)


def test_a_number_typed_with_spaces_is_stored_without_them(superuser_browser, client_a):
    organisation = client_a.organisation
    response = post_change(
        superuser_browser, "crm_organisation", organisation, {_kvk_row(organisation): "1122 3344"}
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    assert Identification.objects.get(organisation=organisation, kind="kvk").value == "11223344"


# --- 5. an organisation, a workflow, a connector stay in their accountancy environment --------


def assert_fixed_after_creation(browser, model: str, obj, field: str, moved_to) -> None:
    """``field`` of ``obj`` is shown read-only on its change page; a post that moves it to
    ``moved_to`` saves the page and leaves it; the add page offers it (chosen when added)."""
    before = getattr(obj, field)
    page = browser.get(reverse(f"admin:{model}_change", args=[obj.pk]))
    assert field not in page.context["adminform"].form.fields
    assert str(before) in page.content.decode()  # shown, read-only

    response = post_change(browser, model, obj, {field: moved_to.pk})
    assert "errornote" not in response.content.decode(), field_errors(response)
    obj.refresh_from_db()
    assert getattr(obj, f"{field}_id") == before.pk
    add = browser.get(reverse(f"admin:{model}_add"))
    assert field in add.context["adminform"].form.fields


@pytest.mark.parametrize(
    ("model", "row"),
    [
        ("crm_organisation", lambda client: client.organisation),
        ("workflow_workflowdefinition", lambda client: factories.make_workflow(client.env)),
        ("connectors_appconnector", lambda client: factories.make_connector(client.env)),
        ("connectors_messagetype", lambda client: MessageType.objects.get(environment=client.env)),
    ],
)
def test_the_environment_is_fixed_after_creation(superuser_browser, client_a, model, row):
    """Moving a row to another firm's environment took its messages and contacts into
    that firm's InSite and left its identification numbers behind."""
    client_a.env = client_a.organisation.environment
    obj = row(client_a)
    assert obj.environment == client_a.env
    other = factories.EnvironmentFactory()

    assert_fixed_after_creation(superuser_browser, model, obj, "environment", other)

    if model == "crm_organisation":
        assert {i.environment_id for i in obj.identifications.all()} == {client_a.env.pk}


def test_a_contacts_organisation_is_fixed_after_creation(superuser_browser, jan):
    """Walking the admin: a contact with a client login moved to an organisation of another
    firm took its login across firms, and the organisation it left still named it as
    approver or adopter. Chosen when added, read-only after, as the environment above."""
    organisation = jan.organisation
    organisation.approver_rule = "named"
    organisation.save()
    organisation.approvers.set([jan])
    other = factories.OrganisationFactory()  # of another accountancy environment

    assert_fixed_after_creation(superuser_browser, "crm_contact", jan, "organisation", other)

    assert list(organisation.approvers.all()) == [jan]
    assert not other.contacts.exists()


def test_a_contact_given_a_login_its_organisation_has_is_refused_in_words(superuser_browser, jan):
    """Read-only, the organisation is not in the form, and Django skipped the constraint of
    one contact per login and organisation: the database refused the save with a server
    error (kvk.admin_mixins)."""
    piet = factories.ContactFactory(
        organisation=jan.organisation, name="Piet", user=None, email="piet@example.nl"
    )

    response = post_change(superuser_browser, "crm_contact", piet, {"user": jan.user_id})

    assert "Contactpersoon met deze Gebruiker en Organisatie bestaat al." in field_errors(response)
    piet.refresh_from_db()
    assert piet.user is None


# --- 7. portal access is granted in InSite, which gives the login and the invitation -----------


def test_portal_access_cannot_be_ticked_in_the_admin(superuser_browser, client_a):
    url = reverse("admin:crm_contact_add")
    page = superuser_browser.get(url)
    assert "portal_access" not in page.context["adminform"].form.fields
    data = {
        "organisation": client_a.organisation.pk,
        "name": "Eva Zonder",
        "email": "",
        "language": "nl",
        "portal_access": "on",
        "_save": "1",
    }
    response = superuser_browser.post(url, data, follow=True)
    assert "errornote" not in response.content.decode()
    eva = Contact.objects.get(name="Eva Zonder")
    assert not eva.portal_access and eva.user is None
    # Nor in the organisation's contact rows.
    organisation_page = superuser_browser.get(
        reverse("admin:crm_organisation_change", args=[client_a.organisation.pk])
    )
    contacts = next(
        inline.formset
        for inline in organisation_page.context["inline_admin_formsets"]
        if inline.formset.model is Contact
    )
    assert "portal_access" not in contacts.forms[0].fields


# --- 5. Django's own login page keeps the client's login a client's -----------------------------


def post_login_change(browser, user, changes: dict[str, Any]):
    """``post_change`` on the admin's login page, whose "datum toegetreden" is a split
    date and time field (two inputs that ``page_data`` does not read)."""
    joined = timezone.localtime(user.date_joined)
    split = {
        "date_joined": None,
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.time().strftime("%H:%M:%S"),
    }
    return post_change(browser, "auth_user", user, {**split, **changes})


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_clients_login_cannot_be_ticked_staff_or_superuser(superuser_browser, jan, flag):
    """The admin's "Gebruikers" page offered the boxes; ticked, the client reached the admin
    and crm.models.is_staff_login then kept him out of the client portal."""
    response = post_login_change(superuser_browser, jan.user, {flag: "on"})

    assert "Deze login is van een contactpersoon van een cliënt" in field_errors(response)
    jan.user.refresh_from_db()
    assert not (jan.user.is_staff or jan.user.is_superuser)
    assert _logs_in("jan@example.nl") is True


@pytest.mark.parametrize(
    ("field", "value"), [("username", "iemand@example.nl"), ("email", "iemand@example.nl")]
)
def test_a_clients_login_changes_its_address_at_the_contact_only(
    superuser_browser, jan, field, value
):
    response = post_login_change(superuser_browser, jan.user, {field: value})

    assert "wijzig het e-mailadres bij de contactpersoon" in field_errors(response)
    jan.user.refresh_from_db()
    assert (jan.user.username, jan.user.email) == ("jan@example.nl", "jan@example.nl")


def test_a_login_of_no_contact_is_changed_as_before(superuser_browser):
    user = factories.UserFactory(username="nieuw@kantoor.nl")

    response = post_login_change(
        superuser_browser, user, {"is_staff": "on", "email": "n@kantoor.nl"}
    )

    assert "errornote" not in response.content.decode()
    user.refresh_from_db()
    assert user.is_staff and user.email == "n@kantoor.nl"


def test_a_staff_login_does_not_get_a_clients_address(superuser_browser, jan, staff):
    """Walking the admin: a staff login's address set to a client's (a typo, a copy) made
    "Wachtwoord vergeten" with the client's address mail the client a link to the staff
    login too. InSite refuses the other way round (LOGIN_TAKEN)."""
    response = post_login_change(superuser_browser, staff, {"email": "JAN@Example.nl"})

    assert "Dit e-mailadres is van een contactpersoon van een cliënt" in field_errors(response)
    staff.refresh_from_db()
    assert staff.email.lower() != "jan@example.nl"
    BrowserClient().post(reverse("password_reset"), {"email": "jan@example.nl"})
    assert len(mail.outbox) == 1 and "jan@example.nl" in mail.outbox[0].body


# --- 6. who approves and who adopts, as InSite's "Goedkeuring" keeps it -------------------------


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"approver_rule": "named", "approvers": None}, "Kies wie moeten goedkeuren."),
        ({"adopter_rule": "named", "adopter": None}, "Kies wie de vaststelling vastlegt."),
    ],
)
def test_a_named_rule_without_names_is_refused(superuser_browser, jan, changes, error):
    """Saved empty, nobody could approve (or adopt) the organisation's messages: OutSite
    then says "Niemand kan dit bericht goedkeuren"."""
    organisation = jan.organisation

    response = post_change(superuser_browser, "crm_organisation", organisation, changes)

    assert error in field_errors(response)
    organisation.refresh_from_db()
    assert (organisation.approver_rule, organisation.adopter_rule) == ("", "")


def test_a_named_rule_with_its_names_is_saved(superuser_browser, jan):
    organisation = jan.organisation
    changes = {
        "approver_rule": "named",
        "approvers": [str(jan.pk)],
        "adopter_rule": "named",
        "adopter": jan.pk,
    }

    response = post_change(superuser_browser, "crm_organisation", organisation, changes)

    assert "errornote" not in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.approver_rule == organisation.adopter_rule == "named"
    assert list(organisation.approvers.all()) == [jan] and organisation.adopter == jan


def test_two_numbers_of_one_kind_are_refused_in_words(superuser_browser, environment):
    """Django named the field by its code: "Corrigeer de dubbele gegevens voor kind"."""
    response = post_new_organisation(
        superuser_browser, environment, "Twee Nummers B.V.", "11112222", "11113333"
    )

    errors = field_errors(response)
    assert "Corrigeer de dubbele gegevens voor soort." in errors and "kind" not in errors
    assert not Organisation.objects.filter(name="Twee Nummers B.V.").exists()


def test_an_organisation_whose_named_approvers_were_deleted_can_still_be_renamed(
    superuser_browser, jan
):
    """The admin's page holds the whole organisation: an administrator renames it although
    its named approvers are gone (deleted meanwhile); changing a rule is checked again."""
    organisation = jan.organisation
    organisation.approver_rule = "named"
    organisation.save()
    organisation.approvers.clear()  # the named contacts were deleted

    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"name": "Nieuwe Naam B.V."}
    )

    assert "errornote" not in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Nieuwe Naam B.V."
    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"adopter_rule": "named"}
    )
    assert "Kies wie moeten goedkeuren." in field_errors(response)


def test_the_workflows_named_adopter_holds_in_the_admin_as_in_insite(superuser_browser, jan):
    """The workflow says one named contact records the adoption; an organisation that keeps
    the workflow's rule without naming anyone is refused in the admin as on InSite's
    "Goedkeuring" (the admin counted "whoever approves" as the workflow's rule)."""
    organisation = jan.organisation
    message_type = MessageType.objects.get(environment=organisation.environment)
    WorkflowDefinition.objects.filter(pk=message_type.workflow_id).update(adopter_rule="named")

    response = post_change(
        superuser_browser, "crm_organisation", organisation, {"approver_rule": "directors"}
    )

    assert "Kies wie de vaststelling vastlegt." in field_errors(response)
    organisation.refresh_from_db()
    assert organisation.approver_rule == ""


def test_only_contacts_who_can_log_in_are_offered_as_approver_or_adopter(superuser_browser, jan):
    """As on InSite's "Goedkeuring": a contact without access to OutSite could never approve
    or record the adoption; one named before losing the access stays on offer, so a rename
    still saves."""
    organisation = jan.organisation
    no_login = Contact.objects.create(organisation=organisation, name="Zonder Toegang")
    url = reverse("admin:crm_organisation_change", args=[organisation.pk])

    def offered(name: str) -> set:
        form = superuser_browser.get(url).context["adminform"].form
        return set(form.fields[name].queryset)

    assert offered("approvers") == offered("adopter") == {jan}
    organisation.approver_rule = "named"
    organisation.save()
    organisation.approvers.set([jan])
    Contact.objects.filter(pk=jan.pk).update(portal_access=False)

    assert offered("approvers") == {jan} and no_login not in offered("adopter")
    response = post_change(superuser_browser, "crm_organisation", organisation, {"name": "Anders"})
    assert "errornote" not in response.content.decode(), field_errors(response)


def test_the_admin_never_shows_a_staff_members_second_factor_secret(superuser_browser, staff):
    """The second factor is linked only through a one-time link mailed to the staff member
    (portal.otp_enrolment). django-otp's admin shows every device's secret key, with its
    QR code, unless OTP_ADMIN_HIDE_SENSITIVE_DATA: whoever reached the admin (another
    administrator, a stolen admin session) could copy the authenticator of any staff
    member and so pass the second factor as them. The admin lists the devices without
    their secret."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="telefoon", confirmed=True)
    secrets = (device.key, base64.b32encode(device.bin_key).decode())
    listing = superuser_browser.get(reverse("admin:otp_totp_totpdevice_changelist"))
    change = superuser_browser.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert listing.status_code == 200 and change.status_code == 200
    for page in (listing, change):
        body = page.content.decode()
        assert not any(secret in body for secret in secrets)
        assert reverse("admin:otp_totp_totpdevice_config", args=[device.pk]) not in body
    for name in ("config", "qrcode"):
        url = reverse(f"admin:otp_totp_totpdevice_{name}", args=[device.pk])
        assert superuser_browser.get(url).status_code == 403
