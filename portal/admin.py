"""Django admin for the portal's set-up: accountancy environments, organisations with
their identification numbers, contacts with portal access, and staff with their role.

The audit trail (workflow.StatusEvent) is registered read-only by workflow/admin.py."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from crm import services as crm_services
from crm.models import AccountancyEnvironment, Contact, Identification, Organisation, StaffMember


@admin.register(AccountancyEnvironment)
class AccountancyEnvironmentAdmin(admin.ModelAdmin):
    list_display = ["name", "participant_number", "created_at"]
    search_fields = ["name", "participant_number"]


class IdentificationFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """The rule InSite applies (crm.services.check_not_on_the_way): a KvK number stays
        while a message travels to the KvK under it, so the admin cannot change or remove
        it then either."""
        super().clean()
        for form in self.forms:
            kvk_before = form.instance.pk and form.initial.get("kind") == Identification.Kind.KVK
            deleted = getattr(form, "cleaned_data", {}).get("DELETE", False)
            if kvk_before and (form.has_changed() or deleted):
                try:
                    crm_services.check_not_on_the_way(self.instance, Identification.Kind.KVK)
                except crm_services.IdentificationError as error:
                    raise ValidationError(error.message) from None


class IdentificationInline(admin.TabularInline):
    model = Identification
    formset = IdentificationFormSet
    fields = ["kind", "value"]
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "email", "language", "portal_access", "is_director", "user"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kvk", "environment", "created_at"]
    list_filter = ["environment"]
    search_fields = ["name", "identifications__value"]
    inlines = [IdentificationInline, ContactInline]
    list_select_related = ["environment"]
    readonly_fields = ["status_sequence"]
    filter_horizontal = ["approvers"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("identifications")

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The named approvers and the adopter are picked among this organisation's own
        contacts (none yet while the organisation is being added)."""
        form = super().get_form(request, obj, change, **kwargs)
        own = Contact.objects.filter(organisation=obj) if obj else Contact.objects.none()
        for name in ("approvers", "adopter"):
            form.base_fields[name].queryset = own
        return form

    @admin.display(description="KvK")
    def kvk(self, obj: Organisation) -> str:
        return obj.kvk_number or "–"


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "language", "portal_access", "is_director"]
    list_filter = ["portal_access", "is_director", "language"]
    search_fields = ["name", "email", "organisation__name"]
    raw_id_fields = ["user"]
    list_select_related = ["organisation"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "environment", "role"]
    list_filter = ["environment", "role"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "environment"]


from portal import activation_admin  # noqa: E402,F401  (the activation, its log)
