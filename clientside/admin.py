"""Django admin for the client side: data only. Statuses are never edited here; the
token is write-only."""

from django import forms
from django.contrib import admin

from clientside import services
from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    OutboundMessage,
    ReportSignature,
    Signatory,
)
from kvk.admin_mixins import FixedAfterCreationAdminMixin
from kvk.fields import refuse_unfilable_kvk_number
from kvk.search import NameSearchAdminMixin


class SignatoryInline(admin.TabularInline):
    model = Signatory
    fields = ("name", "function", "order")
    extra = 0


class AdministrationAdminForm(forms.ModelForm):
    """An administration as the KvK tab checks its KvK number when one is typed: eight
    digits and not beginning with 00, which the KvK refuses in a filing. A number stored
    before is left alone while other fields are corrected. The fields are the admin's."""

    def clean_kvk_number(self) -> str:
        number = self.cleaned_data["kvk_number"]
        if "kvk_number" in self.changed_data:
            refuse_unfilable_kvk_number(number)
        return number


@admin.register(Administration)
class AdministrationAdmin(NameSearchAdminMixin, admin.ModelAdmin):
    form = AdministrationAdminForm
    list_display = ("name", "kvk_number", "legal_form", "seat", "place", "kvk_report")
    search_fields = ("name", "kvk_number")
    # The free-text address of before the structured fields stays visible, not editable.
    readonly_fields = ("address",)
    inlines = [SignatoryInline]


class ReportSignatureInline(admin.TabularInline):
    model = ReportSignature
    fields = ("signatory", "reason_not_signed")
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        # A report is signed by its own administration's signatories (the cockpit offers
        # no others); a new report has none yet.
        formset = super().get_formset(request, obj, **kwargs)
        signatory = formset.form.base_fields["signatory"]
        signatory.queryset = signatory.queryset.filter(
            administration_id=obj.administration_id if obj else None
        )
        return formset


class AdministrationFixedAdminMixin(FixedAfterCreationAdminMixin):
    """The ``administration`` of a report or a communication profile is chosen when it is
    added and shown read-only after: moved to another administration, a report would still
    name the signatories and list the messages of the one it left (sent under that one's KvK
    number), and a profile would send with a token the portal gave another organisation."""

    fixed_fields = ("administration",)


@admin.register(CommunicationProfile)
class CommunicationProfileAdmin(AdministrationFixedAdminMixin, admin.ModelAdmin):
    list_display = ("administration", "participant_number", "blocked", "last_test_ok")
    exclude = ("token",)
    readonly_fields = (
        "token_set_at",
        "last_test_at",
        "last_test_ok",
        "last_test_message",
        "last_run_at",
        "last_run_problem",
        "last_run_message",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # An address typed without a scheme means https, as on the profile form.
        if db_field.name == "portal_url_override":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(AnnualReport)
class AnnualReportAdmin(AdministrationFixedAdminMixin, admin.ModelAdmin):
    list_display = (
        "administration",
        "financial_year",
        "resubmission",
        "second_filing",
        "locked",
        "updated_at",
    )
    list_filter = ("locked", "resubmission", "second_filing")
    # The figures are the cockpit's, which enters and checks them: typed here in another
    # shape, the report's page in the cockpit could not be opened.
    readonly_fields = ("locked", "statements")
    inlines = [ReportSignatureInline]

    def save_model(self, request, obj, form, change):
        # Added here, a report starts with the figures the cockpit gives a new one.
        if not change:
            obj.statements = services.new_report_statements(obj.administration, obj.financial_year)
        super().save_model(request, obj, form, change)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("filename", "administration", "status", "created_at", "sent_at")
    list_filter = ("status",)
    exclude = ("document",)
    readonly_fields = [
        f.name
        for f in OutboundMessage._meta.get_fields()
        if getattr(f, "concrete", False) and f.name not in ("document", "id")
    ]

    def has_add_permission(self, request) -> bool:
        return False


from clientside import activation_admin  # noqa: E402,F401  (the activation, its log)
