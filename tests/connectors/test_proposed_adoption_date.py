"""UploadMessage's optional ``proposed_adoption_date``: the adoption date the client entered
in its reporting cockpit with accounts not yet adopted ("Datum vaststelling jaarrekening";
the seed's "Aangifte klaarzetten (KLANT)" step 4: the tick "Jaarrekening vastgesteld" is
given in the workflow). Kept beside the document, which stays as received: NT19's
valueAssertion_DocumentInformation_PrtValueThnNoExistence2 allows no
jenv-bw2-i:DocumentAdoptionDate with DocumentAdoptionStatus "Nee". Dates are written
YYYY-MM-DD (BR-KVK-4.20, KVK-SBR.md section 4)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"
PROPOSED = date(date.today().year, 1, 1)


def test_the_proposed_date_is_kept_beside_the_unchanged_document(api, client_a):
    content = instance_for(client_a.kvk_number)
    payload = {**upload_payload(content), "proposed_adoption_date": PROPOSED.isoformat()}

    response = api(client_a.token).post(URL, payload, format="json")

    assert response.status_code == 201, response.content
    message = ApprovalMessage.objects.get(message_id=payload["message_id"])
    assert message.proposed_adoption_date == PROPOSED
    assert (message.adopted, message.adoption_date) == (False, None)
    assert bytes(message.received_document) == bytes(message.document) == content


@pytest.mark.parametrize("extra", [{}, {"proposed_adoption_date": None}])
def test_an_upload_without_one_proposes_nothing(api, client_a, extra):
    """Clients of earlier releases do not know the field: it is optional."""
    payload = {**upload_payload(instance_for(client_a.kvk_number)), **extra}
    assert api(client_a.token).post(URL, payload, format="json").status_code == 201
    assert ApprovalMessage.objects.get().proposed_adoption_date is None


def test_a_retry_keeps_the_date_of_the_first_upload(api, client_a):
    client = api(client_a.token)
    payload = {
        **upload_payload(instance_for(client_a.kvk_number)),
        "proposed_adoption_date": PROPOSED.isoformat(),
    }
    assert client.post(URL, payload, format="json").status_code == 201
    again = {**payload, "proposed_adoption_date": date(PROPOSED.year, 2, 1).isoformat()}
    assert client.post(URL, again, format="json").status_code == 200
    assert ApprovalMessage.objects.get().proposed_adoption_date == PROPOSED


@pytest.mark.parametrize(
    "value",
    ["2025-3-1", "2025-02-30", "01-03-2025", "2025-03-01T00:00:00", "", "morgen", 20250301],
)
def test_anything_but_an_existing_day_as_yyyy_mm_dd_is_refused(api, client_a, value):
    payload = {
        **upload_payload(instance_for(client_a.kvk_number)),
        "proposed_adoption_date": value,
    }

    response = api(client_a.token).post(URL, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["proposed_adoption_date"]
    said = " ".join(body["errors"]["proposed_adoption_date"])
    assert "JJJJ-MM-DD" in said or "tekst" in said
    assert not ApprovalMessage.objects.exists()


def test_the_schema_documents_the_optional_date(client, db):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = document["paths"]["/api/v1/messages/"]["post"]["requestBody"]["content"]
    reference = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    upload = document["components"]["schemas"][reference]
    field = upload["properties"]["proposed_adoption_date"]
    assert (field["type"], field["format"], field["nullable"]) == ("string", "date", True)
    assert "Jaarrekening vastgesteld" in field["description"]
    assert "proposed_adoption_date" not in upload["required"]


@pytest.mark.parametrize("proposed", [PROPOSED, None])
def test_the_answers_echo_the_date_the_portal_took(api, client_a, proposed):
    """A client tells from the answer whether the portal took the date: a portal of an
    earlier release ignores it and answers without the field; this one echoes the date the
    OutSite form is filled in with, null when none was sent. So do the answer to a retry
    (the first upload's date) and GetMessageStatus."""
    client = api(client_a.token)
    extra = {} if proposed is None else {"proposed_adoption_date": proposed.isoformat()}
    payload = {**upload_payload(instance_for(client_a.kvk_number)), **extra}
    expected = None if proposed is None else proposed.isoformat()

    created = client.post(URL, payload, format="json")
    again = client.post(URL, {**payload, "proposed_adoption_date": "2020-01-01"}, format="json")
    detail = client.get(f"{URL}{payload['message_id']}/")

    assert (created.status_code, again.status_code, detail.status_code) == (201, 200, 200)
    for answer in (created, again, detail):
        assert answer.json()["proposed_adoption_date"] == expected


def test_the_schema_documents_the_echo(client, db):
    schemas = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"][
        "schemas"
    ]
    for name in ("Message", "MessageDetail"):
        field = schemas[name]["properties"]["proposed_adoption_date"]
        assert (field["type"], field["format"], field["nullable"]) == ("string", "date", True)
        assert "Jaarrekening vastgesteld" in field["description"]
        assert "proposed_adoption_date" in schemas[name]["required"]
