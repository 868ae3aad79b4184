"""Services of the CRM: find an accountancy environment, create a client organisation with
its KvK number, find one by that number (scripts and commands); add, correct and remove an
organisation's identification numbers (InSite); choose its responsible staff member, and
release those of a staff member who moved to another environment; give a contact its
portal login or withdraw its access, recorded in the organisation's history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm import logins, permissions
from crm.models import (
    RESPONSIBLE_ELSEWHERE,
    AccountancyEnvironment,
    Contact,
    Identification,
    Organisation,
    StaffMember,
    is_staff_login,
    responsible_of_environment,
    rsin_validator,
)
from kvk import taxonomy as tx
from kvk.fields import kvk_number_validator, refuse_unfilable_kvk_number
from kvk.status import Status


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


def find_staff_member(environment: AccountancyEnvironment, login: str) -> StaffMember:
    """The staff member of ``environment`` who logs in as ``login``, capitals aside
    (crm.logins.find_login): ``create_organisation --medewerker``."""
    user = logins.find_login(login.strip())
    member = StaffMember.objects.filter(environment=environment, user=user).first()
    if user is None or member is None:
        raise OnboardingError(
            _(
                "Er is geen medewerker met de login '%(login)s' in accountantsomgeving "
                "%(omgeving)s; geef de login van een medewerker van die omgeving."
            )
            % {"login": login, "omgeving": environment}
        )
    return member


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


def _check_new_kvk_number(kvk_number: str) -> None:
    """A number an organisation is created with, which it files with: eight digits
    (_check_kvk_number) and not one the KvK refuses in a filing ("00123456"); finding an
    organisation by its number checks the format only."""
    _check_kvk_number(kvk_number)
    try:
        refuse_unfilable_kvk_number(kvk_number)
    except ValidationError as error:
        raise OnboardingError(error.messages[0]) from None


@transaction.atomic
def create_organisation(
    *,
    environment: AccountancyEnvironment,
    name: str,
    kvk_number: str,
    legal_form: str = tx.LEGAL_FORM_BV,
    responsible: StaffMember | None = None,
) -> Organisation:
    """A client organisation with its KvK number, the identification messages are matched
    on, its legal form (a value of the taxonomy's list, tx.LEGAL_FORMS) and, if given, its
    responsible staff member (one of ``environment``)."""
    if legal_form not in tx.LEGAL_FORMS:
        raise ValueError(f"{legal_form!r} is not in the taxonomy's list of legal forms.")
    if not responsible_of_environment(responsible, environment.pk):
        raise OnboardingError(str(RESPONSIBLE_ELSEWHERE))
    name = name.strip()
    if not name:
        raise OnboardingError(_("Geef de naam van de organisatie op."))
    _check_new_kvk_number(kvk_number)
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
    organisation = Organisation.objects.create(
        environment=environment, name=name, legal_form=legal_form, responsible=responsible
    )
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


# --- identification numbers of an organisation (InSite) ---------------------------------------


class IdentificationError(Exception):
    """An identification number cannot be added, changed or removed. ``code`` is stable;
    ``message`` says why, in the reader's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


#: The format of each kind of number; a KvK number typed is also refused when the KvK refuses
#: it in a filing (beginning with 00).
_VALIDATORS: dict[str, Callable[[str], None]] = {
    Identification.Kind.KVK: refuse_unfilable_kvk_number,
    Identification.Kind.RSIN: rsin_validator,
}

#: A message at one of these statuses is delivered to the KvK and followed there under its
#: organisation's KvK number as it is at that moment (workflow.submission: the
#: identiteitBelanghebbende of the delivery and of the search for an earlier one).
ON_THE_WAY_TO_KVK = (Status.APPROVED, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR)
#: The reason code of a message the delivery stopped at 70 because the KvK number in its
#: document is no longer the organisation's (workflow.services.verify_document; the code of
#: workflow.reasons.TRANSPORT). crm sits below workflow: the code is named here.
KVK_NUMBER_CHANGED = "kvk_number_changed"
#: A 70 stopped for KVK_NUMBER_CHANGED with no attempt planned or running: nothing travels
#: under the organisation's number, and any next step (workflow.services.resend, the
#: delivery) checks the document's number against the organisation's again. Such a message
#: does not keep the number: staff restore the number the document carries and send it
#: again. ``reasons`` holds the one reason the delivery stored when it stopped.
STOPPED_FOR_KVK_NUMBER = Q(
    status=Status.TRANSPORT_ERROR,
    next_attempt_at__isnull=True,
    reasons__0__code=KVK_NUMBER_CHANGED,
)


def stopped_for_kvk_number(status: int, next_attempt_at: Any, reasons: Any) -> bool:
    """STOPPED_FOR_KVK_NUMBER for one message's status, planned attempt and reasons."""
    first = reasons[0] if isinstance(reasons, list) and reasons else None
    return (
        status == Status.TRANSPORT_ERROR
        and next_attempt_at is None
        and isinstance(first, dict)
        and first.get("code") == KVK_NUMBER_CHANGED
    )


#: Uploads not yet processed: processing matches their document's KvK number with the
#: organisation's as it is when they are processed.
WAITING_FOR_PROCESSING = (Status.RECEIVED, Status.PROCESSING)
#: In the workflow, not yet approved: their document holds the KvK number they were matched on.
BEFORE_APPROVAL = (Status.IN_REVIEW, Status.REJECTED)


@dataclass(frozen=True)
class KvkChangeEffects:
    """What a change of an organisation's KvK number means for its messages."""

    #: Processed already (25 and later): they stay with the organisation, not matched again.
    received: int
    #: At 10 or 20: checked against the number as it is when processing reaches them.
    waiting: int
    #: At 30 or 40 (and not replaced): their document holds the number they were matched on.
    before_approval: int
    #: At 50, 60 or 70: the change is refused while there are any.
    on_the_way: int
    #: At 70, stopped because their document's KvK number is no longer the organisation's
    #: (STOPPED_FOR_KVK_NUMBER): not on the way, they do not hold the change back.
    stopped: int = 0


def kvk_change_effects(organisation: Organisation) -> KvkChangeEffects:
    """Count the organisation's messages by what a change of its KvK number means for them
    (one query). The messages are workflow's (related name ``approval_messages``), read
    through the relation: crm sits below workflow and does not import it."""
    counts = organisation.approval_messages.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_PROCESSING)),
        before_approval=Count("pk", filter=Q(status__in=BEFORE_APPROVAL, replaced_by__isnull=True)),
        # Stopped messages are at 70: counted apart, without a negation of the JSON
        # lookup (its NULL would drop a 70 without reasons from the count).
        on_the_way=Count("pk", filter=Q(status__in=ON_THE_WAY_TO_KVK)),
        stopped=Count("pk", filter=STOPPED_FOR_KVK_NUMBER),
    )
    return KvkChangeEffects(
        received=counts["total"] - counts["waiting"],
        waiting=counts["waiting"],
        before_approval=counts["before_approval"],
        on_the_way=counts["on_the_way"] - counts["stopped"],
        stopped=counts["stopped"],
    )


