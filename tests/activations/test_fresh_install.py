"""From a fresh installation (no demo data) to a first message at 30, following only what
the screens say: the Django admin for the firm's environment and its first administrator,
then InSite's "not activated" page, the set-up page with its checklist and the links of
each open item; on the client side the next step, the set-up page with its checklist and
the screens of the reporting cockpit. The scheduled job "Externe berichten verwerken" then
takes the message to 30."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse

from clientside.models import Administration, AnnualReport, OutboundMessage
from connectors import tasks as connector_tasks
from crm.models import AccountancyEnvironment, Organisation
from kvk.status import Status
from tests.clientside.conftest import YEAR, signed_by_the_director
from tests.clientside.test_screens import TRIAL_BALANCE, figures_post
from workflow.models import ApprovalMessage, WorkflowDefinition


def href(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*href="([^"]+)"', page) or re.search(
        rf'href="([^"]+)"[^>]*id="{element_id}"', page
    )
    assert match, f"no link #{element_id} on the page"
    return html_lib.unescape(match.group(1))


def open_items(page: str) -> list[tuple[str, str]]:
    """The checklist's open items with their link: [(key, url or '')]."""
    items = []
    for key, body in re.findall(r'<li id="check-(\w+)" data-done="0">(.*?)</li>', page, re.S):
        link = re.search(r'href="([^"]+)"', body)
        items.append((key, html_lib.unescape(link.group(1)) if link else ""))
    return items


def management_form(page: str) -> dict[str, str]:
    """The hidden management fields of the admin's inline formsets, as the page has them."""
    return {
        name: value
        for name, value in re.findall(
            r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d+)"', page
        )
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def post(browser: Browser, url: str, data: dict, *, status: int = 200):
    response = browser.post(url, data, follow=True)
    assert response.status_code == status, (url, response.content[:800])
    return response


