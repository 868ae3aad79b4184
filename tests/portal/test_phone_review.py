"""What a client's director found reviewing on a phone (2026-12-07), outside the browser:
the pages a form leads to, the wording of where a message stands, the fingerprint before
adoption, versions in the list, the password and language forms."""

from __future__ import annotations

from django.urls import reverse


def test_an_action_address_opened_again_shows_the_message_not_a_blank_page(
    browser_a, staff_browser, message_a
):
    """After a refused form the address is that of the action (…/adopt/, …/opmerking/):
    the language switch goes back to it with a GET, as do a reload and the history. Each
    answers with the message page; an address that names no action is not found (404)."""
    detail = reverse("outsite-message", args=[message_a.pk])
    for action in ("adopt", "approve", "reject"):
        response = browser_a.get(reverse("outsite-action", args=[message_a.pk, action]))
        assert response.status_code == 302 and response.url == detail
    response = browser_a.get(reverse("outsite-comment", args=[message_a.pk]))
    assert response.status_code == 302 and response.url == detail
    for method in (browser_a.get, browser_a.post):
        assert method(f"/outsite/berichten/{message_a.pk}/xyz/").status_code == 404

    # The language switch itself, from a page a refused form gave back.
    refused = browser_a.post(reverse("outsite-action", args=[message_a.pk, "adopt"]), {})
    assert refused.status_code == 400
    switched = browser_a.post(
        reverse("set_language"),
        {"language": "en", "next": refused.context["request"].get_full_path()},
        follow=True,
    )
    assert switched.status_code == 200
    assert switched.redirect_chain[-1][0] == detail

    staff_detail = reverse("insite-message", args=[message_a.pk])
    for action in ("review", "repair"):
        response = staff_browser.get(reverse("insite-action", args=[message_a.pk, action]))
        assert response.status_code == 302 and response.url == staff_detail
    assert staff_browser.get(f"/insite/berichten/{message_a.pk}/xyz/").status_code == 404