def _kind_label(kind: str) -> str:
    return str(Identification.Kind(kind).label)


def _current(organisation: Organisation, kind: str) -> Identification | None:
    if organisation.pk is None:
        return None  # being added (the Django admin): it has no number yet
    return Identification.objects.filter(organisation=organisation, kind=kind).first()


def _check_kind(kind: str) -> None:
    if kind not in Identification.Kind.values:
        raise IdentificationError("kind_unknown", _("Kies het soort identificatienummer."))


def _check_format(kind: str, value: str) -> None:
    if not value:
        raise IdentificationError("value_missing", _("Vul het identificatienummer in."))
    try:
        _VALIDATORS[Identification.Kind(kind)](value)
    except ValidationError as error:
        raise IdentificationError(f"{kind}_format", error.messages[0]) from None


def _in_use(
    organisation: Organisation, kind: str, value: str, user: Any
) -> IdentificationError | None:
    """The error for a number another organisation of the environment has (naming it when
    ``user`` may see it); None when the number is free."""
    owner = (
        Identification.objects.filter(
            environment_id=organisation.environment_id, kind=kind, value=value
        )
        .exclude(organisation_id=organisation.pk)
        .values_list("organisation_id", flat=True)
        .first()
    )
    if owner is None:
        return None
    params = {"kind": _kind_label(kind), "value": value}
    visible = permissions.visible_organisations(user).filter(pk=owner).first()
    if visible is not None:
        return IdentificationError(
            "in_use",
            _("%(kind)s %(value)s hoort al bij organisatie '%(name)s'.")
            % {**params, "name": visible.name},
        )
    return _in_use_elsewhere(kind, value)


