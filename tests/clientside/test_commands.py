"""The two actions as management commands and the optional schedule."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clientside.models import OutboundMessage
from kvk.status import Status
from tests.clientside.conftest import YEAR, make_environment
from workflow.models import ApprovalMessage


def _run(name: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_klaarzetten_lists_every_problem_with_its_field_and_creates_nothing():
    env = make_environment(kvk_number="12345678", token="x", portal_url="http://127.0.0.1:9")
    env.administration.signatories.all().delete()
    env.report.signed_date = None
    env.report.statements["balance"].pop("Assets")
    env.report.save()
    err = StringIO()
    with pytest.raises(CommandError, match="Niet klaargezet"):
        call_command("klaarzetten", "--administration", "12345678", "--year", str(YEAR), stderr=err)
    text = err.getvalue()
    assert "Ondertekenaars:" in text
    assert "Datum ondertekening:" in text
    assert "Balans: Totaal activa (huidig boekjaar)" in text
    assert OutboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_klaarzetten_creates_a_message_at_0():
    env = make_environment(kvk_number="12345678", token="x", portal_url="http://127.0.0.1:9")
    out, _ = _run("klaarzetten", "--administration", "12345678", "--year", str(YEAR))
    message = OutboundMessage.objects.get(report=env.report)
    assert message.status == Status.PREPARED
    assert str(message.message_id) in out


@pytest.mark.django_db
def test_klaarzetten_unknown_report_is_a_clear_error():
    with pytest.raises(CommandError, match="Geen jaarrapport"):
        _run("klaarzetten", "--administration", "99999999", "--year", "2025")


@pytest.mark.django_db(transaction=True)
def test_verzenden_ontvangen_sends_and_is_safe_to_repeat(env_a):
    _run("klaarzetten", "--administration", env_a.administration.kvk_number, "--year", str(YEAR))
    out, _ = _run("verzenden_ontvangen", "--administration", env_a.administration.kvk_number)
    assert "1 verzonden, 0 mislukt" in out
    out, _ = _run("verzenden_ontvangen")
    assert "0 verzonden, 0 mislukt" in out
    assert OutboundMessage.objects.get().status == Status.RECEIVED
    assert ApprovalMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_verzenden_ontvangen_fails_loudly_when_unreachable(client_a, closed_port_url):
    make_environment(
        kvk_number=client_a.kvk_number, token=client_a.token, portal_url=closed_port_url
    )
    _run("klaarzetten", "--administration", client_a.kvk_number, "--year", str(YEAR))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verzenden_ontvangen", stdout=StringIO(), stderr=err)
    assert "niet bereikbaar" in err.getvalue()
    assert OutboundMessage.objects.get().status == Status.SEND_FAILED


@pytest.mark.django_db(transaction=True)
def test_scheduled_task_sends_every_administration(env_a):
    from clientside.services import prepare
    from clientside.tasks import send_receive_all

    prepare(env_a.report)
    summary = send_receive_all()
    assert summary == {
        env_a.administration.kvk_number: "1 verzonden, 0 mislukt, 0 statuswijzigingen."
    }
    assert OutboundMessage.objects.get().status == Status.RECEIVED


def test_schedule_is_off_by_default(settings):
    assert settings.CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS == 0
    assert not any(
        entry["task"] == "clientside.tasks.send_receive_all"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )


@pytest.mark.django_db(transaction=True)
def test_one_unusable_portal_address_does_not_stop_the_others(env_a, settings):
    """An "Eigen portaladres" of ftp:// stored before it was refused: that administration
    is reported, the others are still sent (clientside.services.send_receive_all)."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    ftp = make_environment(kvk_number="11111111", token="x", portal_url="ftp://127.0.0.1:21")
    _run("klaarzetten", "--administration", env_a.administration.kvk_number, "--year", str(YEAR))
    _run("klaarzetten", "--administration", "11111111", "--year", str(YEAR))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Niet alles is gelukt"):
        call_command("verzenden_ontvangen", stdout=out, stderr=err)
    assert f"{env_a.administration.kvk_number}: 1 verzonden, 0 mislukt" in out.getvalue()
    assert "11111111: 0 verzonden, 1 mislukt" in out.getvalue()
    assert "moet met http:// of https:// beginnen" in err.getvalue()
    assert OutboundMessage.objects.get(administration=env_a.administration).status == (
        Status.RECEIVED
    )
    assert OutboundMessage.objects.get(administration=ftp.administration).status == (
        Status.SEND_FAILED
    )


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_failure_of_one_administration_is_reported_and_the_rest_go_on(
    env_a, monkeypatch, caplog
):
    """Whatever goes wrong for one administration, send_receive_all goes on with the next
    and reports it; the command then exits 1."""
    from clientside import services

    broken = make_environment(kvk_number="11111111", token="x", portal_url="http://127.0.0.1:9")
    real = services.send_receive

    def send_receive(administration):
        if administration.pk == broken.administration.pk:
            raise RuntimeError("boom")
        return real(administration)

    monkeypatch.setattr(services, "send_receive", send_receive)
    _run("klaarzetten", "--administration", env_a.administration.kvk_number, "--year", str(YEAR))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Niet alles is gelukt"):
        call_command("verzenden_ontvangen", stdout=out, stderr=err)
    assert f"{env_a.administration.kvk_number}: 1 verzonden, 0 mislukt" in out.getvalue()
    assert "11111111: 0 verzonden, 0 mislukt" in out.getvalue()
    assert (
        "Verzenden/ontvangen is mislukt door een onverwachte fout; de details staan in het "
        "logboek van deze omgeving." in err.getvalue()
    )
    assert "boom" not in err.getvalue()
    assert any("11111111" in r.getMessage() and r.exc_info for r in caplog.records)
    assert OutboundMessage.objects.get().status == Status.RECEIVED
