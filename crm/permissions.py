"""Who may see and touch what: the one place for the portal's permission rules.

Staff see the organisations of their own accountancy environment; a client user sees only
the messages of the organisations it is a contact of with portal access (one person, one
login: a contact of several organisations of one environment sees each of them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from crm.models import Contact, Organisation, StaffMember


def staff_member(user: Any) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_member
    except StaffMember.DoesNotExist:
        return None


def client_contacts(user: Any) -> QuerySet[Contact]:
    """The contacts through which ``user`` uses OutSite: those with portal access. One
    person may be the contact of several organisations of one accountancy environment (a
    DGA with a holding and an operating company), with one login."""
    if not getattr(user, "is_authenticated", False):
        return Contact.objects.none()
    return Contact.objects.filter(user=user, portal_access=True)


def client_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations a client user may see: each one of which it is a contact with
    portal access. Revoking one contact's access leaves the others."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    # One filter() call: the same contact has the user and the access.
    return Organisation.objects.filter(contacts__user=user, contacts__portal_access=True)


def is_client(user: Any) -> bool:
    """Whether ``user`` uses OutSite: a contact with portal access of any organisation."""
    return client_contacts(user).exists()


def contact_for(user: Any, organisation: Organisation | int) -> Contact | None:
    """The contact ``user`` acts as for ``organisation`` (approving, adopting, rejecting,
    commenting on its messages): its contact there with portal access, or None."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return client_contacts(user).filter(organisation_id=organisation_id).first()


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    member = staff_member(user)
    if member is not None:
        return Organisation.objects.filter(environment_id=member.environment_id)
    return client_organisations(user)


def is_staff_of(user: Any, organisation: Organisation) -> bool:
    member = staff_member(user)
    return member is not None and member.environment_id == organisation.environment_id


def is_client_of(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may act on ``organisation``'s messages as its contact there (the
    status machine's client permission); a contact of another organisation is not."""
    return contact_for(user, organisation) is not None


def may_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may change an organisation's set-up (its identification numbers,
    contacts and approvers): an administrator of the set-up in its environment."""
    member = staff_member(user)
    return (
        member is not None
        and member.environment_id == organisation.environment_id
        and member.role == StaffMember.Role.ADMINISTRATOR
    )