def _in_use_elsewhere(kind: str, value: str) -> IdentificationError:
    return IdentificationError(
        "in_use",
        _("%(kind)s %(value)s is al in gebruik bij een andere organisatie.")
        % {"kind": _kind_label(kind), "value": value},
    )


def check_not_on_the_way(organisation: Organisation, kind: str) -> None:
    """A KvK number stays while messages travel to the KvK under it: delivering or finding
    a delivery under another number than the document's would not be this filing's. A
    message the delivery stopped for a changed KvK number (STOPPED_FOR_KVK_NUMBER) travels
    no more: the number may be restored for it."""
    if kind != Identification.Kind.KVK or organisation.pk is None:
        return
    count = kvk_change_effects(organisation).on_the_way
    if count:
        raise IdentificationError(
            "kvk_on_the_way",
            ngettext(
                "Het KvK-nummer kan nu niet worden gewijzigd of verwijderd: %(count)d bericht "
                "van deze organisatie is onderweg naar de KvK (status 50, 60 of 70) en wordt "
                "onder het huidige KvK-nummer afgeleverd en gevolgd. Wacht tot het is "
                "gedeponeerd of afgekeurd.",
                "Het KvK-nummer kan nu niet worden gewijzigd of verwijderd: %(count)d berichten "
                "van deze organisatie zijn onderweg naar de KvK (status 50, 60 of 70) en worden "
                "onder het huidige KvK-nummer afgeleverd en gevolgd. Wacht tot ze zijn "
                "gedeponeerd of afgekeurd.",
                count,
            )
            % {"count": count},
        )


def check_identification(
    *, organisation: Organisation, kind: str, value: str, user: Any, adding: bool
) -> str:
    """The number as it will be stored (without spaces), or IdentificationError saying why
    it cannot be: an unknown kind, a wrong format, a second number of one kind (``adding``)
    or none to change, a number of another organisation, a KvK number with messages on the
    way to the KvK. The services check it again under the lock; a form checks it first."""
    _check_kind(kind)
    value = "".join((value or "").split())
    _check_format(kind, value)
    current = _current(organisation, kind)
    if adding and current is not None:
        raise IdentificationError(
            "kind_exists",
            _(
                "Deze organisatie heeft al een %(kind)s (%(value)s); een organisatie heeft er "
                "één. Wijzig dat nummer in plaats van een tweede toe te voegen."
            )
            % {"kind": _kind_label(kind), "value": current.value},
        )
    if not adding and current is None:
        raise _missing(kind)
    if current is not None and current.value == value:
        return value  # nothing changes
    in_use = _in_use(organisation, kind, value, user)
    if in_use is not None:
        raise in_use
    check_not_on_the_way(organisation, kind)
    return value