@pytest.mark.django_db(transaction=True)
def test_fresh_installation_to_a_first_message_at_30(live_server, settings, monkeypatch):
    settings.OTP_REQUIRED_FOR_STAFF = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The upload queues an immediate processing for the worker; here the scheduled job
    # does that work, below, as celery beat would.
    monkeypatch.setattr("connectors.tasks.kick_processing", lambda: None)
    assert not AccountancyEnvironment.objects.exists() and not Administration.objects.exists()

    # --- installation: the first user (manage.py createsuperuser) ----------------------------
    call_command("createsuperuser", interactive=False, username="anna", email="anna@kantoor.nl")
    anna = get_user_model().objects.get(username="anna")
    accountant = Browser()
    accountant.force_login(anna)

    # The admin: the firm's environment and Anna as "Beheerder inrichting".
    landing = accountant.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("admin:index")
    post(
        accountant,
        reverse("admin:crm_accountancyenvironment_add"),
        {"name": "Kantoor Jansen", "participant_number": "12345", "_save": "1"},
    )
    environment = AccountancyEnvironment.objects.get()
    post(
        accountant,
        reverse("admin:crm_staffmember_add"),
        {
            "user": anna.pk,
            "environment": environment.pk,
            "role": "admin",
            "language": "nl",
            "_save": "1",
        },
    )

    # --- InSite: the feature is off; the page says where to switch it on ------------------------
    off = accountant.get("/", follow=True)
    assert off.status_code == 403
    page = off.content.decode()
    assert "Communicatieconnector accordering OutSite" in page
    setup_url = href(page, "activate-link")
    page = accountant.get(setup_url).content.decode()
    assert 'id="check-activation" data-done="0"' in page
    switched = post(accountant, setup_url, {"active": "1"})
    assert any("ingeschakeld" in m for m in messages_of(switched))

    # --- the checklist, item by item, through the links it gives --------------------------------
    raw_token = ""
    visited: list[str] = []
    for _round in range(12):
        page = accountant.get(setup_url).content.decode()
        todo = [(key, link) for key, link in open_items(page) if link]
        if not todo:
            break
        key, link = todo[0]
        visited.append(key)
        form_page = accountant.get(link)
        assert form_page.status_code == 200, (key, link)
        form_html = form_page.content.decode()
        if key == "workflow" and "/admin/" in link:
            tasks = [
                ("Jaarrekening vaststellen", "adopt"),
                ("Goedkeuren bericht", "approve"),
                ("Afkeuren bericht", "reject"),
            ]
            data = {
                **management_form(form_html),
                "name": "KvK-stukken accorderen",
                "environment": environment.pk,
                "_save": "1",
            }
            prefix = next(n[: -len("-TOTAL_FORMS")] for n in data if n.endswith("TOTAL_FORMS"))
            data[f"{prefix}-TOTAL_FORMS"] = str(len(tasks))
            for i, (name, action) in enumerate(tasks):
                data.update(
                    {
                        f"{prefix}-{i}-position": str(i),
                        f"{prefix}-{i}-name": name,
                        f"{prefix}-{i}-role": "client",
                        f"{prefix}-{i}-action": action,
                    }
                )
            post(accountant, link, data)
        elif key in ("workflow", "message_type"):
            # InSite's message type page: link the workflow, untick "Geblokkeerd".
            workflow = WorkflowDefinition.objects.get(environment=environment)
            post(
                accountant, link, {"name": "KvK-stukken (micro en klein)", "workflow": workflow.pk}
            )
        elif key == "connector":
            assert "/admin/" in link
            group_add = reverse("admin:auth_group_add")
            assert group_add in form_html  # the admin's "add another" for the user group
            post(accountant, group_add, {"name": "Cliëntomgevingen", "_save": "1"})
            group_id = re.search(
                r'<option value="(\d+)">Cliëntomgevingen', accountant.get(link).content.decode()
            )
            assert group_id
            post(
                accountant,
                link,
                {
                    **management_form(form_html),
                    "environment": environment.pk,
                    "name": "Cliëntomgevingen (CommSvc)",
                    "user_group": group_id.group(1),
                    "commsvc": "on",
                    "_save": "1",
                },
            )
        elif key == "organisation":
            # The form asks what the deadlines depend on: a BV with a calendar year.
            post(
                accountant,
                link,
                {
                    "name": "Bakkerij Jansen B.V.",
                    "kvk_number": "12345678",
                    "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
                    "year_end_day": "31",
                    "year_end_month": "12",
                },
            )
        elif key == "token":
            action = re.search(r'action="([^"]*/tokens/)"', form_html).group(1)
            organisation = Organisation.objects.get(environment=environment)
            # POST/redirect/GET: the connector's page shows the new token once.
            issued = accountant.post(action, {"organisation": organisation.pk}, follow=True)
            assert issued.status_code == 200 and len(issued.redirect_chain) == 1
            raw_token = re.search(r'id="new-token"[^>]*value="([^"]+)"', issued.content.decode())
            raw_token = raw_token.group(1)
        else:
            pytest.fail(f"the checklist item {key} has a link this walk does not know: {link}")
    else:
        pytest.fail("the checklist never ran out of open items")
    assert 'id="checklist-done"' in page, open_items(page)
    assert raw_token.startswith("dpn_")
    # The order the checklist led: create the workflow, link it (which also unblocks the
    # message type), the app connector, then per client the organisation and its token.
    assert visited == ["workflow", "workflow", "connector", "organisation", "token"]

    # --- the client's environment: its own first user --------------------------------------
    call_command("createsuperuser", interactive=False, username="kees", email="kees@bakkerij.nl")
    client = Browser()
    client.force_login(get_user_model().objects.get(username="kees"))
    page = client.get("/klant/").content.decode()
    assert "Er is nog geen administratie" in page
    created = post(
        client,
        "/klant/administraties/nieuw/",
        {
            "name": "Bakkerij Jansen B.V.",
            "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
            "seat": "Utrecht",
            "kvk_number": "12345678",
            "street": "Voorstraat",
            "house_number": "12",
            "postal_code": "3512 AK",
            "place": "Utrecht",
            "filing_email": "info@bakkerijjansen.example.nl",
            "kvk_report": "micro",
            "contact_type": "ondernemer",
        },
    )
    administration = Administration.objects.get()
    detail = created.redirect_chain[-1][0]
    post(
        client,
        detail + "ondertekenaars/",
        {"name": "J. Jansen", "function": "Bestuurder (huidig)", "order": "1"},
    )
    page = client.get(detail).content.decode()
    assert "Jaarrapportage deponeren via accountancyportal" in page
    step = re.search(r'id="volgende-stap">.*?href="([^"]+)"', page, re.S).group(1)
    assert client.get(step).status_code == 200
    switched = post(client, step, {"active": "1"})
    assert any("Communicatie met accountant" in m for m in messages_of(switched))
    page = switched.content.decode()
    profile_url = dict(open_items(page))["token"]
    post(
        client,
        profile_url,
        {
            "participant_number": "O12345AA",
            "portal_url_override": live_server.url,
            "token": raw_token,
        },
    )
    page = client.get(step).content.decode()
    assert 'id="checklist-done"' in page, open_items(page)
    detail = href(page, "to-administration")

    made = post(client, detail + "jaarrapporten/", {"financial_year": str(YEAR)})
    report_url = made.redirect_chain[-1][0]
    upload = SimpleUploadedFile("proefbalans.csv", TRIAL_BALANCE.encode(), "text/csv")
    post(client, report_url + "proefbalans/", {"file": upload})
    post(
        client,
        report_url + "rapportagewaarden/",
        signed_by_the_director(administration.signatories.get()),
    )
    # The check lists the preparation date as still to fill in, on the figures.
    report = AnnualReport.objects.get(administration=administration)
    checked = post(client, report_url + "cijfers/", figures_post(report))
    assert 'id="ready"' in checked.content.decode()
    post(client, report_url + "klaarzetten/", {})
    sent = post(client, detail + "verzenden-ontvangen/", {})
    assert any("1 verzonden, 0 mislukt" in m for m in messages_of(sent)), messages_of(sent)
    outbound = OutboundMessage.objects.get(administration=administration)
    assert outbound.status == Status.RECEIVED

    # --- the scheduled job "Externe berichten verwerken" ----------------------------------
    counts = connector_tasks.process_external_messages()
    assert counts["in_review"] == 1, counts
    message = ApprovalMessage.objects.get(message_id=outbound.message_id)
    assert message.status == Status.IN_REVIEW == 30
    listing = accountant.get(reverse("insite-messages")).content.decode()
    assert "Bakkerij Jansen B.V." in listing
    page = accountant.get(setup_url).content.decode()
    assert "Laatst gedraaid" in page
    post(client, detail + "verzenden-ontvangen/", {})
    outbound.refresh_from_db()
    assert outbound.status == Status.IN_REVIEW
