"""Admin for the workflow: definitions are configuration; messages, their audit trail and
comments are read-only here (statuses change only through workflow.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.models import AdopterRule, ApproverRule
from workflow.models import ApprovalMessage, Comment, StatusEvent, WorkflowDefinition, WorkflowTask


class ReadOnlyAdminMixin:
    """View only: no add, change or delete, whoever is logged in (superusers too)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


EVENT_COLUMNS = (
    "sequence",
    "created_at",
    "action",
    "from_status",
    "to_status",
    "actor_kind",
    "actor_label",
    "ip_address",
    "document_sha256",
)
COMMENT_COLUMNS = ("created_at", "author", "author_kind", "text")


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A list of rows under the message that the admin shows and never changes."""

    extra = 0
    can_delete = False


class StatusEventInline(_ReadOnlyInline):
    model = StatusEvent
    fields = readonly_fields = EVENT_COLUMNS
    ordering = ["sequence"]


class CommentInline(_ReadOnlyInline):
    model = Comment
    fields = readonly_fields = COMMENT_COLUMNS


@admin.register(ApprovalMessage)
class ApprovalMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "organisation", "financial_year", "status", "created_at"]
    list_filter = ["status", "resubmission", "adopted"]
    search_fields = ["organisation__name", "message_id", "document_sha256"]
    exclude = ["received_document", "document"]
    inlines = [StatusEventInline, CommentInline]
    list_select_related = ["organisation"]
    actions = None


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "sequence",
        "organisation",
        "message",
        "action",
        "from_status",
        "to_status",
        "actor_kind",
        "actor_label",
        "created_at",
    ]
    list_filter = ["action", "actor_kind", "to_status"]
    search_fields = ["actor_label", "document_sha256"]
    list_select_related = ["organisation", "message"]
    actions = None


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["message", "author", "author_kind", "created_at"]
    list_select_related = ["message", "author"]
    actions = None


class WorkflowTaskFormSet(forms.BaseInlineFormSet):
    """A workflow that is linked to a message type keeps its required actions."""

    def clean(self) -> None:
        super().clean()
        definition = self.instance
        if definition.pk is None or not definition.is_linked():
            return
        actions = {
            form.cleaned_data.get("action")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        missing = [
            str(WorkflowTask.Action(action).label)
            for action in WorkflowTask.REQUIRED_ACTIONS
            if action not in actions
        ]
        if missing:
            raise forms.ValidationError(
                _(
                    "Deze workflow is gekoppeld aan een berichtsoort en moet de verplichte "
                    "acties houden: %(acties)s."
                )
                % {"acties": ", ".join(missing)}
            )


class WorkflowTaskInline(admin.TabularInline):
    model = WorkflowTask
    formset = WorkflowTaskFormSet
    fields = ["position", "name", "role", "action"]
    extra = 0


class WorkflowDefinitionForm(forms.ModelForm):
    """Who must approve and who records the adoption may be left out: then one contact
    approves and records it, as before the settings."""

    class Meta:
        model = WorkflowDefinition
        fields = ["environment", "name", "accountant_review", "approver_rule", "adopter_rule"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver_rule"].required = False
        self.fields["adopter_rule"].required = False

    def clean_approver_rule(self) -> str:
        return self.cleaned_data.get("approver_rule") or ApproverRule.ONE

    def clean_adopter_rule(self) -> str:
        return self.cleaned_data.get("adopter_rule") or AdopterRule.APPROVER


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(admin.ModelAdmin):
    form = WorkflowDefinitionForm
    list_display = ["name", "environment", "accountant_review", "approver_rule", "adopter_rule"]
    list_filter = ["environment", "accountant_review", "approver_rule", "adopter_rule"]
    inlines = [WorkflowTaskInline]
