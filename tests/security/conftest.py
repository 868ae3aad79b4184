"""The world of the security tests: organisation A with a message at 30, a comment and a
token; its staff (an administrator of A's environment); client B of the same environment;
one person who is the contact of B and of a third organisation (one login); staff of
another environment; and markers that identify A's data in any page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from clientside import services as clientside_services
from connectors import services as connector_services
from connectors.models import ClientToken
from crm.models import Contact, Organisation, StaffMember
from kvk.status import Status
from tests import factories
from tests.clientside.conftest import ClientEnvironment, make_environment
from tests.conftest import instance_for
from workflow import services
from workflow.models import Actor, ApprovalMessage

#: Text that appears only in organisation A's data (its name and its document's filename).
MARKER = "Geheimhouding"


@dataclass
class World:
    a: object  # tests.conftest.Client of organisation A
    b: object
    message: ApprovalMessage
    contact: Contact
    token: ClientToken
    staff_admin: object  # user: administrator of A's environment
    outsider: object  # user: staff of another environment
    # user: one person with one login, the contact of B and of a third organisation of A's
    # environment (a DGA with a holding and an operating company), never of A
    dga: object = None
    dga_organisation: Organisation | None = None  # that third organisation
    #: The client's own environment (clientside, ``klant/``), when a test asks for it
    #: (fixture ``client_environment``).
    client_environment: ClientEnvironment | None = None


@pytest.fixture
def world(client_a, client_b, outsider, connector) -> World:
    Organisation.objects.filter(pk=client_a.organisation.pk).update(name=f"{MARKER} A B.V.")
    message, _ = services.register_message(
        organisation=client_a.organisation,
        message_id=uuid.uuid4(),
        message_type="kvk-micro-klein",
        filename=f"{MARKER.lower()}-a.xbrl",
        content=instance_for(client_a.kvk_number, name=f"{MARKER} A B.V."),
        actor=Actor.system(),
    )
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.IN_REVIEW
    message.refresh_from_db()
    staff_admin = factories.StaffFactory(
        environment=client_a.organisation.environment, role=StaffMember.Role.ADMINISTRATOR
    ).user
    dga_organisation = factories.OrganisationFactory(
        environment=client_a.organisation.environment, name="Holding B.V."
    )
    dga = factories.UserFactory(username="dga@example.nl", email="dga@example.nl")
    for organisation in (client_b.organisation, dga_organisation):
        factories.ContactFactory(organisation=organisation, user=dga, name="Jan de Vries")
    return World(
        a=client_a,
        b=client_b,
        message=message,
        contact=Contact.objects.get(organisation=client_a.organisation),
        token=ClientToken.objects.get(organisation=client_a.organisation),
        staff_admin=staff_admin,
        outsider=outsider,
        dga=dga,
        dga_organisation=dga_organisation,
    )


@pytest.fixture
def client_environment(world) -> ClientEnvironment:
    """Beside the world, the client environment of A's bookkeeper: an administration with
    A's KvK number, one director, a report and its message prepared for the portal (0)."""
    env = make_environment(
        kvk_number=world.a.kvk_number, token=world.a.token, portal_url="http://127.0.0.1:9"
    )
    clientside_services.prepare(env.report)
    world.client_environment = env
    return env
