"""Django admin for the portal's set-up: accountancy environments, organisations with
their identification numbers, contacts with portal access, and staff with their role.

The audit trail (workflow.StatusEvent) is registered read-only by workflow/admin.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from crm import services as crm_services
from crm.admin_mixins import EnvironmentFixedAdminMixin, OrganisationFixedAdminMixin
from crm.models import (
    CAN_ACT_IN_OUTSITE,
    AccountancyEnvironment,
    Contact,
    Identification,
    Organisation,
    StaffMember,
)
from kvk.search import NameSearchAdminMixin
from portal.forms import LOGIN_TAKEN, ApprovalRulesForm, workflow_rules
from workflow.approvers import nobody_can_adopt_q, nobody_can_approve_q
from workflow.models import ApprovalMessage


@admin.register(AccountancyEnvironment)
class AccountancyEnvironmentAdmin(admin.ModelAdmin):
    list_display = ["name", "participant_number", "created_at"]
    search_fields = ["name", "participant_number"]


class IdentificationAdminForm(forms.ModelForm):
    """One identification number, checked as InSite checks it
    (crm.services.check_identification): its format, one number of a kind, not another
    organisation's in the environment (which the database would refuse with an error page),
    and stored without spaces ("1234 5678" is 12345678)."""

    #: Refusals about the kind of number; any other is about the number itself.
    ABOUT_THE_KIND = frozenset({"kind_unknown", "kind_exists", "kind_missing"})

    class Meta:
        model = Identification
        fields = ["kind", "value"]

    def __init__(self, *args: Any, organisation: Organisation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation, self.user = organisation, user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("DELETE") or not self.has_changed():
            return data
        kind = data["kind"]
        try:
            data["value"] = crm_services.check_identification(
                organisation=self.organisation,
                kind=kind,
                value=data["value"],
                user=self.user,
                adding=self.instance.pk is None or self.initial.get("kind") != kind,
            )
        except crm_services.IdentificationError as error:
            if error.code != "kvk_on_the_way":  # the formset says that, once for all rows
                field = "kind" if error.code in self.ABOUT_THE_KIND else "value"
                self.add_error(field, error.message)
        return data


class IdentificationFormSet(BaseInlineFormSet):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user  # who changes the numbers: names another organisation it may see
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        return {**kwargs, "organisation": self.instance, "user": self.user}

    def get_unique_error_message(self, unique_check: Any) -> str:
        # Django names the fields by their code ("kind"); the page shows their labels.
        labels = {field.name: str(field.verbose_name) for field in Identification._meta.fields}
        return super().get_unique_error_message(
            [name if name == self.fk.name else labels.get(name, name) for name in unique_check]
        )

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
    form = IdentificationAdminForm
    formset = IdentificationFormSet
    fields = ["kind", "value"]
    extra = 0


#: Why a contact's e-mail address cannot be changed (crm.services.ContactEmailRefused.code).
EMAIL_REFUSALS = {
    "login_taken": LOGIN_TAKEN,
    "staff_login": _(
        "Deze contactpersoon logt in met de login van een medewerker of beheerder; die login "
        "wordt hier niet gewijzigd. Koppel eerst een eigen login aan de contactpersoon."
    ),
    "email_required": _(
        "Deze contactpersoon heeft een login voor de klantportal en logt in met dit "
        "e-mailadres; laat het daarom niet leeg."
    ),
}


#: Why a login that is no client's does not take a client's address: "Wachtwoord vergeten"
#: mails every login with the address typed (crm.logins.addressed_to).
CLIENTS_ADDRESS = _(
    "Dit e-mailadres is van een contactpersoon van een cliënt; die zou via 'Wachtwoord "
    "vergeten' een link naar deze login kunnen krijgen. Gebruik een ander e-mailadres."
)


def _clients_address(email: str) -> bool:
    """Whether ``email`` is, capitals aside, the address or the login of a client's contact."""
    if not email:
        return False
    return Contact.objects.filter(
        Q(email__iexact=email) | Q(user__email__iexact=email) | Q(user__username__iexact=email)
    ).exists()


