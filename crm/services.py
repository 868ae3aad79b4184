"""Services of the CRM that scripts and commands use: find an accountancy environment,
create a client organisation with its KvK number, find one by that number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import AccountancyEnvironment, Identification, Organisation, kvk_number_validator


class OnboardingError(Exception):
    """Scripted onboarding cannot go on; the message says what to do, in Dutch."""


def find_environment(participant_number: str | None = None) -> AccountancyEnvironment:
    """The environment with this participant number, or the only one when none is given."""
    if participant_number:
        environment = AccountancyEnvironment.objects.filter(
            participant_number=participant_number
        ).first()
        if environment is None:
            raise OnboardingError(
                _("Er is geen accountantsomgeving met deelnemernummer %(nummer)s.")
                % {"nummer": participant_number}
            )
        return environment
    environments = list(AccountancyEnvironment.objects.order_by("pk")[:2])
    if not environments:
        raise OnboardingError(
            _("Er is nog geen accountantsomgeving; maak die eerst aan (bijvoorbeeld in de admin).")
        )
    if len(environments) > 1:
        raise OnboardingError(
            _(
                "Er zijn meerdere accountantsomgevingen; kies er één met "
                "--environment DEELNEMERNUMMER."
            )
        )
    return environments[0]


def _check_kvk_number(kvk_number: str) -> None:
    try:
        kvk_number_validator(kvk_number)
    except ValidationError:
        raise OnboardingError(
            _(
                "'%(nummer)s' is geen geldig KvK-nummer: een KvK-nummer bestaat uit precies "
                "acht cijfers."
            )
            % {"nummer": kvk_number}
        )


@transaction.atomic
def create_organisation(
    *, environment: AccountancyEnvironment, name: str, kvk_number: str
) -> Organisation:
    """A client organisation with its KvK number, the identification messages are matched on."""
    name = name.strip()
    if not name:
        raise OnboardingError(_("Geef de naam van de organisatie op."))
    _check_kvk_number(kvk_number)
    existing = (
        Identification.objects.select_related("organisation")
        .filter(environment=environment, kind=Identification.Kind.KVK, value=kvk_number)
        .first()
    )
    if existing is not None:
        raise OnboardingError(
            _("KvK-nummer %(nummer)s hoort al bij organisatie '%(naam)s'.")
            % {"nummer": kvk_number, "naam": existing.organisation.name}
        )
    organisation = Organisation.objects.create(environment=environment, name=name)
    Identification.objects.create(
        organisation=organisation, kind=Identification.Kind.KVK, value=kvk_number
    )
    return organisation


def find_organisation(*, kvk_number: str, participant_number: str | None = None) -> Organisation:
    """The client organisation with this KvK number (in one environment)."""
    _check_kvk_number(kvk_number)
    identifications = Identification.objects.select_related("organisation").filter(
        kind=Identification.Kind.KVK, value=kvk_number
    )
    if participant_number:
        identifications = identifications.filter(environment__participant_number=participant_number)
    found = list(identifications[:2])
    if not found:
        raise OnboardingError(
            _(
                "Er is geen organisatie met KvK-nummer %(nummer)s; maak die eerst aan met "
                "create_organisation."
            )
            % {"nummer": kvk_number}
        )
    if len(found) > 1:
        raise OnboardingError(
            _(
                "KvK-nummer %(nummer)s komt in meerdere accountantsomgevingen voor; kies er één "
                "met --environment DEELNEMERNUMMER."
            )
            % {"nummer": kvk_number}
        )
    return found[0].organisation
