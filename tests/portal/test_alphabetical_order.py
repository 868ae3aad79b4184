"""InSite's lists of clients are in the order people read names (kvk.search.alphabetical):
accents and case do not count. In the filing season an assistant scans hundreds of clients
by name; the lists ordered by the database's bytes, so "de Graaf B.V." came after "Vos
B.V." and "Élan B.V." after "Zuivel B.V." (SQLite, and PostgreSQL with the C collation):
the organisation list, the message list sorted on "Organisatie", "Termijnen" and the bulk
action's confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Organisation
from tests.conftest import _client
from tests.deadlines.conftest import onboarded
from tests.portal.conftest import make_message

pytestmark = pytest.mark.django_db

#: As people read them; the bytes order them Anker, Vos, Zuivel, de Graaf, Élan.
READ = ["Anker B.V.", "de Graaf B.V.", "Élan B.V.", "Vos B.V.", "Zuivel B.V."]


@pytest.fixture
def clients(environment, connector, message_type):
    """A client per name of READ, added in the bytes' order, each with a message."""
    made = {}
    for number, name in enumerate(sorted(READ), start=1):
        client = _client(environment, connector, f"{40000000 + number:08d}")
        Organisation.objects.filter(pk=client.organisation.pk).update(name=name)
        client.organisation.refresh_from_db()
        onboarded(client.organisation)  # "Termijnen" lists the year
        made[name] = (client, make_message(client))
    return made


def _names(rows) -> list[str]:
    return [row.organisation.name for row in rows]


def test_the_organisation_list_reads_alphabetically(staff_browser, clients):
    response = staff_browser.get(reverse("insite-organisations"))
    assert [organisation.name for organisation in response.context["page"]] == READ


def test_the_message_list_sorted_on_the_organisation_reads_alphabetically(staff_browser, clients):
    for sort, order in (("organisation", READ), ("-organisation", READ[::-1])):
        response = staff_browser.get(reverse("insite-messages"), {"sort": sort})
        assert _names(response.context["page"]) == order, sort


def test_termijnen_reads_alphabetically_between_equal_days(staff_browser, clients):
    response = staff_browser.get(reverse("deadlines:list"), {"situation": "all"})
    assert _names(response.context["rows"]) == READ


def test_the_bulk_confirmation_reads_alphabetically(staff_browser, clients):
    ids = [message.pk for _client_, message in clients.values()]
    response = staff_browser.post(reverse("insite-bulk-attention"), {"ids": ids})
    # None asks attention yet (each waits for its client): all are listed with the reason.
    assert not response.context["able"]
    assert _names(message for message, _reason in response.context["refused"]) == READ