class ContactAdminForm(forms.ModelForm):
    """A contact's address is its login: a correction is checked as InSite checks a login
    (crm.services.check_contact_email) and carried to the login when it is saved
    (ContactEmailMixin)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if _carries_email(self) and "email" not in self.errors:
            stored = Contact.objects.select_related("user").get(pk=self.instance.pk)
            try:
                crm_services.check_contact_email(contact=stored, email=data.get("email") or "")
            except crm_services.ContactEmailRefused as refused:
                self.add_error("email", EMAIL_REFUSALS[refused.code])
        return data


def _carries_email(form: forms.ModelForm) -> bool:
    """Whether saving ``form`` corrects the address of a stored contact and its login (not
    when the form links another login at the same time: that login keeps its address)."""
    changed = form.changed_data
    return form.instance.pk is not None and "email" in changed and "user" not in changed


class ContactEmailMixin:
    """Saving a corrected address goes through crm.services.change_contact_email, which
    carries it to the contact's login (and to the person's other contacts sharing it)."""

    def change_email(self, request: Any, form: forms.ModelForm) -> None:
        if not _carries_email(form) or form.errors:
            return
        others = crm_services.change_contact_email(
            contact_id=form.instance.pk, email=form.cleaned_data.get("email") or ""
        )
        if others:
            names = ", ".join(str(other.organisation) for other in others)
            message = gettext(
                "Het e-mailadres is ook gewijzigd bij dezelfde persoon als contactpersoon van "
                "%(organisaties)s: één persoon heeft één login."
            ) % {"organisaties": names}
            self.message_user(request, message, messages.INFO)  # type: ignore[attr-defined]


def _waiting_for_nobody(organisation_id: int) -> dict[int, str]:
    """The organisation's messages at 30 that wait for nobody, each named (organisation and
    year): nobody can approve them, or their named adopter cannot record the adoption
    (workflow.approvers: ``nobody_can_approve_q``, ``nobody_can_adopt_q``)."""
    rows = (
        ApprovalMessage.objects.filter(organisation_id=organisation_id)
        .filter(nobody_can_approve_q() | nobody_can_adopt_q())
        .order_by("financial_year", "pk")
        .values_list("pk", "organisation__name", "financial_year")
    )
    return {pk: f"{name} {year or '–'}" for pk, name, year in rows}


class WaitingForNobodyMixin:
    """What a contact can do in OutSite is withdrawn here without the question InSite asks
    first (portal.views.insite.contact_access): the login cleared, a contact row deleted on
    the organisation's page, "directeur" unticked, the approvers or the adopter changed.
    After the save the admin names the messages at 30 that wait for nobody since
    (``_waiting_for_nobody``); so it does after deleting contacts, on a contact's own page
    or with the contact list's delete action (``warning_after``). Deleting a login in the
    user admin does not warn."""

    def waiting_before(self, organisation_id: int | None) -> set[int]:
        return set(_waiting_for_nobody(organisation_id)) if organisation_id else set()

    @contextmanager
    def warning_after(self, request: Any, organisation_ids: Iterable[int | None]) -> Iterator[None]:
        """Warn for each of these organisations, after the block, of the messages it left
        to nobody (taken before it, warned after it)."""
        before = {
            pk: self.waiting_before(pk) for pk in sorted({pk for pk in organisation_ids if pk})
        }
        yield
        for organisation_id, waiting in before.items():
            self.warn_waiting_for_nobody(request, organisation_id, waiting)

    def warn_waiting_for_nobody(self, request: Any, organisation_id: int, before: set[int]) -> None:
        now = _waiting_for_nobody(organisation_id)
        names = [name for pk, name in now.items() if pk not in before]
        if not names:
            return
        message = ngettext(
            "Dit bericht (status 30) wacht nu op niemand: %(messages)s. Niemand kan het "
            "goedkeuren of de vaststelling ervan vastleggen. Geef in InSite een "
            "contactpersoon toegang tot de klantportal, of wijzig wie goedkeurt of de vaststelling "
            "vastlegt.",
            "Deze %(count)d berichten (status 30) wachten nu op niemand: %(messages)s. "
            "Niemand kan ze goedkeuren of de vaststelling ervan vastleggen. Geef in InSite "
            "een contactpersoon toegang tot de klantportal, of wijzig wie goedkeurt of de "
            "vaststelling vastlegt.",
            len(names),
        ) % {"count": len(names), "messages": ", ".join(names)}
        self.message_user(request, message, messages.WARNING)  # type: ignore[attr-defined]


class ContactInline(admin.TabularInline):
    """Portal access is granted in InSite, which gives the login and sends the invitation
    (crm.services.grant_portal_access); here it is shown only."""

    model = Contact
    form = ContactAdminForm
    fields = ["name", "email", "language", "portal_access", "is_director", "user"]
    readonly_fields = ["portal_access"]
    raw_id_fields = ["user"]
    extra = 0


class OrganisationAdminForm(ApprovalRulesForm):
    """The whole organisation: its approval rules are checked when they change (InSite's
    check, with the adopter rule of its environment's workflow where the organisation
    leaves it empty), so a rename still saves when named approvers were deleted meanwhile."""

    check_unchanged_rules = False
    #: The messages waiting for nobody before the save (WaitingForNobodyMixin).
    waiting_before: set[int] = set()

    def clean(self) -> dict[str, Any]:
        environment = self.cleaned_data.get("environment")
        environment_id = environment.pk if environment else self.instance.environment_id
        if environment_id is not None:
            self.default_adopter_rule = workflow_rules(environment_id)[1]
        return super().clean()


@admin.register(Organisation)
class OrganisationAdmin(
    NameSearchAdminMixin,
    ContactEmailMixin,
    WaitingForNobodyMixin,
    EnvironmentFixedAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "kvk", "environment", "responsible", "created_at"]
    list_filter = ["environment"]
    search_fields = ["name", "identifications__value"]
    inlines = [IdentificationInline, ContactInline]
    list_select_related = ["environment", "responsible__user", "responsible__environment"]
    form = OrganisationAdminForm
    readonly_fields = ["status_sequence"]
    filter_horizontal = ["approvers"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("identifications")

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, IdentificationInline):
            kwargs["user"] = request.user
        return kwargs

    def save_model(self, request, obj, form, change):
        form.waiting_before = self.waiting_before(obj.pk if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """The contact rows and the approvers; then the messages they leave to nobody."""
        super().save_related(request, form, formsets, change)
        if change:
            self.warn_waiting_for_nobody(request, form.instance.pk, form.waiting_before)

    def save_formset(self, request, form, formset, change):
        if formset.model is Contact:
            for contact_form in formset.initial_forms:
                if not formset._should_delete_form(contact_form):
                    self.change_email(request, contact_form)
        super().save_formset(request, form, formset, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The named approvers and the adopter are picked among this organisation's own
        contacts with portal access (none yet while the organisation is being added), the
        responsible staff member among its environment's (Organisation.clean refuses another
        environment's while it is being added)."""
        form = super().get_form(request, obj, change, **kwargs)
        own = Contact.objects.filter(organisation=obj) if obj else Contact.objects.none()
        # As on InSite: only contacts who can log in to OutSite can approve or adopt; those
        # named before they lost their access stay on offer, so other changes still save.
        can_act = CAN_ACT_IN_OUTSITE
        if obj is not None:
            can_act |= Q(pk__in=obj.approvers.all()) | Q(pk=obj.adopter_id)
        for name in ("approvers", "adopter"):
            form.base_fields[name].queryset = own.filter(can_act).order_by("name")
        staff = StaffMember.objects.select_related("user", "environment")
        if obj is not None:
            staff = staff.filter(environment_id=obj.environment_id)
        form.base_fields["responsible"].queryset = staff
        return form

    @admin.display(description="KvK")
    def kvk(self, obj: Organisation) -> str:
        return obj.kvk_number or "–"


