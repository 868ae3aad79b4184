"""Corrections and failures as the people involved walk through them, in a real browser:

- the client rejects (40), the bookkeeper reads the reason where the figures are corrected,
  sends a corrected version, the client reviews it with the changes shown, approves, and
  the filing reaches 80;
- a delivery ends at 70 (Digipoort refuses the sender, status 210 in Logius' "Statussen en
  foutcodes Digipoort"), the staff press "Opnieuw verzenden" and the filing reaches 80.

Every page is photographed at 1280 and 375 px (test-artifacts/screenshots/) and checked for
what a person must never see: raw reason codes, exception text, a page wider than the
screen."""

from __future__ import annotations

from datetime import date

from clientside import services as client_services
from connectors import services as connector_services
from kvk.status import Status
from tests.browser.conftest import TO_THE_KVK, adopt_and_approve, assert_plain, both_widths, open_as
from tests.clientside.conftest import env_a, no_processing_kick, portal_url  # noqa: F401
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with
from tests.portal.conftest import make_message
from workflow.models import ApprovalMessage

pytestmark = TO_THE_KVK


def portal_message(outbound) -> ApprovalMessage:
    return ApprovalMessage.objects.get(message_id=outbound.message_id)


def test_rejected_corrected_resent_reviewed_with_changes_approved_filed(
    live_server,
    digipoort_stub,
    env_a,  # noqa: F811
    new_page,
    screenshot,
    client_a,
    staff,
):
    # The bookkeeping environment sends the accounts; the scheduled job processes them.
    first = client_services.prepare(env_a.report)
    assert client_services.send_receive(env_a.administration).sent == 1
    connector_services.process_external_messages()
    rejected = portal_message(first)
    assert rejected.status == Status.IN_REVIEW

    # The client reads the accounts and rejects, after a confirmation that says what follows.
    client = new_page()
    open_as(client, live_server.url, client_a.user.username, f"/outsite/berichten/{rejected.pk}/")
    client.fill("#id_reason", "De vlottende activa missen de bankrekening van 1.000 euro.")
    client.click("#reject")
    assert "niet gedeponeerd" in client.inner_text("#confirm-reject")
    both_widths(client, screenshot, "20-outsite-confirm-reject")
    client.click("#confirm-reject-button")
    client.wait_for_selector('#status[data-status="40"]')
    assert_plain(client, "OutSite at 40")
    both_widths(client, screenshot, "21-outsite-rejected")

    # The bookkeeper fetches the status and sees the reason where the figures are.
    bookkeeper = new_page()
    open_as(
        bookkeeper,
        live_server.url,
        user_with(*ALL_PERMISSIONS).username,
        f"/klant/jaarrapporten/{env_a.report.pk}/",
    )
    bookkeeper.click("#send-receive")
    bookkeeper.goto(f"{live_server.url}/klant/jaarrapporten/{env_a.report.pk}/")
    box = bookkeeper.inner_text("#nieuwe-stukken")
    assert "De vlottende activa missen de bankrekening" in box
    assert_plain(bookkeeper, "client environment at 40")
    both_widths(bookkeeper, screenshot, "22-client-environment-correction")
    for field, value in {
        "AssetsCurrentOther": "67795",
        "AssetsCurrent": "67795",
        "Assets": "121045",
        "Equity": "73045",
        "EquityAndLiabilities": "121045",
    }.items():
        bookkeeper.fill(f"#id_b_{field}_0", value)
    bookkeeper.click("#save-figures")
    bookkeeper.click("#prepare")
    bookkeeper.click("#send-receive")
    second = env_a.report.messages.exclude(pk=first.pk).get()
    connector_services.process_external_messages()
    corrected = portal_message(second)
    assert corrected.status == Status.IN_REVIEW
    assert corrected.replaces_id == rejected.pk

    # The client reviews the new version: what changed is shown next to the accounts.
    client.goto(f"{live_server.url}/outsite/berichten/{corrected.pk}/")
    changes = client.inner_text("#changes")
    assert "Totaal activa (huidig jaar)" in changes
    assert "120.045" in changes and "121.045" in changes
    assert "De vlottende activa missen" in client.inner_text("#versions")
    assert_plain(client, "OutSite, corrected version")
    both_widths(client, screenshot, "23-outsite-corrected-version")
    adopt_and_approve(client)
    both_widths(client, screenshot, "24-outsite-confirm-approve")
    client.click("#confirm-approve-button")
    client.wait_for_selector('#status[data-status="80"]', timeout=90_000)
    assert_plain(client, "OutSite at 80")
    both_widths(client, screenshot, "25-outsite-filed")

    # The rejected version is closed: the staff see the chain and cannot restore it.
    desk = new_page()
    open_as(desk, live_server.url, staff.username, f"/insite/berichten/{rejected.pk}/")
    assert "Naar de nieuwe versie" in desk.inner_text("main")
    assert desk.locator("text=Berichtstatus herstellen").count() == 0

    # The bookkeeper's environment learns the filing and the adoption date.
    client_services.send_receive(env_a.administration)
    second.refresh_from_db()
    assert second.status == Status.FILED and second.adoption_date == date.today()


def test_transport_error_resent_by_staff_reaches_80_with_plain_sentences_for_the_client(
    live_server,
    digipoort_stub,
    new_page,
    screenshot,
    client_a,
    staff,
):
    # Digipoort refuses the sender (210): a final status that needs the staff (70).
    digipoort_stub.set_faults(scenarios={client_a.kvk_number: "auth_failed"})
    message = make_message(client_a, Status.APPROVED)
    client = new_page()
    open_as(client, live_server.url, client_a.user.username, f"/outsite/berichten/{message.pk}/")
    client.wait_for_selector('#status[data-status="70"]', timeout=60_000)
    client.reload()
    assert "certificaat" in client.inner_text("main")  # the catalogue's sentence
    assert_plain(client, "OutSite at 70")
    both_widths(client, screenshot, "26-outsite-transport-error")

    digipoort_stub.set_faults(scenarios={})
    desk = new_page()
    open_as(desk, live_server.url, staff.username, f"/insite/berichten/{message.pk}/")
    both_widths(desk, screenshot, "27-insite-transport-error")
    desk.click("#resend-button")
    desk.click("#confirm-resend")
    client.goto(f"{live_server.url}/outsite/berichten/{message.pk}/")
    client.wait_for_selector('#status[data-status="80"]', timeout=90_000)
    assert_plain(client, "OutSite at 80 after the resend")
    both_widths(client, screenshot, "28-outsite-filed-after-resend")
