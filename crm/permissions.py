"""Who may see and touch what: the one place for the portal's permission rules.

Staff see the organisations of their own accountancy environment; a client user sees only
the messages of the organisation it belongs to (and only with portal access).
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


def client_contact(user: Any) -> Contact | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        contact = user.portal_contact
    except Contact.DoesNotExist:
        return None
    return contact if contact.portal_access else None


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    member = staff_member(user)
    if member is not None:
        return Organisation.objects.filter(environment_id=member.environment_id)
    contact = client_contact(user)
    if contact is not None:
        return Organisation.objects.filter(pk=contact.organisation_id)
    return Organisation.objects.none()


def is_staff_of(user: Any, organisation: Organisation) -> bool:
    member = staff_member(user)
    return member is not None and member.environment_id == organisation.environment_id


def is_client_of(user: Any, organisation: Organisation) -> bool:
    contact = client_contact(user)
    return contact is not None and contact.organisation_id == organisation.pk


def may_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may change an organisation's set-up (its identification numbers,
    contacts and approvers): an administrator of the set-up in its environment."""
    member = staff_member(user)
    return (
        member is not None
        and member.environment_id == organisation.environment_id
        and member.role == StaffMember.Role.ADMINISTRATOR
    )
