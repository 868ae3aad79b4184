"""Factories for the accountant side and the client side."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from connectors.models import AppConnector, MessageType
from crm.models import (
    AccountancyEnvironment,
    ApproverRule,
    Contact,
    EnvironmentActivation,
    Identification,
    Organisation,
    StaffMember,
)
from workflow.models import WorkflowDefinition, WorkflowTask

PASSWORD = "geheim-wachtwoord-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.nl")
    password = factory.django.Password(PASSWORD)


class EnvironmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountancyEnvironment
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kantoor {n}")
    participant_number = factory.Sequence(lambda n: f"{10000 + n:05d}")

    @factory.post_generation
    def activated(obj, create, extracted, **kwargs):
        """The activation "Communicatieconnector accordering OutSite" is on unless a test
        passes ``activated=False`` (the product's default for a new environment is off)."""
        if create and extracted is not False:
            EnvironmentActivation.objects.create(environment=obj, active=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    environment = factory.SubFactory(EnvironmentFactory)
    name = factory.Sequence(lambda n: f"Cliënt {n} B.V.")
    kvk = factory.Sequence(lambda n: f"{30000000 + n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kvk = kwargs.pop("kvk")
        organisation = super()._create(model_class, *args, **kwargs)
        Identification.objects.create(organisation=organisation, kind="kvk", value=kvk)
        return organisation


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    environment = factory.SubFactory(EnvironmentFactory)
    role = StaffMember.Role.WORKER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.username)
    email = factory.LazyAttribute(lambda o: o.user.email)
    portal_access = True


def make_directors(client, *names: str) -> list[Contact]:
    """Directors with portal access of ``client``'s organisation (a tests.conftest.Client):
    the client's own contact is the first, named ``names[0]``; a new contact per other name."""
    first = client.user.client_contacts.get()
    first.name, first.is_director = names[0], True
    first.save()
    others = [
        ContactFactory(organisation=client.organisation, name=name, is_director=True)
        for name in names[1:]
    ]
    return [first, *others]


def require_directors(workflow: WorkflowDefinition) -> None:
    """The workflow asks every director's approval."""
    workflow.approver_rule = ApproverRule.DIRECTORS
    workflow.save()


def make_workflow(environment, *, accountant_review: bool = False) -> WorkflowDefinition:
    workflow = WorkflowDefinition.objects.create(
        environment=environment, name="KvK-stukken", accountant_review=accountant_review
    )
    for position, action in enumerate(
        [WorkflowTask.Action.ADOPT, WorkflowTask.Action.APPROVE, WorkflowTask.Action.REJECT]
    ):
        WorkflowTask.objects.create(
            definition=workflow,
            name=str(action.label),
            role="client",
            action=action,
            position=position,
        )
    return workflow


def make_connector(environment) -> AppConnector:
    return AppConnector.objects.create(environment=environment, name="CommSvc")


def make_message_type(environment, workflow=None, **kwargs) -> MessageType:
    return MessageType.objects.create(
        environment=environment,
        code=MessageType.KVK_MICRO_KLEIN,
        name="KvK-stukken (micro en klein)",
        workflow=workflow if workflow is not None else make_workflow(environment),
        **kwargs,
    )
