"""The client approves in the browser and watches the status reach 80 without reloading:
the real worker (Celery, in a thread) submits to the local Digipoort over HTTPS and polls
the outcome, while the page's htmx status partial keeps asking."""

from __future__ import annotations

from kvk.status import Status
from tests.browser.conftest import TO_THE_KVK, adopt_and_approve, open_as
from tests.portal.conftest import make_message
from workflow.models import ApprovalMessage

pytestmark = TO_THE_KVK


def test_client_approves_and_sees_80(
    live_server,
    digipoort_stub,
    new_page,
    screenshot,
    client_a,
):
    message = make_message(client_a)
    page = new_page()
    open_as(page, live_server.url, client_a.user.username, f"/outsite/berichten/{message.pk}/")
    adopt_and_approve(page)
    page.click("#confirm-approve-button")
    page.wait_for_selector('#status[data-status="50"], #status[data-status="60"]')
    # No reload from here on: the status partial updates itself.
    page.wait_for_selector('#status[data-status="80"]', timeout=90_000)
    assert "gedeponeerd" in page.inner_text("#message-status").lower()
    assert page.locator("#message-status[hx-trigger]").count() == 0  # polling stopped
    message = ApprovalMessage.objects.get(pk=message.pk)
    assert message.status == Status.FILED
    assert [d.reference for d in digipoort_stub.state.all()] == [message.delivery_reference]
    screenshot(page, "09-outsite-filed")
