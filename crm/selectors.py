"""Reads of the CRM that several pages share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from crm.models import Contact, Identification


def organisation_match(text: str, *, contacts: bool = False) -> Q:
    """The organisations whose name or an identification number (the KvK number, RSIN)
    contains ``text``, whatever the case; with ``contacts`` also those with a contact whose
    name, e-mail address or login does (a client on the phone gives their own name).

    What staff type in the search fields of InSite. Subqueries rather than joins, so an
    organisation with two matching contacts is one row, without a DISTINCT."""
    match = Q(name__icontains=text) | Q(
        Exists(Identification.objects.filter(organisation=OuterRef("pk"), value__icontains=text))
    )
    if contacts:
        match |= Q(
            Exists(
                Contact.objects.filter(
                    Q(name__icontains=text)
                    | Q(email__icontains=text)
                    | Q(user__username__icontains=text),
                    organisation=OuterRef("pk"),
                )
            )
        )
    return match