def check_removal(*, organisation: Organisation, kind: str) -> Identification:
    """The number to remove, or IdentificationError: none of this kind, or a KvK number
    with messages on the way to the KvK."""
    _check_kind(kind)
    current = _current(organisation, kind)
    if current is None:
        raise _missing(kind)
    check_not_on_the_way(organisation, kind)
    return current


def _missing(kind: str) -> IdentificationError:
    return IdentificationError(
        "kind_missing", _("Deze organisatie heeft geen %(kind)s.") % {"kind": _kind_label(kind)}
    )


def _locked_organisation(organisation_id: int, user: Any) -> Organisation:
    """The organisation, locked: its identification numbers change one at a time. Another
    environment's answers as one that does not exist."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None or not permissions.is_staff_of(user, organisation):
        raise IdentificationError("not_found", _("Deze organisatie bestaat niet."))
    if not permissions.may_edit_organisation(user, organisation):
        raise IdentificationError(
            "not_permitted", _("Alleen beheerders van de inrichting mogen dit.")
        )
    return organisation


def _audit(user: Any, organisation: Organisation, entry: dict[str, Any]) -> None:
    """Record the change in the organisation's history as the admin records a change of its
    identification numbers (LogEntry with the admin's change message, untranslated)."""
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[organisation],
        action_flag=CHANGE,
        change_message=[entry],
        single_object=True,
    )


def _subject(kind: str, value: str) -> dict[str, str]:
    with translation.override(None):
        return {
            "name": str(Identification._meta.verbose_name),
            "object": f"{Identification.Kind(kind).label} {value}",
        }


def _save(identification: Identification, user: Any) -> None:
    """Save; a number another organisation took meanwhile (the database keeps numbers unique
    within an environment) is refused as the check would have refused it."""
    try:
        with transaction.atomic():
            identification.save()
    except IntegrityError:
        organisation, kind, value = (
            identification.organisation,
            identification.kind,
            identification.value,
        )
        raise _in_use(organisation, kind, value, user) or _in_use_elsewhere(kind, value) from None


@transaction.atomic
def add_identification(*, organisation_id: int, kind: str, value: str, user: Any) -> Identification:
    """Add a number of a kind the organisation does not have yet ("Nieuw": Type,
    Identificatienummer). A KvK number added is what the next uploads are matched on."""
    organisation = _locked_organisation(organisation_id, user)
    value = check_identification(
        organisation=organisation, kind=kind, value=value, user=user, adding=True
    )
    identification = Identification(organisation=organisation, kind=kind, value=value)
    _save(identification, user)
    _audit(user, organisation, {"added": _subject(kind, value)})
    return identification


@transaction.atomic
def change_identification(
    *, organisation_id: int, kind: str, value: str, user: Any
) -> tuple[Identification, bool]:
    """Correct the organisation's number of ``kind``; returns it and whether it changed.
    Messages already received keep their organisation: nothing is matched again."""
    organisation = _locked_organisation(organisation_id, user)
    value = check_identification(
        organisation=organisation, kind=kind, value=value, user=user, adding=False
    )
    identification = _current(organisation, kind)
    assert identification is not None  # check_identification refuses a missing one
    old = identification.value
    if old == value:
        return identification, False
    identification.value = value
    _save(identification, user)
    entry = _subject(kind, f"{old} → {value}")
    _audit(user, organisation, {"changed": {**entry, "fields": ["nummer"]}})
    return identification, True


@transaction.atomic
def remove_identification(*, organisation_id: int, kind: str, user: Any) -> None:
    """Remove the organisation's number of ``kind``. Without a KvK number no upload of the
    organisation can be matched: processing refuses it (25)."""
    organisation = _locked_organisation(organisation_id, user)
    identification = check_removal(organisation=organisation, kind=kind)
    identification.delete()
    _audit(user, organisation, {"deleted": _subject(kind, identification.value)})


# --- the responsible staff member (InSite: "Verantwoordelijk medewerker") -------------------


