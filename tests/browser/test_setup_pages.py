"""InSite set-up in a real browser: an administrator issues a token (shown once) and
revokes it; the main set-up pages are screenshotted and have a label on every field."""

from __future__ import annotations

import pytest

from connectors.models import ClientToken, hash_token
from crm.models import StaffMember
from tests import factories
from tests.browser.conftest import open_as, unlabelled_fields
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_issues_and_revokes_a_token(
    live_server, new_page, screenshot, environment, connector, client_a
):
    admin = factories.StaffFactory(
        environment=environment, role=StaffMember.Role.ADMINISTRATOR
    ).user
    message = make_message(client_a)
    page = new_page()
    open_as(page, live_server.url, admin.username, f"/insite/berichten/{message.pk}/")
    assert unlabelled_fields(page) == []
    screenshot(page, "10-insite-message-detail")
    page.goto(f"{live_server.url}/insite/organisaties/{client_a.organisation.pk}/")
    assert unlabelled_fields(page) == []
    screenshot(page, "11-insite-organisation")
    # The way an administrator goes for a new client: its page's "Token aanmaken", which
    # opens the connector's form with the organisation fixed.
    page.click(f"a[href*='/insite/connectoren/{connector.pk}/?organisation=']")
    assert page.text_content("#token-organisation").startswith(
        f"Organisatie: {client_a.organisation.name}"
    )
    page.fill("#id_description", "Boekhoudpakket")
    page.click("#create-token")
    raw = page.input_value("#new-token")
    token = ClientToken.objects.get(token_hash=hash_token(raw))
    assert token.description == "Boekhoudpakket" and token.created_by == admin
    assert token.organisation == client_a.organisation
    assert unlabelled_fields(page) == []
    screenshot(page, "12-insite-token-shown-once")
    page.goto(f"{live_server.url}/insite/connectoren/{connector.pk}/")
    assert raw not in page.content()
    page.click(f"button[aria-label*='{token.prefix}']")
    page.click("#confirm-revoke")  # "Weet u het zeker?" names the token first
    page.wait_for_selector(".flash li.success")
    token.refresh_from_db()
    assert token.revoked_at is not None
    page.goto(f"{live_server.url}/insite/berichtsoorten/")
    screenshot(page, "13-insite-message-types")
