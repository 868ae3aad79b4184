"""The size-class warning in the client environment (art. 2:395a and 2:396 BW): the figures
for it on the report, the warning on the report page with the figures (Dutch first,
English available), and at "Klaarzetten" a warning that does not block."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from kvk import sizeclass
from kvk.status import Status
from tests.clientside.conftest import YEAR, make_environment
from tests.clientside.test_screens import (
    ALL_PERMISSIONS,
    figures_post,
    flashes,
    follow_post,
    user_with,
)

D = Decimal
URL = "http://127.0.0.1:9"


def _scaled(report: AnnualReport, factor: int) -> None:
    """Every amount times ``factor``: the totals still add up, the KvK rules still pass."""
    data = dict(report.statements)
    for part in ("balance", "profit_loss"):
        data[part] = {
            name: [None if v is None else str(D(v) * factor) for v in pair]
            for name, pair in data[part].items()
        }
    report.statements = data
    report.save(update_fields=["statements"])


@pytest.fixture
def micro_too_large():
    """A micro report whose assets (EUR 1,200,450 and 1,107,800) and net turnover (EUR
    1,843,000 and 1,712,500) exceed art. 2:395a BW's EUR 450,000 and EUR 900,000 on both
    balance sheet dates."""
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    _scaled(env.report, 10)
    return env


@pytest.mark.django_db
def test_the_demo_figures_fit_micro_and_show_no_warning(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    assert services.size_class_check(env.report).outcome == sizeclass.SUPPORTED
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert 'id="size-class"' not in html


@pytest.mark.django_db
def test_the_report_page_warns_with_the_figures(client, micro_too_large):
    check = services.size_class_check(micro_too_large.report)
    assert check.warning and check.supported_class == "klein"
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{micro_too_large.report.pk}/").content.decode()
    assert 'id="size-class"' in html and 'data-outcome="not-supported"' in html
    assert "Waarschuwing: grootteklasse" in html
    assert "De cijfers passen niet bij de opgegeven grootteklasse micro" in html
    assert "€ 1.200.450" in html and "€ 1.843.000" in html and "€ 450.000" in html
    assert "geen blokkade" in html


@pytest.mark.django_db
def test_the_warning_in_english(client, micro_too_large):
    client.force_login(user_with(*ALL_PERMISSIONS))
    client.cookies["django_language"] = "en"
    html = client.get(f"/klant/jaarrapporten/{micro_too_large.report.pk}/").content.decode()
    assert "The figures do not support the declared size class micro" in html
    assert "EUR 1,200,450" in html and "EUR 900,000" in html


@pytest.mark.django_db
def test_prepare_warns_but_does_not_block(client, micro_too_large):
    client.force_login(user_with(*ALL_PERMISSIONS))
    report = micro_too_large.report
    page = follow_post(client, f"/klant/jaarrapporten/{report.pk}/klaarzetten/")
    message = OutboundMessage.objects.get(report=report)
    assert message.status == Status.PREPARED
    warnings = [m for m in flashes(page) if m.startswith("Let op, grootteklasse")]
    assert len(warnings) == 1 and "micro" in warnings[0]
    assert any("Klaargezet" in m for m in flashes(page))


@pytest.mark.django_db
def test_prepare_without_warning_flashes_none(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/")
    assert OutboundMessage.objects.filter(report=env.report).exists()
    assert not any("grootteklasse" in m for m in flashes(page))


@pytest.mark.django_db
def test_the_command_prints_the_warning(micro_too_large, capsys):
    call_command("klaarzetten", administration="12345678", year=str(YEAR))
    out = capsys.readouterr().out
    assert "Klaargezet" in out
    assert "Let op, grootteklasse: De cijfers passen niet" in out
    assert "€ 1.200.450" in out


@pytest.mark.django_db
def test_employees_are_entered_with_the_figures_and_decide(client):
    """Assets above micro's EUR 450,000 but turnover within: the employees decide."""
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    report = env.report
    _scaled(report, 5)  # assets EUR 600,225 / 553,900; net turnover EUR 921,500 / 856,250
    assert services.size_class_check(report).outcome == sizeclass.UNDETERMINED
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{report.pk}/").content.decode()
    assert 'name="employees_0"' in html and 'name="employees_1"' in html
    assert 'name="turnover_0"' not in html  # micro's profit and loss has NetRevenue
    assert 'data-outcome="undetermined"' in html and "gemiddeld aantal werknemers" in html

    url = f"/klant/jaarrapporten/{report.pk}/cijfers/"
    follow_post(client, url, figures_post(report, employees_0="12", employees_1="9,5"))
    report.refresh_from_db()
    assert (report.employees_current, report.employees_previous) == (D(12), D("9.5"))
    # 2025: assets and turnover exceeded, 12 employees: not micro; 2024: turnover and
    # 9.5 employees within: micro. One failing date: earlier years decide.
    check = services.size_class_check(report)
    assert check.outcome == sizeclass.UNDETERMINED and check.unknown() == []
    assert "hangt af van eerdere boekjaren" in check.summary("nl")

    follow_post(client, url, figures_post(report, employees_0="12", employees_1="15"))
    report.refresh_from_db()
    assert services.size_class_check(report).warning
    html = client.get(f"/klant/jaarrapporten/{report.pk}/").content.decode()
    assert 'value="15"' in html  # shown as entered, not 15,00


@pytest.mark.django_db
def test_klein_publication_pieces_ask_the_net_turnover(client):
    """klein-publicatiestukken have no profit and loss: the net turnover is the report's
    own figure; it is not written into the instance."""
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL, size="klein")
    report = env.report
    assert env.administration.asks_net_turnover
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{report.pk}/").content.decode()
    assert 'name="turnover_0"' in html and 'name="turnover_1"' in html
    post = figures_post(
        report,
        employees_0="60",
        employees_1="60",
        turnover_0="16.000.000",
        turnover_1="15.000.001",
    )
    follow_post(client, f"/klant/jaarrapporten/{report.pk}/cijfers/", post)
    report.refresh_from_db()
    assert (report.net_turnover_current, report.net_turnover_previous) == (
        D(16_000_000),
        D(15_000_001),
    )
    check = services.size_class_check(report)
    # art. 2:396 BW: turnover above EUR 15 million and 50 or more employees on both dates.
    assert check.declared == "klein" and check.warning
    assert check.supported_class == sizeclass.LARGER
    message = services.prepare(report)
    assert b"16000000" not in bytes(message.document)


@pytest.mark.django_db
def test_a_first_year_has_no_previous_size_figures(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    client.force_login(user_with(*ALL_PERMISSIONS))
    post = figures_post(env.report, previous_start="", first_year="on", employees_1="3")
    post = {k: v for k, v in post.items() if not (k.endswith("_1") and k != "employees_1")}
    response = client.post(f"/klant/jaarrapporten/{env.report.pk}/cijfers/", post)
    assert response.status_code == 400
    assert "Een eerste boekjaar heeft geen vergelijkende cijfers" in response.content.decode()


@pytest.mark.django_db
def test_a_resubmission_keeps_the_size_figures():
    env = make_environment(kvk_number="12345678", token="t", portal_url=URL)
    AnnualReport.objects.filter(pk=env.report.pk).update(
        locked=True, employees_current=D(4), employees_previous=D(3)
    )
    env.report.refresh_from_db()
    resubmission = services.create_resubmission(report=env.report)
    assert (resubmission.employees_current, resubmission.employees_previous) == (D(4), D(3))
