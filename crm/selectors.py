"""Reads of the CRM that several pages share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from crm.models import Contact, Identification
from kvk.search import name_match, number_text, typed


def organisation_match(text: str, *, contacts: bool = False) -> Q:
    """The organisations whose name ``text`` finds (kvk.search.name_match: whatever the
    accents, case, dots, hyphens and spaces; "jansen bv" finds "Jansen B.V.") or whose
    identification number (the KvK number, RSIN) contains it, spaces left out ("1234 5678");
    with ``contacts`` also those with a contact whose name ``text`` finds or whose e-mail
    address or login contains it, whatever the case (a client on the phone gives their own
    name).

    What staff type in the search fields of InSite. Subqueries rather than joins, so an
    organisation with two matching contacts is one row, without a DISTINCT."""
    text = typed(text)
    numbers = Identification.objects.filter(
        organisation=OuterRef("pk"), value__icontains=number_text(text)
    )
    match = name_match(text) | Q(Exists(numbers))
    if contacts:
        match |= Q(
            Exists(
                Contact.objects.filter(
                    name_match(text) | Q(email__icontains=text) | Q(user__username__icontains=text),
                    organisation=OuterRef("pk"),
                )
            )
        )
    return match
