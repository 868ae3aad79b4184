"""Admin for the workflow: definitions are configuration; messages, their audit trail and
comments are read-only here (statuses change only through workflow.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.admin_mixins import EnvironmentFixedAdminMixin
from crm.models import AdopterRule, ApproverRule
from kvk.search import NameSearchAdminMixin
from workflow.models import ApprovalMessage, Comment, StatusEvent, WorkflowDefinition, WorkflowTask
from workflow.selectors import ACTION_LABELS, ACTOR_KIND_LABELS


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

#: The documents of a message (up to 10 MB each): no list reads them.
DOCUMENTS = ("received_document", "document")


def _without_documents(queryset: Any, via: str = "") -> Any:
    """``queryset`` without the documents of its messages (``via``: the path to the message,
    e.g. "message__")."""
    return queryset.defer(*(via + name for name in DOCUMENTS))


def _labelled_filter(field: str, title: Any, labels: dict[str, Any]) -> type:
    """A list filter on ``field`` that offers its codes by their labels (``labels``)."""

    class LabelledFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
            return list(labels.items())

        def queryset(self, request: Any, queryset: Any) -> Any:
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    LabelledFilter.title = title
    return LabelledFilter


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
class ApprovalMessageAdmin(NameSearchAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    name_search_paths = ("organisation__",)
    list_display = ["pk", "organisation", "financial_year", "status", "created_at"]
    list_filter = ["status", "resubmission", "adopted", "organisation__environment"]
    search_fields = [
        "organisation__name",
        "organisation__identifications__value",
        "filename",
        "message_id",
        "document_sha256",
    ]
    exclude = list(DOCUMENTS)
    inlines = [StatusEventInline, CommentInline]
    list_select_related = ["organisation"]
    actions = None

    def get_queryset(self, request: Any) -> Any:
        return _without_documents(super().get_queryset(request))


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail, newest first, with the actions and actors in words."""

    list_display = [
        "sequence",
        "organisation",
        "message",
        "action_label",
        "from_status",
        "to_status",
        "actor_kind_label",
        "actor_label",
        "created_at",
    ]
    list_filter = [
        _labelled_filter("action", _("actie"), ACTION_LABELS),
        _labelled_filter("actor_kind", _("soort uitvoerder"), ACTOR_KIND_LABELS),
        "to_status",
        "organisation",
    ]
    search_fields = ["actor_label", "document_sha256"]
    list_select_related = ["organisation", "message__organisation"]
    ordering = ["-created_at", "-pk"]
    actions = None

    def get_queryset(self, request: Any) -> Any:
        return _without_documents(super().get_queryset(request), "message__")

    @admin.display(description=_("actie"), ordering="action")
    def action_label(self, event: StatusEvent) -> str:
        return str(ACTION_LABELS.get(event.action, event.action))

    @admin.display(description=_("soort uitvoerder"), ordering="actor_kind")
    def actor_kind_label(self, event: StatusEvent) -> str:
        return str(ACTOR_KIND_LABELS.get(event.actor_kind, event.actor_kind))


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["message", "author", "author_kind", "created_at"]
    list_select_related = ["message__organisation", "author"]
    actions = None

    def get_queryset(self, request: Any) -> Any:
        return _without_documents(super().get_queryset(request), "message__")


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
class WorkflowDefinitionAdmin(EnvironmentFixedAdminMixin, admin.ModelAdmin):
    form = WorkflowDefinitionForm
    list_display = ["name", "environment", "accountant_review", "approver_rule", "adopter_rule"]
    list_filter = ["environment", "accountant_review", "approver_rule", "adopter_rule"]
    inlines = [WorkflowTaskInline]
