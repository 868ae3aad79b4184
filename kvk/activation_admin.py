"""The shared admin of an activation (kvk.activation): the switch, saved through the
side's service so every switch is recorded, and its read-only change log."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django.contrib import admin

from kvk.activation import ActivationSource, ActivationSwitch


class ActivationAdmin(admin.ModelAdmin):
    """A switch in the admin: saving goes through the side's service (``switch_service``),
    so it is recorded like one on the set-up page; the subject of a row is fixed."""

    subject_field: ClassVar[str]
    list_filter = ["active"]
    readonly_fields = ["changed_at", "changed_by"]

    #: The side's service: ``switch_service(<subject_field>=..., active=, user=, source=)``.
    switch_service: ClassVar[Callable[..., ActivationSwitch]]

    def get_readonly_fields(self, request, obj=None):
        # The subject of an existing row is fixed; only the switch changes.
        if obj is not None:
            return [*self.readonly_fields, self.subject_field]
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        # Never saved directly: the service records the switch.
        subject = {self.subject_field: getattr(obj, self.subject_field)}
        state = self.switch_service(
            **subject, active=obj.active, user=request.user, source=ActivationSource.ADMIN
        )
        obj.pk = state.pk
        obj.changed_at = state.changed_at
        obj.changed_by = state.changed_by

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ActivationChangeAdmin(admin.ModelAdmin):
    """The change log in the admin: read-only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
