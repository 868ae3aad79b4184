"""Create the demo world: an accountancy environment with staff, clients and tokens on
one side, and the clients' administrations with annual reports on the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from clientside.activation import set_administration_activation
from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    FilingActivationChange,
    Signatory,
)
from connectors import services as connector_services
from connectors.activation import set_environment_activation
from connectors.models import AppConnector, MessageType
from crm.models import (
    AccountancyEnvironment,
    Contact,
    EnvironmentActivationChange,
    Identification,
    Organisation,
    StaffMember,
)
from kvk import taxonomy as tx
from kvk.statements import demo_statements
from workflow.models import WorkflowDefinition, WorkflowTask

DEMO_PASSWORD = "deponeer-demo"
PARTICIPANT = "12345"


@dataclass
class DemoClient:
    name: str
    kvk_number: str
    username: str
    #: the KvK report (entry point variant) the client files
    variant: str = "micro"
    street: str = "Oudegracht"
    house_number: str = "120"
    postal_code: str = "3511AX"
    place: str = "Utrecht"


DEMO_CLIENTS = [
    DemoClient("Bakkerij De Korenschoof B.V.", "12345678", "klant-a"),
    DemoClient(
        "Fietsenmakerij Van Dijk B.V.",
        "23456789",
        "klant-b",
        variant="klein-publicatiestukken",
        street="Voorstraat",
        house_number="45",
        postal_code="3512AK",
    ),
    DemoClient(
        "Hoveniersbedrijf Groen B.V.",
        "34567890",
        "klant-c",
        variant="klein",
        street="Biltstraat",
        house_number="8",
        postal_code="3572AK",
    ),
]


def environment() -> AccountancyEnvironment:
    env, _ = AccountancyEnvironment.objects.get_or_create(
        participant_number=PARTICIPANT, defaults={"name": "Accountantskantoor Demo"}
    )
    return env


def default_workflow(env: AccountancyEnvironment) -> WorkflowDefinition:
    workflow, created = WorkflowDefinition.objects.get_or_create(
        environment=env, name="KvK-stukken accorderen"
    )
    if created:
        for position, (name, role, action) in enumerate(
            [
                ("Jaarrekening vaststellen", WorkflowTask.Role.CLIENT, WorkflowTask.Action.ADOPT),
                ("Goedkeuren bericht", WorkflowTask.Role.CLIENT, WorkflowTask.Action.APPROVE),
                ("Afkeuren bericht", WorkflowTask.Role.CLIENT, WorkflowTask.Action.REJECT),
            ]
        ):
            WorkflowTask.objects.create(
                definition=workflow, name=name, role=role, action=action, position=position
            )
    return workflow


def connector(env: AccountancyEnvironment) -> AppConnector:
    group, _ = Group.objects.get_or_create(name="Cliëntomgevingen")
    conn, _ = AppConnector.objects.get_or_create(
        environment=env, name="Cliëntomgevingen (CommSvc)", defaults={"user_group": group}
    )
    MessageType.objects.get_or_create(
        environment=env,
        code=MessageType.KVK_MICRO_KLEIN,
        defaults={"name": "KvK-stukken (micro en klein)", "workflow": default_workflow(env)},
    )
    return conn


def activate(env: AccountancyEnvironment) -> None:
    """Switch "Communicatieconnector accordering OutSite" on, recorded as done by the demo
    loader; after the message type exists, so the conversion leaves it as the demo made it."""
    connector(env)
    set_environment_activation(
        environment=env, active=True, source=EnvironmentActivationChange.Source.DEMO
    )


def _user(username: str, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=extra)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def add_client(
    *,
    name: str,
    kvk_number: str,
    username: str,
    portal_url: str,
    year: int,
    client: DemoClient | None = None,
) -> tuple[Organisation, Administration, AnnualReport]:
    """One client on both sides: organisation, portal login and token at the accountant;
    administration (KvK data with its address), communication profile and an annual
    report with NT19 figures, ready to send, at the client."""
    client = client or DemoClient(name, kvk_number, username)
    env = environment()
    activate(env)
    org = Organisation.objects.filter(
        environment=env, identifications__kind="kvk", identifications__value=kvk_number
    ).first()
    if org is None:
        org = Organisation.objects.create(environment=env, name=name)
        Identification.objects.create(organisation=org, kind="kvk", value=kvk_number)
    user = _user(username, email=f"{username}@example.nl", first_name=name.split()[0])
    Contact.objects.get_or_create(
        organisation=org,
        user=user,
        defaults={"name": user.first_name, "email": user.email, "portal_access": True},
    )
    administration, _ = Administration.objects.get_or_create(
        kvk_number=kvk_number,
        name=name,
        defaults={
            "legal_form": tx.LEGAL_FORM_BV,
            "seat": "Utrecht",
            "street": client.street,
            "house_number": client.house_number,
            "postal_code": client.postal_code,
            "place": client.place,
            "filing_email": f"administratie@{username}.example.nl",
            "kvk_report": client.variant,
        },
    )
    Signatory.objects.get_or_create(
        administration=administration,
        name="J. de Vries",
        defaults={"function": tx.DIRECTOR, "order": 1},
    )
    set_administration_activation(
        administration=administration, active=True, source=FilingActivationChange.Source.DEMO
    )
    if not hasattr(administration, "communication_profile"):
        _token, raw = connector_services.issue_token(
            organisation=org, connector=connector(env), description=f"Omgeving {name}"
        )
        CommunicationProfile.objects.create(
            administration=administration,
            participant_number=PARTICIPANT,
            portal_url_override=portal_url,
            token=raw,
        )
    report, _ = AnnualReport.objects.get_or_create(
        administration=administration,
        financial_year=year,
        resubmission=False,
        defaults=report_values(administration, year, signing_place=client.place),
    )
    return org, administration, report


def signing_day(year: int) -> date:
    """The day the demo accounts of ``year`` are drawn up and signed: after the year's
    end, never in the future."""
    return min(date(year + 1, 3, 1), date.today())


def report_values(
    administration: Administration, year: int, *, signing_place: str
) -> dict[str, object]:
    """An annual report's figures (NT19 demo figures for the administration's KvK report)
    and its signing, drawn up and signed on ``signing_day``."""
    statements = demo_statements(
        kvk_number=administration.kvk_number,
        legal_name=administration.name,
        year=year,
        size=administration.size,
        variant=administration.kvk_report,
    )
    statements.prepared_on = signing_day(year)
    return {
        "statements": statements.to_dict(),
        "signed_date": statements.prepared_on,
        "signing_place": signing_place,
    }


def bookkeeping_group() -> Group:
    """The client environment's bookkeepers: keep the administrations and annual reports,
    prepare them ("Klaarzetten") and send/receive them."""
    group, _ = Group.objects.get_or_create(name="Boekhouding cliëntomgeving")
    group.permissions.set(Permission.objects.filter(content_type__app_label="clientside"))
    return group


def load(portal_url: str) -> list[str]:
    """Load the whole demo; returns lines describing the logins."""
    env = environment()
    activate(env)
    staff = _user("medewerker", email="medewerker@example.nl", first_name="Mila")
    StaffMember.objects.get_or_create(
        user=staff, defaults={"environment": env, "role": StaffMember.Role.ADMINISTRATOR}
    )
    admin = _user("beheerder", email="beheerder@example.nl", is_staff=True, is_superuser=True)
    bookkeeper = _user("boekhouder", email="boekhouder@example.nl", first_name="Bas")
    bookkeeper.groups.add(bookkeeping_group())
    year = date.today().year - 1
    for client in DEMO_CLIENTS:
        add_client(
            name=client.name,
            kvk_number=client.kvk_number,
            username=client.username,
            portal_url=portal_url,
            year=year,
            client=client,
        )
    return [
        f"Medewerker (InSite):  medewerker / {DEMO_PASSWORD}",
        *[
            f"Cliënt (OutSite):     {c.username} / {DEMO_PASSWORD}  ({c.name}, KvK {c.kvk_number})"
            for c in DEMO_CLIENTS
        ],
        f"Boekhouding (cliëntomgeving, /klant/): {bookkeeper.username} / {DEMO_PASSWORD}",
        f"Beheer (Django admin): {admin.username} / {DEMO_PASSWORD}",
    ]
