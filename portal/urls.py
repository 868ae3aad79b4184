from collections.abc import Callable
from types import ModuleType

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, re_path

from portal import views
from portal.views import activity, auth, bulk, diagram, insite, outsite


def _message_paths(
    side: str, module: ModuleType, *extra: tuple[str, Callable, str]
) -> list[URLPattern]:
    """The message pages InSite and OutSite both have (``side`` names the prefix of the path
    and of the URL names; ``module.shared`` holds the views both have), then the side's own
    (``extra``: path segment, view, name suffix), then its actions (``module.ACTIONS``);
    any other segment is not found."""
    prefix = f"{side}/berichten/<int:pk>/"
    return [
        path(f"{side}/berichten/", module.message_list, name=f"{side}-messages"),
        path(prefix, module.shared.detail, name=f"{side}-message"),
        *(
            path(f"{prefix}{segment}/", view, name=f"{side}-{suffix}")
            for segment, view, suffix in [
                ("status", module.shared.status, "status"),
                ("pdf", module.shared.pdf, "pdf"),
                ("xbrl", module.shared.xbrl, "xbrl"),
                ("opmerking", module.shared.comment, "comment"),
                *extra,
            ]
        ),
        re_path(
            rf"^{side}/berichten/(?P<pk>[0-9]+)/(?P<action>{'|'.join(module.ACTIONS)})/$",
            module.message_action,
            name=f"{side}-action",
        ),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    # --- login -------------------------------------------------------------------------------
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("login/verificatie/", auth.otp_verify, name="otp-verify"),
    path("login/verificatie/instellen/", auth.otp_setup, name="otp-setup"),
    path("login/verificatie/koppelen/<str:token>/", auth.otp_enrol, name="otp-enrol"),
    path(
        "wachtwoord/vergeten/",
        auth.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "wachtwoord/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord/instellen/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/ingesteld/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # --- InSite (staff) --------------------------------------------------------------------------
    path("insite/", insite.dashboard, name="insite-dashboard"),
    *_message_paths(
        "insite",
        insite,
        ("diagram", diagram.message_diagram, "diagram"),
        ("grootteklasse", insite.message_size_class, "size-class"),
        ("opnieuw-verzenden", insite.message_resend, "resend"),
        ("aflevering", insite.message_delivery_check, "delivery"),
        ("aandacht-afgehandeld", insite.message_attention, "attention"),
        ("aandacht-terug", insite.message_attention_reopen, "attention-reopen"),
    ),
    path("insite/berichten/opnieuw-verzenden/", bulk.bulk_resend, name="insite-bulk-resend"),
    path("insite/berichten/afgehandeld/", bulk.bulk_attention, name="insite-bulk-attention"),
    path("insite/activiteit/", activity.activity_list, name="insite-activity"),
    path("insite/activiteit/export.csv", activity.activity_export, name="insite-activity-export"),
    path("insite/organisaties/", insite.organisation_list, name="insite-organisations"),
    path(
        "insite/organisaties/nieuw/", insite.organisation_create, name="insite-organisation-create"
    ),
    path("insite/organisaties/<int:pk>/", insite.organisation_detail, name="insite-organisation"),
    path(
        "insite/organisaties/<int:pk>/goedkeuring/",
        insite.organisation_approvers,
        name="insite-organisation-approvers",
    ),
    path(
        "insite/organisaties/<int:pk>/medewerker/",
        insite.organisation_responsible,
        name="insite-organisation-responsible",
    ),
    *(
        path(
            f"insite/organisaties/<int:pk>/identificatienummers/{segment}/",
            view,
            name=f"insite-identification-{action}",
        )
        for segment, view, action in [
            ("nieuw", insite.identification_add, "add"),
            ("wijzigen", insite.identification_change, "change"),
            ("verwijderen", insite.identification_remove, "remove"),
        ]
    ),
    path(
        "insite/organisaties/<int:pk>/contactpersonen/",
        insite.contact_create,
        name="insite-contact-create",
    ),
    path(
        "insite/organisaties/<int:pk>/contactpersonen/<int:contact_pk>/toegang/",
        insite.contact_access,
        name="insite-contact-access",
    ),
    path("insite/connectoren/", insite.connector_list, name="insite-connectors"),
    path("insite/connectoren/<int:pk>/", insite.connector_detail, name="insite-connector"),
    path(
        "insite/connectoren/<int:pk>/afsluiten/",
        insite.connector_close,
        name="insite-connector-close",
    ),
    path("insite/connectoren/<int:pk>/tokens/", insite.token_create, name="insite-token-create"),
    path(
        "insite/connectoren/<int:pk>/tokens/<int:token_pk>/intrekken/",
        insite.token_revoke,
        name="insite-token-revoke",
    ),
    path("insite/berichtsoorten/", insite.message_type_list, name="insite-message-types"),
    path("insite/berichtsoorten/<int:pk>/", insite.message_type_edit, name="insite-message-type"),
    # --- OutSite (clients) -------------------------------------------------------------------
    path("outsite/", views.outsite_home, name="outsite-home"),
    *_message_paths(
        "outsite", outsite, ("bevestigen/<str:action>", outsite.message_confirm, "confirm")
    ),
]