class ResponsibleError(Exception):
    """The responsible staff member cannot be set. ``code`` is stable (``not_found``,
    ``not_permitted``, ``elsewhere``); ``message`` says why, in the reader's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def set_responsible(*, organisation_id: int, member_id: int | None, user: Any) -> bool:
    """Make the staff member ``member_id`` (None: nobody) responsible for the organisation;
    whether that changed anything. From the next mail on, its staff mail goes to them
    alone (portal.notifications.staff_recipients, deadlines.reminders)."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None or not permissions.is_staff_of(user, organisation):
        raise ResponsibleError("not_found", _("Deze organisatie bestaat niet."))
    if not permissions.may_edit_organisation(user, organisation):
        raise ResponsibleError("not_permitted", _("Alleen beheerders van de inrichting mogen dit."))
    member = StaffMember.objects.filter(pk=member_id).first() if member_id is not None else None
    if member_id is not None and member is None:
        raise ResponsibleError("not_found", _("Deze medewerker bestaat niet meer."))
    if not responsible_of_environment(member, organisation.environment_id):
        raise ResponsibleError("elsewhere", str(RESPONSIBLE_ELSEWHERE))
    if organisation.responsible_id == member_id:
        return False
    organisation.responsible = member
    organisation.save(update_fields=["responsible"])
    _audit_responsible(user, organisation)
    return True


@transaction.atomic
def release_responsibilities(*, member_id: int, user: Any) -> int:
    """After the staff member ``member_id`` moved to another accountancy environment (the
    admin's StaffMemberAdmin, in the transaction of the move): the organisations of the
    environments they left no longer name them as responsible, and hear from everyone
    again (portal.notifications.staff_recipients); how many."""
    member = StaffMember.objects.select_for_update().get(pk=member_id)
    left_behind = list(
        Organisation.objects.select_for_update()
        .filter(responsible=member)
        .exclude(environment_id=member.environment_id)
        .order_by("pk")
    )
    for organisation in left_behind:
        organisation.responsible = None
        organisation.save(update_fields=["responsible"])
        _audit_responsible(user, organisation)
    return len(left_behind)


def _audit_responsible(user: Any, organisation: Organisation) -> None:
    with translation.override(None):
        label = str(Organisation._meta.get_field("responsible").verbose_name)
    _audit(user, organisation, {"changed": {"fields": [label]}})


# --- portal logins of contacts (InSite: "Uitnodigen", a new contact with portal access) --------


class PortalLoginRefused(Exception):
    """A contact cannot get a portal login. ``code`` is stable: ``login_taken`` (the
    address is the login of a staff member, an administrator or a contact in another
    accountancy environment) or ``already_contact`` (that person is already a contact of
    this organisation); the portal words it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PortalLogin:
    """The login a contact gets with portal access: ``user`` is an existing login (None:
    a new one is made), ``shared`` says that the person already logs in with it as the
    contact of another organisation of the same environment (no new invitation)."""

    user: Any = None
    shared: bool = False


def portal_login(
    *, organisation: Organisation, email: str, contact: Contact | None = None
) -> PortalLogin:
    """Which login ``contact`` (or a new contact with ``email``) of ``organisation`` gets
    with portal access; PortalLoginRefused when it cannot get one.

    A contact logs in with its e-mail address. One person, one login: a DGA running a
    holding and an operating company, both clients of one accountancy environment, uses
    the login he has for both. Across environments the address is refused, as it is for
    staff: one firm's portal must not lead into another's, and the refusal says nothing
    about whose login it is."""
    user = contact.user if contact is not None and contact.user_id else None
    if user is None:
        user = _login_of_address(email)
    if user is None:
        return PortalLogin()
    if is_staff_login(user):
        raise PortalLoginRefused("login_taken")
    others = Contact.objects.filter(user=user)
    if contact is not None and contact.pk is not None:
        others = others.exclude(pk=contact.pk)
    environments = set(others.values_list("organisation__environment_id", "organisation_id"))
    if any(environment != organisation.environment_id for environment, _id in environments):
        raise PortalLoginRefused("login_taken")
    if any(organisation_id == organisation.pk for _env, organisation_id in environments):
        raise PortalLoginRefused("already_contact")
    # A login whose owner never chose a password is not in use yet: the person gets the
    # invitation (Django's password reset skips users without a usable password).
    return PortalLogin(user=user, shared=bool(environments) and user.has_usable_password())


def _login_of_address(email: str) -> Any | None:
    """The existing login of the person with this e-mail address, or None for a new one.

    Addresses are matched without regard to case, as mail delivers them (and the login
    finds them, crm.logins): "Jan@x.nl" is the login "jan@x.nl" already is. A login named
    otherwise whose e-mail address this is ("klant-a" with klant-a@example.nl) is that
    person's login too: "Wachtwoord vergeten" with this address reaches it."""
    user = logins.find_login(email)
    if user is not None:
        return user
    if logins.logins_named(email).exists():
        # Old logins differing only in capitals, none written as this address: which
        # person is meant cannot be told, and a new spelling would be one more.
        raise PortalLoginRefused("login_taken")
    addressed = list(logins.addressed_to(email)[:2]) if email else []
    if len(addressed) > 1:  # which person is meant cannot be told
        raise PortalLoginRefused("login_taken")
    return addressed[0] if addressed else None


