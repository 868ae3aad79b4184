"""Drive one filing through the whole journey along the paths a user takes.

The client side sends over HTTP with its token; the portal's worker processes the message;
the client logs in to OutSite over HTTP, adopts and approves; the worker delivers to the
(local) Digipoort and polls; the client side mirrors every status it learns.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

import requests
from lxml import html

from clientside import services as client_services
from clientside.models import OutboundMessage
from demo import setup
from kvk.status import Status, status_label
from workflow.models import ApprovalMessage


class FlowError(Exception):
    pass


def _page(session: requests.Session, url: str) -> str:
    response = session.get(url, timeout=30)
    response.raise_for_status()
    return response.text


def _csrf(session: requests.Session, url: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _page(session, url))
    if not match:
        raise FlowError(f"Geen CSRF-token gevonden op {url}")
    return match.group(1)


def _filled_in(session: requests.Session, url: str, field_id: str) -> str:
    """The value the form field ``field_id`` on ``url`` is filled in with ("" when none)."""
    found = html.fromstring(_page(session, url)).xpath("//input[@id=$id]/@value", id=field_id)
    return str(found[0]) if found else ""


def _post(session: requests.Session, page: str, action: str, data: dict) -> None:
    token = _csrf(session, page)
    response = session.post(
        f"{page}{action}/",
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": page},
        timeout=60,
    )
    response.raise_for_status()


def run(portal_url: str, *, report: Callable[[str], None], timeout: float = 180.0) -> int:
    portal_url = portal_url.rstrip("/")
    suffix = uuid.uuid4().int % 10**6
    kvk_number = f"9{suffix:06d}0"
    username = f"demo-{suffix:06d}"
    year = date.today().year - 1
    _org, administration, annual_report = setup.add_client(
        name=f"Demo Flow {suffix:06d} B.V.",
        kvk_number=kvk_number,
        username=username,
        portal_url=portal_url,
        year=year,
    )
    printed = 0

    def show_history(current: OutboundMessage) -> None:
        # The client side's own record of every status it mirrored, printed once each.
        nonlocal printed
        for entry in current.history[printed:]:
            status = int(entry["status"])
            report(f"{status:>3}  {status_label(status)}")
        printed = len(current.history)

    # The cockpit's "Datum vaststelling": the day the general meeting adopted the accounts,
    # after their signing; it goes with the upload and fills in OutSite's form.
    annual_report.adoption_date = min(setup.signing_day(year) + timedelta(days=14), date.today())
    annual_report.save(update_fields=["adoption_date"])
    message = client_services.prepare(annual_report)
    show_history(message)

    def sync_until(targets: set[int]) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = client_services.send_receive(administration)
            current = OutboundMessage.objects.get(pk=message.pk)
            show_history(current)
            if result.errors and current.status == Status.SEND_FAILED:
                raise FlowError("; ".join(result.errors))
            if current.status in targets:
                return current.status
            time.sleep(0.5)
        codes = ", ".join(str(int(code)) for code in sorted(targets))
        raise FlowError(f"Geen van de statussen {codes} bereikt binnen {timeout:.0f} s")

    reached = sync_until({Status.IN_REVIEW, Status.PROCESSING_FAILED})
    if reached != Status.IN_REVIEW:
        return reached
    approval = ApprovalMessage.objects.get(message_id=message.message_id)
    session = requests.Session()
    login = f"{portal_url}/login/"
    token = _csrf(session, login)
    response = session.post(
        login,
        data={"username": username, "password": setup.DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": login},
        timeout=30,
    )
    if "/login/" in response.url:
        raise FlowError("Inloggen in OutSite mislukt")
    page = f"{portal_url}/outsite/berichten/{approval.pk}/"
    # As a client does: tick "Jaarrekening vastgesteld" and keep the date the form is
    # filled in with, the one entered in the cockpit.
    adopted_on = _filled_in(session, page, "id_adoption_date") or date.today().isoformat()
    _post(session, page, "adopt", {"adopted": "on", "adoption_date": adopted_on})
    approval.refresh_from_db()
    if not approval.adopted:
        raise FlowError("Vaststellen in OutSite mislukt")
    # What the confirmation page's "Ja, goedkeuren en deponeren" sends.
    _post(session, page, "approve", {"document_sha256": approval.document_sha256, "confirmed": "1"})
    return sync_until({Status.FILED, Status.REFUSED, Status.PROCESSING_FAILED})
