"""The administration's KvK data and signatories while one of its reports is under way.

They belong to the administration, which has a report per year, so they stay editable;
but what was sent is what the portal has. The bookkeeper is told so where they change
them (the KvK data form and the signatories), and the report is not listed as
"te bewerken" while its figures are fixed (services.edit_lock)."""

from __future__ import annotations

import pytest

from clientside import services
from clientside.models import Administration
from kvk.status import Status
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

from .conftest import make_environment

NOTICE = "is verzonden naar uw accountant (status 30"
APPLIES_NEXT = "geldt voor de stukken die u hierna klaarzet"


def _edit_data(administration: Administration, **changes: str) -> dict[str, str]:
    """The KvK data form as a bookkeeper posts it back (the fields of the existing
    administration test in test_screens), with ``changes``."""
    data = {
        "name": administration.name,
        "legal_form": administration.legal_form,
        "seat": administration.seat,
        "kvk_number": administration.kvk_number,
        "sbi_code": "1071",
        "street": administration.street,
        "house_number": administration.house_number,
        "postal_code": administration.postal_code,
        "place": administration.place,
        "filing_email": administration.filing_email,
        "kvk_report": administration.kvk_report,
        "contact_type": "ondernemer",
    }
    data.update(changes)
    return data


@pytest.fixture
def env(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with(*ALL_PERMISSIONS))
    return env


@pytest.mark.django_db
def test_nothing_is_said_while_no_report_is_sent(client, env):
    for url in (
        f"/klant/administraties/{env.administration.pk}/",
        f"/klant/administraties/{env.administration.pk}/bewerken/",
    ):
        html = client.get(url).content.decode()
        assert 'id="onderweg"' not in html and APPLIES_NEXT not in html
    assert (
        "te bewerken"
        in client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_a_report_under_way_is_named_where_the_kvk_data_and_signatories_change(client, env):
    message = services.prepare(env.report)
    services._mirror(message, Status.IN_REVIEW, [])
    year = env.report.financial_year

    detail = client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    form = client.get(f"/klant/administraties/{env.administration.pk}/bewerken/").content.decode()
    for html in (detail, form):
        assert f"Jaarrapport {year} {NOTICE}" in html
        assert APPLIES_NEXT in html
    # The reports table no longer offers the sent report as "te bewerken".
    assert "verzonden, ligt vast" in detail and "te bewerken" not in detail


@pytest.mark.django_db
def test_a_change_while_under_way_is_saved_and_the_sent_document_stays(client, env):
    message = services.prepare(env.report)
    services._mirror(message, Status.IN_REVIEW, [])
    sent = bytes(message.document)

    response = client.post(
        f"/klant/administraties/{env.administration.pk}/bewerken/",
        _edit_data(env.administration, name="Nieuwe Naam B.V."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    env.administration.refresh_from_db()
    assert env.administration.name == "Nieuwe Naam B.V."
    message.refresh_from_db()
    assert bytes(message.document) == sent and b"Nieuwe Naam" not in sent


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.REJECTED, Status.FILED])
def test_a_report_whose_message_ended_is_not_named(client, env, status):
    """After 40 new documents are due (the change will be in them); after 80 the report is
    filed and locked: neither is under way."""
    message = services.prepare(env.report)
    services._mirror(message, status, [])
    html = client.get(f"/klant/administraties/{env.administration.pk}/bewerken/").content.decode()
    assert 'id="onderweg"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Status.PREPARED, Status.RECEIVED, Status.IN_REVIEW, Status.APPROVED, Status.REJECTED],
)
def test_the_list_for_all_reports_agrees_with_each_reports_sent_message(env, status):
    """reports_under_way reads every report's messages in one query; it must name the
    same message per report as sent_message, the rule of the report page (edit_lock)."""
    other = services.create_report(
        administration=env.administration, financial_year=env.report.financial_year - 1
    )[0]
    message = services.prepare(env.report)
    if status != Status.PREPARED:
        services._mirror(message, status, [])
    expected = [
        (report, services.sent_message(report))
        for report in (env.report, other)
        if services.sent_message(report) is not None
    ]
    assert services.reports_under_way(env.administration) == expected
    assert bool(expected) == (status in (Status.RECEIVED, Status.IN_REVIEW, Status.APPROVED))
