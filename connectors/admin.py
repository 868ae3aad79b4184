"""Django admin for the connectors' set-up: app connectors, client tokens, message types.

Tokens are issued in InSite (the raw token is shown once there); here they can be looked
up and revoked, never edited, because only their hash is stored."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from connectors import services
from connectors.models import MESSAGE_TYPE_CODES, AppConnector, ClientToken, MessageType
from crm.admin_mixins import EnvironmentFixedAdminMixin
from kvk.search import NameSearchAdminMixin

_TOKEN_INLINE_FIELDS = [
    "prefix",
    "organisation",
    "description",
    "created_at",
    "last_used_at",
    "revoked_at",
]


class ClientTokenInline(admin.TabularInline):
    model = ClientToken
    fields = tuple(_TOKEN_INLINE_FIELDS)
    readonly_fields = tuple(_TOKEN_INLINE_FIELDS)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AppConnector)
class AppConnectorAdmin(EnvironmentFixedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "environment", "commsvc", "blocked"]
    list_filter = ["environment", "blocked", "commsvc"]
    search_fields = ["name"]
    inlines = [ClientTokenInline]


@admin.register(ClientToken)
class ClientTokenAdmin(NameSearchAdminMixin, admin.ModelAdmin):
    name_search_paths = ("organisation__",)
    list_display = [
        "prefix",
        "organisation",
        "connector",
        "description",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["connector", "revoked_at"]
    search_fields = [
        "prefix",
        "organisation__name",
        "organisation__identifications__value",
        "description",
    ]
    readonly_fields = [
        "connector",
        "organisation",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    fields = [*readonly_fields, "description", "expires_at"]
    list_select_related = ["organisation", "connector"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # issued in InSite, where the raw token is shown once

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row documents who used the API

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def revoke(self, request, queryset) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token=token)
            count += 1
        message = ngettext("%(n)d token ingetrokken.", "%(n)d tokens ingetrokken.", count) % {
            "n": count
        }
        self.message_user(request, message, messages.SUCCESS)


@admin.register(MessageType)
class MessageTypeAdmin(EnvironmentFixedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "environment", "workflow", "blocked"]
    list_filter = ["environment", "blocked"]
    search_fields = ["name", "code"]
    list_select_related = ["environment", "workflow"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Only the codes the portal processes: a type of another code is one that the
        # uploads, the processing and InSite never use.
        if db_field.name == "code":
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=[(code, code) for code in MESSAGE_TYPE_CODES],
                error_messages={
                    "invalid_choice": _(
                        "Onbekende code '%(value)s': het portal verwerkt alleen berichtsoorten "
                        "met een code uit de lijst."
                    )
                },
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.code not in MESSAGE_TYPE_CODES:
            # A type made when the code was free text keeps its code when saved unchanged
            # (a browser would post the first choice instead); it can be set to a known one.
            code = form.base_fields["code"]
            code.choices = [*code.choices, (obj.code, obj.code)]
        return form