#: What the organisation's history calls a contact's access to OutSite.
PORTAL_ACCESS = gettext_lazy("klantportaltoegang")


def _audit_access(user: Any, contact: Contact, *, granted: bool) -> None:
    """Record in the organisation's history who gave or withdrew ``contact``'s portal access,
    as the admin records an inline row added or deleted: "Klantportaltoegang “Jan Jansen
    (jan@example.nl)” toegevoegd/verwijderd" (the change message, untranslated)."""
    with translation.override(None):
        name = str(PORTAL_ACCESS)
    person = f"{contact.name} ({contact.email})" if contact.email else contact.name
    action = "added" if granted else "deleted"
    _audit(user, contact.organisation, {action: {"name": name, "object": person}})


class ContactAccessError(Exception):
    """A contact's portal access cannot be withdrawn. ``code`` is stable (``not_found``,
    ``not_permitted``); ``message`` says why, in the reader's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def withdraw_portal_access(*, contact_id: int, user: Any) -> bool:
    """Withdraw a contact's portal access (OutSite checks it on every request) and record
    who did so in the organisation's history; whether it had access. The person's login
    and their access as the contact of other organisations stay."""
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None or not permissions.is_staff_of(user, contact.organisation):
        raise ContactAccessError("not_found", _("Deze contactpersoon bestaat niet."))
    if not permissions.may_edit_organisation(user, contact.organisation):
        raise ContactAccessError(
            "not_permitted", _("Alleen beheerders van de inrichting mogen dit.")
        )
    if not contact.portal_access:
        return False
    contact.portal_access = False
    contact.save(update_fields=["portal_access"])
    _audit_access(user, contact, granted=False)
    return True


@transaction.atomic
def grant_portal_access(*, contact_id: int, by: Any) -> PortalLogin:
    """Give a contact portal access with its login (``portal_login``): a new user without a
    usable password, or the person's existing login. The caller invites the person to
    choose a password unless the login is ``shared``: the person already uses it and now
    sees this organisation's messages too. Access given (not an invitation sent again) is
    recorded in the organisation's history as given by ``by`` (the staff member's user)."""
    contact = Contact.objects.select_for_update().select_related("organisation").get(pk=contact_id)
    had_access = contact.portal_access
    decide = partial(
        portal_login, organisation=contact.organisation, email=contact.email, contact=contact
    )
    login = decide()
    User = get_user_model()
    if login.user is not None:
        # Lock the login and decide again: two environments granting one login at the same
        # moment would each see none of the other's contacts.
        User.objects.select_for_update().get(pk=login.user.pk)
        login = decide()
    user = login.user
    if user is None:
        # One form for every new login (lowercase), so two grants of "Jan@x.nl" and
        # "jan@x.nl" at one moment meet in the unique username instead of making two.
        user = User(
            username=logins.login_from_email(contact.email),
            email=contact.email,
            first_name=contact.name,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same address granted elsewhere at this moment
            raise PortalLoginRefused("login_taken") from None
    contact.user = user
    contact.portal_access = True
    try:
        with transaction.atomic():
            contact.save(update_fields=["user", "portal_access"])
    except IntegrityError:  # the same person linked to this organisation meanwhile
        raise PortalLoginRefused("already_contact") from None
    if not had_access:
        _audit_access(by, contact, granted=True)
    return PortalLogin(user=user, shared=login.shared)


# --- a contact's e-mail address, which is its login (the Django admin) -------------------------


class ContactEmailRefused(Exception):
    """A contact's e-mail address cannot be changed. ``code`` is stable: ``login_taken``
    (the address is another person's login), ``staff_login`` (the contact's login is a
    staff login, which is not changed from here) or ``email_required`` (a contact with a
    login keeps an address: the login is that address); the edge words it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_contact_email(*, contact: Contact, email: str) -> None:
    """ContactEmailRefused when ``contact`` (saved, with its login as it is stored) cannot
    take ``email`` as its address; the checks of portal_login, for a login that exists."""
    user = contact.user
    if user is None:
        return  # no login: the address is only where mail goes
    if not email:
        raise ContactEmailRefused("email_required")
    if is_staff_login(user):
        raise ContactEmailRefused("staff_login")
    # Another login named so, or with this e-mail address: "Wachtwoord vergeten" mails
    # every login whose address it is, so its owner (a staff login named otherwise, say)
    # would get a link to this contact's login too.
    taken = logins.logins_named(email) | logins.addressed_to(email)
    if taken.exclude(pk=user.pk).exists():
        raise ContactEmailRefused("login_taken")


