"""Admin for the activation "Communicatieconnector accordering OutSite": switching it here
goes through connectors.activation, so every switch is recorded (who, when) like on the
InSite set-up page. The change log is read-only."""

from __future__ import annotations

from django.contrib import admin

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from kvk.activation_admin import ActivationAdmin, ActivationChangeAdmin


class EnvironmentActivationChangeInline(admin.TabularInline):
    model = EnvironmentActivationChange
    fk_name = "environment"
    fields = ["changed_at", "changed_by_name", "active", "source"]
    readonly_fields = ["changed_at", "changed_by_name", "active", "source"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EnvironmentActivation)
class EnvironmentActivationAdmin(ActivationAdmin):
    subject_field = "environment"
    # The service also runs the conversion.
    switch_service = staticmethod(set_environment_activation)
    list_display = ["environment", "active", "changed_at", "changed_by", "last_processing_run_at"]
    fields = ["environment", "active", "changed_at", "changed_by", "last_processing_run_at"]
    readonly_fields = ["changed_at", "changed_by", "last_processing_run_at"]
    list_select_related = ["environment", "changed_by"]


@admin.register(EnvironmentActivationChange)
class EnvironmentActivationChangeAdmin(ActivationChangeAdmin):
    list_display = ["changed_at", "environment", "active", "changed_by_name", "source"]
    list_filter = ["active", "source", "environment"]
    list_select_related = ["environment"]
