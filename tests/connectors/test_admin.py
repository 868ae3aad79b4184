"""The connectors' admin: message types, app connectors and tokens as the rest of the
product has them.

Walking the admin: a message type's code was free text, so a type could be made with a code
the uploads, the processing and InSite never use (connectors.models.MESSAGE_TYPE_CODES), and
the token revoke action said "1 token(s) ingetrokken". An app connector with tokens is not
deleted, as that would delete its tokens with it.
"""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from connectors import services
from connectors.models import MESSAGE_TYPE_CODES, AppConnector, ClientToken, MessageType
from tests import factories
from tests.portal.test_admin_guards import (  # noqa: F401 - the fixture
    field_errors,
    page_data,
    post_change,
    shown_messages,
    superuser_browser,
)

pytestmark = pytest.mark.django_db

UNKNOWN_CODE = "Onbekende code 'kvk-groot': het portal verwerkt alleen berichtsoorten"


def _add_message_type(browser, environment, code: str):
    url = reverse("admin:connectors_messagetype_add")
    page = browser.get(url)
    choices = [value for value, _label in page.context["adminform"].form.fields["code"].choices]
    assert choices == list(MESSAGE_TYPE_CODES)
    data = {
        **page_data(page),
        "environment": environment.pk,
        "code": code,
        "name": "Berichtsoort",
        "workflow": factories.make_workflow(environment).pk,
    }
    return browser.post(url, data, follow=True)


def test_a_message_type_gets_a_code_the_portal_knows(superuser_browser):  # noqa: F811
    environment = factories.EnvironmentFactory()

    refused = _add_message_type(superuser_browser, environment, "kvk-groot")

    assert UNKNOWN_CODE in unescape(field_errors(refused))
    assert not MessageType.objects.filter(environment=environment).exists()

    added = _add_message_type(superuser_browser, environment, MessageType.KVK_MICRO_KLEIN)

    assert "errornote" not in added.content.decode(), field_errors(added)
    assert MessageType.objects.get(environment=environment).code == MessageType.KVK_MICRO_KLEIN


def test_a_message_types_code_is_not_changed_to_an_unknown_one(
    superuser_browser,  # noqa: F811
    message_type,
):
    response = post_change(
        superuser_browser, "connectors_messagetype", message_type, {"code": "kvk-groot"}
    )

    assert UNKNOWN_CODE in unescape(field_errors(response))
    message_type.refresh_from_db()
    assert message_type.code == MessageType.KVK_MICRO_KLEIN


def test_a_type_made_with_a_code_of_its_own_keeps_it_when_saved_unchanged(
    superuser_browser,  # noqa: F811
    message_type,
):
    """Made when the code was free text: its page shows its code, so saving another change
    does not turn it into the first code of the list (or a duplicate of it)."""
    MessageType.objects.filter(pk=message_type.pk).update(code="eigen-code")
    message_type.refresh_from_db()

    response = post_change(superuser_browser, "connectors_messagetype", message_type, {})

    assert "errornote" not in response.content.decode(), field_errors(response)
    message_type.refresh_from_db()
    assert message_type.code == "eigen-code"
    post_change(
        superuser_browser,
        "connectors_messagetype",
        message_type,
        {"code": MessageType.KVK_MICRO_KLEIN},
    )
    message_type.refresh_from_db()
    assert message_type.code == MessageType.KVK_MICRO_KLEIN


def _revoke(browser, tokens: list[ClientToken]):
    return browser.post(
        reverse("admin:connectors_clienttoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk for token in tokens]},
        follow=True,
    )


def test_the_revoke_action_counts_in_words(superuser_browser, client_a, connector):  # noqa: F811
    first = client_a.organisation.tokens.get()
    others = [
        services.issue_token(organisation=client_a.organisation, connector=connector)[0]
        for _ in range(2)
    ]

    assert shown_messages(_revoke(superuser_browser, [first])) == "1 token ingetrokken."
    assert shown_messages(_revoke(superuser_browser, [first, *others])) == "2 tokens ingetrokken."
    assert not ClientToken.objects.active().exists()


def test_a_connector_with_tokens_is_not_deleted(
    superuser_browser,  # noqa: F811
    client_a,
    connector,
):
    """Its tokens would go with it, which the token admin never deletes (the row documents
    who used the API). ClientTokenAdmin.has_delete_permission makes Django refuse it: the
    page says the connector cannot be deleted and names the tokens, and a post is refused,
    on the connector's own page and as the list's bulk action."""
    url = reverse("admin:connectors_appconnector_delete", args=[connector.pk])
    assert superuser_browser.get(url).context["perms_lacking"] == {"token"}
    assert superuser_browser.post(url, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [connector.pk], "post": "yes"}
    changelist = reverse("admin:connectors_appconnector_changelist")
    assert superuser_browser.post(changelist, bulk).status_code == 403

    assert list(connector.tokens.all()) == [client_a.organisation.tokens.get()]
    # One without tokens goes.
    unused = factories.make_connector(connector.environment)
    bulk["_selected_action"] = [unused.pk]
    superuser_browser.post(changelist, bulk)
    assert not AppConnector.objects.filter(pk=unused.pk).exists()


def test_a_type_of_a_code_from_before_given_the_environments_code_is_refused_in_words(
    superuser_browser,  # noqa: F811
    message_type,
):
    """A type made while the code was free text: its page offers only the known code, which
    the environment's other type has. Read-only, the environment is not in the form, and
    Django skipped the unique constraint (environment, code): a server error
    (kvk.admin_mixins)."""
    before = MessageType.objects.create(
        environment=message_type.environment,
        code="kvk-oud",
        name="Oud",
        workflow=message_type.workflow,
    )

    response = post_change(
        superuser_browser, "connectors_messagetype", before, {"code": MessageType.KVK_MICRO_KLEIN}
    )

    errors = field_errors(response)
    assert "Berichtsoort met deze Accountantsomgeving en Code bestaat al." in errors
    before.refresh_from_db()
    assert before.code == "kvk-oud"
