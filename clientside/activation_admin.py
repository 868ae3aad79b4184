"""Admin for the activation "Jaarrapportage deponeren via accountancyportal": a switch
here goes through clientside.activation, so it is recorded (who, when). The change log is
read-only."""

from __future__ import annotations

from django.contrib import admin

from clientside import activation
from clientside.models import FilingActivation, FilingActivationChange


@admin.register(FilingActivation)
class FilingActivationAdmin(admin.ModelAdmin):
    list_display = ["administration", "active", "changed_at", "changed_by"]
    list_filter = ["active"]
    fields = ["administration", "active", "changed_at", "changed_by"]
    readonly_fields = ["changed_at", "changed_by"]
    list_select_related = ["administration", "changed_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "administration"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        state = activation.set_administration_activation(
            administration=obj.administration,
            active=obj.active,
            user=request.user,
            source=FilingActivationChange.Source.ADMIN,
        )
        obj.pk = state.pk
        obj.changed_at = state.changed_at
        obj.changed_by = state.changed_by

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FilingActivationChange)
class FilingActivationChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "administration", "active", "changed_by_name", "source"]
    list_filter = ["active", "source"]
    list_select_related = ["administration"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
