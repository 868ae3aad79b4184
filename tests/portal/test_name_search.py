"""Every search box of InSite finds a client by its name the way staff type it (kvk.search):
"cafe" finds "Café De Hoek B.V.", "jansen bv" finds "Jansen B.V.", and a KvK number typed
with a space is still found. The organisation list, the message list (the search and
"Organisatie"), "Termijnen" and its CSV export, "Activiteit" and its CSV export, the
connector's tokens and the admin's lists all search alike.

The rules (kvk.search.search_key): accents dropped (NFKD), case folded, an abbreviation
written with dots is the abbreviation without them ("B.V." = "BV", "V.O.F." = "VOF"),
hyphens and other punctuation separate words as a space does, runs of spaces are one.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectors import services as connector_services
from crm.models import Contact, Organisation
from tests import factories
from tests.deadlines.conftest import onboarded
from tests.portal.conftest import browser_for, make_message
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

CAFE = "Café De Hoek B.V."
JANSEN = "Jansen-Smit V.O.F."


def _spaced(kvk_number: str) -> str:
    return f"{kvk_number[:4]} {kvk_number[4:]}"


#: (what staff type, whose organisation it finds: "a" Café De Hoek B.V., "b" Jansen-Smit
#: V.O.F., "" neither, the rule it shows). ``{kvk_a}`` is client a's KvK number with a space.
SEARCHES = [
    ("cafe", "a", "accents dropped"),
    ("CAFÉ de  HOEK", "a", "case folded, a run of spaces is one"),
    ("de hoek bv", "a", "B.V. written without dots"),
    ("hoek b.v", "a", "B.V. written with dots, the last one left off"),
    ("jansen smit", "b", "a hyphen separates words as a space does"),
    ("smit vof", "b", "V.O.F. written without dots"),
    ("v.o.f.", "b", "V.O.F. written with dots"),
    ("n.v.", "", "another legal form finds neither"),
    ("{kvk_a}", "a", "a KvK number typed with a space"),
]


@pytest.fixture
def named(client_a, client_b):
    """client_a's organisation is Café De Hoek B.V., client_b's Jansen-Smit V.O.F.; each has
    a message under review (whose events "Activiteit" lists)."""
    for client, name in ((client_a, CAFE), (client_b, JANSEN)):
        client.organisation.name = name
        client.organisation.save()
        make_message(client)
    onboarded(client_a.organisation, client_b.organisation)  # "Termijnen" lists their year
    return {"a": client_a.organisation, "b": client_b.organisation, "": None}


def _cases(named, client_a):
    for text, whose, rule in SEARCHES:
        wanted = [named[whose].name] if whose else []
        yield text.format(kvk_a=_spaced(client_a.kvk_number)), wanted, rule


def _csv_names(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    _header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    return [row[3 if "activiteit" in response["Content-Disposition"] else 0] for row in rows]


def _organisation_list(browser, text):
    response = browser.get(reverse("insite-organisations"), {"q": text})
    return [organisation.name for organisation in response.context["page"]]


def _messages(browser, text, field="q"):
    response = browser.get(reverse("insite-messages"), {field: text})
    return sorted({message.organisation.name for message in response.context["page"]})


def _deadlines(browser, text):
    response = browser.get(reverse("deadlines:list"), {"q": text, "situation": "all"})
    return [row.organisation.name for row in response.context["rows"]]


def _deadlines_export(browser, text):
    response = browser.get(reverse("deadlines:export"), {"q": text, "situation": "all"})
    return _csv_names(response)


def _activity(browser, text):
    response = browser.get(reverse("insite-activity"), {"organisation": text})
    return sorted({row.event.organisation.name for row in response.context["rows"]})


def _activity_export(browser, text):
    response = browser.get(reverse("insite-activity-export"), {"organisation": text})
    return sorted(set(_csv_names(response)))


BOXES = {
    "organisation list": _organisation_list,
    "message list, search": _messages,
    "message list, Organisatie": lambda browser, text: _messages(browser, text, "organisation_q"),
    "Termijnen": _deadlines,
    "Termijnen CSV": _deadlines_export,
    "Activiteit": _activity,
    "Activiteit CSV": _activity_export,
}


@pytest.mark.parametrize("box", BOXES)
def test_each_search_box_finds_the_name_as_staff_type_it(staff_browser, named, client_a, box):
    for text, wanted, rule in _cases(named, client_a):
        assert BOXES[box](staff_browser, text) == wanted, f"{box}: {text!r} ({rule})"


def test_the_connectors_tokens_are_found_alike(admin_browser, named, client_a, connector):
    for organisation in (named["a"], named["b"]):
        connector_services.issue_token(organisation=organisation, connector=connector)
    url = reverse("insite-connector", args=[connector.pk])
    for text, wanted, rule in _cases(named, client_a):
        response = admin_browser.get(url, {"q": text})
        found = sorted({token.organisation.name for token in response.context["tokens"]})
        assert found == wanted, f"{text!r} ({rule})"


def test_a_nul_character_in_the_address_is_left_out(staff_browser, admin_browser, named, connector):
    """A search's address with a NUL character ("%00": pasted, or a scanner's) searches
    the rest. PostgreSQL refuses a NUL in a query: the organisation list and the
    connector's tokens, which read the address without a form, answered a server error."""
    assert _organisation_list(staff_browser, "ca\x00fe") == [CAFE]
    for organisation in (named["a"], named["b"]):
        connector_services.issue_token(organisation=organisation, connector=connector)
    url = reverse("insite-connector", args=[connector.pk])
    response = admin_browser.get(url, {"q": "ca\x00fe"})
    assert {token.organisation.name for token in response.context["tokens"]} == {CAFE}


