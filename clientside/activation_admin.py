"""Admin for the activation "Jaarrapportage deponeren via accountancyportal": a switch
here goes through clientside.activation, so it is recorded (who, when). The change log is
read-only."""

from __future__ import annotations

from django.contrib import admin

from clientside import activation
from clientside.models import FilingActivation, FilingActivationChange
from kvk.activation_admin import ActivationAdmin, ActivationChangeAdmin


@admin.register(FilingActivation)
class FilingActivationAdmin(ActivationAdmin):
    subject_field = "administration"
    switch_service = staticmethod(activation.set_administration_activation)
    list_display = ["administration", "active", "changed_at", "changed_by"]
    fields = ["administration", "active", "changed_at", "changed_by"]
    list_select_related = ["administration", "changed_by"]


@admin.register(FilingActivationChange)
class FilingActivationChangeAdmin(ActivationChangeAdmin):
    list_display = ["changed_at", "administration", "active", "changed_by_name", "source"]
    list_filter = ["active", "source"]
    list_select_related = ["administration"]