@transaction.atomic
def change_contact_email(*, contact_id: int, email: str) -> list[Contact]:
    """Correct a contact's e-mail address and carry it to its login: the login is the
    address (username, lowercase, when it was the old address; the address password resets
    go to). A login shared by contacts of several organisations (one person, one login) is
    that one person's: all of them get the new address, or the person's other
    organisations would keep mailing the old one. Returns the other contacts changed."""
    contact = (
        Contact.objects.select_for_update(of=("self",)).select_related("user").get(pk=contact_id)
    )
    email = email.strip()
    user = contact.user
    if user is None:
        Contact.objects.filter(pk=contact.pk).update(email=email)
        return []
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    contact.user = user
    check_contact_email(contact=contact, email=email)
    old = {address.lower() for address in (contact.email, user.email) if address}
    if user.get_username().lower() in old:
        setattr(user, user.USERNAME_FIELD, logins.login_from_email(email))
    user.email = email
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the address became another login meanwhile
        raise ContactEmailRefused("login_taken") from None
    same_person = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(user=user)
        .order_by("pk")
    )
    others = [other for other in same_person if other.pk != contact.pk]
    same_person.update(email=email)
    return others


def reply_to(organisations: Iterable[Organisation]) -> list[str]:
    """Where a client's reply to the portal's mail about ``organisations`` goes: the
    address of each one's responsible staff member (Organisation.responsible_here) who can
    receive mail, once each (whatever its capitals); none without one, and the reply goes
    to the sender (DEFAULT_FROM_EMAIL) as before. The mails come from a no-reply address
    but are signed by the accountancy firm, so a client's reply reaches a person."""
    addresses: dict[str, str] = {}
    for organisation in organisations:
        member = organisation.responsible_here
        if member is not None and member.receives_mail:
            addresses.setdefault(logins.address_key(member.user.email), member.user.email)
    return list(addresses.values())
