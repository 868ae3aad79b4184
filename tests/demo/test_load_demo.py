import pytest
from django.core.management import call_command

from clientside.models import AnnualReport, CommunicationProfile
from connectors.models import ClientToken
from crm.models import Organisation

pytestmark = pytest.mark.django_db


def test_load_demo_gives_every_role_a_login_and_is_repeatable(client, capsys):
    call_command("load_demo", portal_url="http://127.0.0.1:8000")
    call_command("load_demo", portal_url="http://127.0.0.1:8000")
    printed = capsys.readouterr().out
    assert "medewerker / deponeer-demo" in printed
    assert Organisation.objects.count() == 3
    assert ClientToken.objects.count() == CommunicationProfile.objects.count() == 3
    assert AnnualReport.objects.count() == 3
    expected_home = {
        "medewerker": "/insite/",
        "klant-a": "/outsite/berichten/",
        "boekhouder": "/klant/",
        "beheerder": "/admin/",
    }
    for username, home in expected_home.items():
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 302, username
        assert response["Location"].startswith(home), (username, response["Location"])
        client.logout()