def test_the_search_finds_a_contact_by_a_name_without_its_accents(staff_browser, named, client_a):
    """A client on the phone gives their own name; staff type it without the accent."""
    Contact.objects.filter(organisation=named["a"]).update(name="José Müller")
    assert _messages(staff_browser, "jose muller") == [CAFE]
    assert _messages(staff_browser, "jose muller", "organisation_q") == []


def test_the_admin_lists_find_the_names_alike(named, client_a):
    admin = browser_for(factories.UserFactory(is_staff=True, is_superuser=True))

    def found(model: str, text: str, app: str = "crm") -> int:
        response = admin.get(reverse(f"admin:{app}_{model}_changelist"), {"q": text})
        assert response.status_code == 200
        return response.context["cl"].result_count

    assert found("organisation", "cafe de hoek bv") == 1
    assert found("organisation", "smit vof") == 1
    assert found("contact", "cafe") == Contact.objects.filter(organisation=named["a"]).count()
    assert found("approvalmessage", "hoek b.v", "workflow") == 1
    assert found("organisation", "n.v.") == 0


def _queries(browser, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("insite-messages"), params)
    assert response.status_code == 200 and len(response.context["page"]) == 1
    return len(queries)


def test_the_message_list_searches_in_the_same_queries_however_many_messages(
    staff_browser, named, client_a, client_b
):
    """The key is a column: the database compares it, no row is read to compare it in
    Python and no query is made per row. The same queries as a search that finds the name
    as it is written, for one message or many."""
    plain = _queries(staff_browser, q="De Hoek")
    assert _queries(staff_browser, q="cafe de hoek bv") == plain
    for _ in range(4):
        make_message(client_b)
    assert ApprovalMessage.objects.count() == 6
    assert _queries(staff_browser, q="cafe de hoek bv") == plain
    assert _queries(staff_browser, organisation_q="cafe de hoek bv") == plain
    # Pinned as the unfiltered list is (test_insite.test_list_query_count_does_not_grow).
    assert plain <= 16


# --- the key stays with the name, wherever the name changes --------------------------------


def _keys(*organisations: Organisation) -> list[tuple[str, str]]:
    return list(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .order_by("pk")
        .values_list("name", "search_name")
    )


def test_every_way_a_name_is_written_keeps_its_key(environment):
    one, two = (factories.OrganisationFactory(environment=environment) for _ in range(2))
    one.name = "Bakkerij Ümit B.V."
    one.save(update_fields=["name"])
    assert _keys(one) == [("Bakkerij Ümit B.V.", "bakkerij umit bv")]

    Organisation.objects.filter(pk=two.pk).update(name="Garage Östra N.V.")
    assert _keys(two) == [("Garage Östra N.V.", "garage ostra nv")]

    one.name, two.name = "'t Hoekje", "Smit & Zn."
    Organisation.objects.bulk_update([one, two], ["name"])
    assert _keys(one, two) == [("'t Hoekje", "t hoekje"), ("Smit & Zn.", "smit zn")]

    [made] = Organisation.objects.bulk_create(
        [Organisation(environment=environment, name="Crème B.V.")]
    )
    assert _keys(made) == [("Crème B.V.", "creme bv")]
    contact = Contact.objects.create(organisation=made, name="Zoë Dijkstra")
    assert Contact.objects.get(pk=contact.pk).search_name == "zoe dijkstra"


def test_an_update_that_computes_the_name_is_refused(environment):
    """The key of a name the database computes cannot be known: save such rows one by one."""
    factories.OrganisationFactory(environment=environment)
    with pytest.raises(TypeError, match="search_name"):
        Organisation.objects.update(name=Upper("name"))


def test_a_name_changed_in_the_admin_is_found_by_its_new_key(environment):
    organisation = factories.OrganisationFactory(environment=environment, name="Oud B.V.")
    admin = browser_for(factories.UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:crm_organisation_change", args=[organisation.pk])
    form = admin.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data |= {
        "name": "Nieuw Café B.V.",
        "environment": environment.pk,
        "identifications-TOTAL_FORMS": "0",
        "identifications-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _keys(organisation) == [("Nieuw Café B.V.", "nieuw cafe bv")]
