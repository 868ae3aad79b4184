"""Admin for the reminders (deadlines.reminders), read-only: the reminder job writes them.

The staff's deadline digests are about an organisation's year, not a message, so InSite's
list of e-mails about a message does not show them; here each reminder says what became of
it and, per address, what became of the e-mail it went in (a digest that reached one staff
member and failed for another says both, and whether it is tried again)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from deadlines.models import ReminderLog, ReminderMail
from kvk.search import NameSearchAdminMixin
from workflow.admin import ReadOnlyAdminMixin

#: What a reminder is about: its kind, and the organisation, year and step it was for.
ABOUT = ["kind", "organisation", "financial_year", "step"]


@admin.register(ReminderLog)
class ReminderLogAdmin(NameSearchAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    name_search_paths = ("organisation__",)
    list_display = ["created_at", *ABOUT, "outcome_label", "mails_label"]
    list_filter = ["kind", "sent_at"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "recipients", "error"]
    fields = [*ABOUT, "outcome_label", "mails_label", "recipients", "sent_at", "error"]
    actions = None

    def get_queryset(self, request: Any) -> QuerySet[ReminderLog]:
        return super().get_queryset(request).prefetch_related("mails")

    @admin.display(description=_("stand"))
    def outcome_label(self, entry: ReminderLog) -> str:
        return entry.outcome()

    @admin.display(description=_("e-mails"))
    def mails_label(self, entry: ReminderLog) -> str:
        return "; ".join(
            f"{mail.address}: {mail.get_state_display()}" for mail in entry.mails.all()
        )


@admin.register(ReminderMail)
class ReminderMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "address", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "kind"]
    search_fields = ["address", "error"]
    readonly_fields = ["entries"]
    actions = None
