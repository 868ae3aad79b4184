"""The admin's lists of messages, audit events and comments (workflow/admin.py).

A message carries two documents of up to 10 MB each (the one received and the one in the
workflow); a list of fifty rows read them all, with one more query per row for the
organisation a message names itself by. The lists now read neither document and run the
same queries for one row as for many. The audit trail reads newest first, can be narrowed to
one organisation and names actions and actors in words (as the timeline does:
workflow.selectors.ACTION_LABELS, ACTOR_KIND_LABELS).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.portal.conftest import make_message
from tests.portal.test_admin_guards import superuser_browser  # noqa: F401 - the fixture
from workflow.models import Actor, StatusEvent
from workflow.services import add_comment

pytestmark = pytest.mark.django_db

LISTS = ["workflow_approvalmessage", "workflow_statusevent", "workflow_comment"]
DOCUMENT_COLUMNS = ('."document"', '."received_document"')


def _message_with_a_comment(client):
    message = make_message(client)
    add_comment(message_id=message.pk, actor=Actor.for_user(client.user), text="Klopt dit?")
    return message


def _list_queries(browser, model: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("model", LISTS)
def test_a_list_reads_no_documents_and_no_query_per_row(
    superuser_browser,  # noqa: F811
    client_a,
    client_b,
    model,
):
    _message_with_a_comment(client_a)
    one_row = _list_queries(superuser_browser, model)
    _message_with_a_comment(client_b)
    _message_with_a_comment(client_a)
    many_rows = _list_queries(superuser_browser, model)

    assert len(many_rows) == len(one_row), "\n".join(many_rows)
    read = [column for sql in many_rows for column in DOCUMENT_COLUMNS if column in sql]
    assert read == []


def test_the_audit_trail_reads_newest_first_by_organisation_in_words(
    superuser_browser,  # noqa: F811
    client_a,
    client_b,
):
    make_message(client_a)
    make_message(client_b)
    url = reverse("admin:workflow_statusevent_changelist")

    response = superuser_browser.get(url)
    shown = list(response.context["cl"].result_list)
    newest = StatusEvent.objects.order_by("-created_at", "-pk")
    assert [event.pk for event in shown] == [event.pk for event in newest]

    narrowed = superuser_browser.get(url, {"organisation__id__exact": client_b.organisation.pk})
    rows = list(narrowed.context["cl"].result_list)
    assert rows and {event.organisation_id for event in rows} == {client_b.organisation.pk}
    assert f"?organisation__id__exact={client_b.organisation.pk}" in response.content.decode()

    page = response.content.decode()
    # The action and the actor kind in words, in the rows and in the filter.
    assert '<td class="field-action_label">Bericht ontvangen</td>' in page
    assert '<td class="field-actor_kind_label">administratie van de cliënt</td>' in page
    assert "?action=workflow_started" in page and "Aangeboden in de workflow</a>" in page
    assert '<td class="field-action">received</td>' not in page


def test_the_audit_trails_columns_and_filters_are_named_in_dutch(
    superuser_browser,  # noqa: F811
    client_a,
    client_b,
):
    """The fields had no names of their own: the admin made up "Organisation", "From status",
    "Created at" from the field names, in Dutch pages."""
    response = superuser_browser.get(reverse("admin:workflow_statusevent_changelist"))
    columns = [str(header["text"]) for header in response.context["result_headers"]]
    filters = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert [column.lower() for column in columns] == [
        "volgnummer",
        "organisatie",
        "bericht",
        "actie",
        "van status",
        "naar status",
        "soort uitvoerder",
        "uitvoerder",
        "aangemaakt op",
    ]
    assert filters == ["actie", "soort uitvoerder", "naar status", "organisatie"]
