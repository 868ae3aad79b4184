"""Reads of the CRM that several pages share."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from crm.models import Contact, Identification, Organisation
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


#: How many of an organisation's latest changes its InSite page shows.
HISTORY_ROWS = 10


def organisation_history(organisation: Organisation) -> list[LogEntry]:
    """The latest changes in the organisation's history, newest first: who changed what,
    and when. The history is the admin's (LogEntry on the organisation): its changes in the
    admin, and InSite's changes of its identification numbers, its responsible staff member
    and its contacts' portal access (crm.services)."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation),
            object_id=str(organisation.pk),
        )
        .select_related("user")
        .order_by("-action_time", "-pk")[:HISTORY_ROWS]
    )
