"""Two directors approve in turn, in a real browser: the first adopts and approves and sees
"1 van 2 goedgekeurd" without an approve button; the staff see the same in the list; the
second approves and the filing reaches 80. The OutSite pages at 1280 and 375 px, the InSite
list at 1280 px (test-artifacts/screenshots/50-54)."""

from __future__ import annotations

from kvk.status import Status
from tests import factories
from tests.browser.conftest import TO_THE_KVK, adopt_and_approve, assert_plain, both_widths, open_as
from tests.portal.conftest import make_message
from workflow.models import ApprovalMessage

pytestmark = TO_THE_KVK


def test_two_directors_approve_in_turn_and_the_filing_reaches_80(
    live_server,
    digipoort_stub,
    new_page,
    screenshot,
    client_a,
    message_type,
    staff,
):
    factories.require_directors(message_type.workflow)
    anna, bert = factories.make_directors(client_a, "Anna de Vries", "Bert Jansen")
    message = make_message(client_a)

    # The first director adopts and approves; the filing waits for the second.
    first = new_page()
    open_as(first, live_server.url, client_a.user.username, f"/outsite/berichten/{message.pk}/")
    assert "0 van 2 goedgekeurd" in first.inner_text("#approvals")
    adopt_and_approve(first)
    assert "zodra iedereen heeft goedgekeurd" in first.inner_text("#confirm-approve")
    both_widths(first, screenshot, "50-outsite-confirm-first-of-two")
    first.click("#confirm-approve-button")
    first.wait_for_selector("#my-approval")
    assert first.locator("#approve").count() == 0
    approvals = first.inner_text("#approvals")
    assert "1 van 2 goedgekeurd" in approvals
    assert "Anna de Vries" in approvals and "Bert Jansen" in approvals
    assert first.get_attribute("#status", "data-status") == str(Status.IN_REVIEW)
    assert_plain(first, "OutSite after the first approval")
    both_widths(first, screenshot, "51-outsite-first-of-two-approved")

    # The staff see where it stands in the list.
    desk = new_page()
    open_as(desk, live_server.url, staff.username, "/insite/berichten/")
    assert "1 van 2 goedgekeurd" in desk.inner_text("main")
    # InSite's list is a desk page: photographed at desktop width only (its filter form and
    # table are wider than a phone; tests/browser/test_narrow_screens.py covers OutSite).
    both_widths(desk, screenshot, "52-insite-list-one-of-two")

    # The second director approves the same document; it goes to the KvK and is filed.
    second = new_page()
    open_as(second, live_server.url, bert.user.username, f"/outsite/berichten/{message.pk}/")
    assert "1 van 2 goedgekeurd" in second.inner_text("#approvals")
    both_widths(second, screenshot, "53-outsite-second-director")
    second.click("#approve")
    second.click("#confirm-approve-button")
    second.wait_for_selector('#status[data-status="80"]', timeout=90_000)
    assert "2 van 2 goedgekeurd" in second.inner_text("#approvals")
    assert_plain(second, "OutSite at 80")
    both_widths(second, screenshot, "54-outsite-filed-after-two-approvals")

    message = ApprovalMessage.objects.get(pk=message.pk)
    assert message.status == Status.FILED
    approvals_events = list(
        message.events.filter(action__in=["approval_given", "approved"]).values_list(
            "action", "actor_user_id"
        )
    )
    assert approvals_events == [("approval_given", anna.user_id), ("approved", bert.user_id)]
