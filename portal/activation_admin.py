"""Admin for the activation "Communicatieconnector accordering OutSite": switching it here
goes through connectors.activation, so every switch is recorded (who, when) like on the
InSite set-up page. The change log is read-only."""

from __future__ import annotations

from django.contrib import admin

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivation, EnvironmentActivationChange


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
class EnvironmentActivationAdmin(admin.ModelAdmin):
    list_display = ["environment", "active", "changed_at", "changed_by", "last_processing_run_at"]
    list_filter = ["active"]
    fields = ["environment", "active", "changed_at", "changed_by", "last_processing_run_at"]
    readonly_fields = ["changed_at", "changed_by", "last_processing_run_at"]
    list_select_related = ["environment", "changed_by"]

    def get_readonly_fields(self, request, obj=None):
        # The environment of an existing row is fixed; only the switch changes.
        if obj is not None:
            return [*self.readonly_fields, "environment"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        # Never saved directly: the service records the switch and runs the conversion.
        state = set_environment_activation(
            environment=obj.environment,
            active=obj.active,
            user=request.user,
            source=EnvironmentActivationChange.Source.ADMIN,
        )
        obj.pk = state.pk
        obj.changed_at = state.changed_at
        obj.changed_by = state.changed_by

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EnvironmentActivationChange)
class EnvironmentActivationChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "environment", "active", "changed_by_name", "source"]
    list_filter = ["active", "source", "environment"]
    list_select_related = ["environment"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