@admin.register(Contact)
class ContactAdmin(
    NameSearchAdminMixin,
    ContactEmailMixin,
    WaitingForNobodyMixin,
    OrganisationFixedAdminMixin,
    admin.ModelAdmin,
):
    """Portal access is granted in InSite (ContactInline says why); shown only here."""

    name_search_paths = ("", "organisation__")

    form = ContactAdminForm
    list_display = ["name", "organisation", "email", "language", "portal_access", "is_director"]
    list_filter = ["portal_access", "is_director", "language", "organisation__environment"]
    search_fields = ["name", "email", "organisation__name"]
    readonly_fields = ["portal_access"]
    raw_id_fields = ["user"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        before = self.waiting_before(obj.organisation_id if change else None)
        if change:
            self.change_email(request, form)
        super().save_model(request, obj, form, change)
        if change:
            self.warn_waiting_for_nobody(request, obj.organisation_id, before)

    def delete_model(self, request, obj):
        with self.warning_after(request, [obj.organisation_id]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The list's delete action: contacts of one organisation or of several."""
        with self.warning_after(request, queryset.values_list("organisation_id", flat=True)):
            super().delete_queryset(request, queryset)


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "environment", "role"]
    list_filter = ["environment", "role"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "environment"]

    def save_model(self, request, obj, form, change):
        """Moved to another accountancy environment: the organisations of the one left no
        longer name this staff member as responsible (in the same transaction); they would
        show a member of another firm and wait for mail that firm's member never gets."""
        super().save_model(request, obj, form, change)
        if not change or "environment" not in form.changed_data:
            return
        released = crm_services.release_responsibilities(member_id=obj.pk, user=request.user)
        if released:
            self.message_user(
                request,
                ngettext(
                    "%(n)d organisatie van de vorige accountantsomgeving heeft nu geen "
                    "verantwoordelijk medewerker meer; kies daar een nieuwe.",
                    "%(n)d organisaties van de vorige accountantsomgeving hebben nu geen "
                    "verantwoordelijk medewerker meer; kies daar een nieuwe.",
                    released,
                )
                % {"n": released},
                messages.WARNING,
            )


from portal import activation_admin  # noqa: E402,F401  (the activation, its log)


class LoginAdminForm(UserChangeForm):
    """Django's login form, with the rules InSite keeps for a client's login: it does not
    become staff or superuser (it would reach the admin, and crm.models.is_staff_login
    would lock the person out of the client portal), and its address changes at the
    contact, which carries it to the login and to the person's other organisations
    (crm.services.change_contact_email). Any other login does not take a client's address
    (CLIENTS_ADDRESS)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None or not Contact.objects.filter(user=self.instance).exists():
            if "email" in self.changed_data and _clients_address(data.get("email") or ""):
                self.add_error("email", CLIENTS_ADDRESS)
            return data
        for flag in ("is_staff", "is_superuser"):
            if data.get(flag):
                self.add_error(
                    flag,
                    _(
                        "Deze login is van een contactpersoon van een cliënt en kan geen "
                        "medewerker of beheerder worden. Geef de medewerker een eigen login."
                    ),
                )
        for field in ("username", "email"):
            if field in self.changed_data:
                self.add_error(
                    field,
                    _(
                        "Deze login is van een contactpersoon van een cliënt: wijzig het "
                        "e-mailadres bij de contactpersoon; de login gaat mee."
                    ),
                )
        return data


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class LoginAdmin(UserAdmin):
    form = LoginAdminForm
