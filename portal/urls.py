from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from portal import views
from portal.views import auth, diagram, insite, outsite

urlpatterns = [
    path("", views.home, name="home"),
    # --- login -------------------------------------------------------------------------------
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verificatie/", auth.otp_verify, name="otp-verify"),
    path("login/verificatie/instellen/", auth.otp_setup, name="otp-setup"),
    path(
        "wachtwoord/vergeten/",
        auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "wachtwoord/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord/instellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/ingesteld/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # --- InSite (staff) --------------------------------------------------------------------------
    path("insite/", insite.dashboard, name="insite-dashboard"),
    path("insite/berichten/", insite.message_list, name="insite-messages"),
    path("insite/berichten/<int:pk>/", insite.message_detail, name="insite-message"),
    path("insite/berichten/<int:pk>/status/", insite.message_status, name="insite-status"),
    path("insite/berichten/<int:pk>/diagram/", diagram.message_diagram, name="insite-diagram"),
    path("insite/berichten/<int:pk>/pdf/", insite.message_pdf, name="insite-pdf"),
    path("insite/berichten/<int:pk>/xbrl/", insite.message_xbrl, name="insite-xbrl"),
    path("insite/berichten/<int:pk>/opmerking/", insite.message_comment, name="insite-comment"),
    path(
        "insite/berichten/<int:pk>/grootteklasse/",
        insite.message_size_class,
        name="insite-size-class",
    ),
    path(
        "insite/berichten/<int:pk>/opnieuw-verzenden/",
        insite.message_resend,
        name="insite-resend",
    ),
    path(
        "insite/berichten/<int:pk>/aflevering/",
        insite.message_delivery_check,
        name="insite-delivery",
    ),
    path("insite/berichten/<int:pk>/<slug:action>/", insite.message_action, name="insite-action"),
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
    path("insite/connectoren/<int:pk>/tokens/", insite.token_create, name="insite-token-create"),
    path(
        "insite/connectoren/<int:pk>/tokens/<int:token_pk>/intrekken/",
        insite.token_revoke,
        name="insite-token-revoke",
    ),
    path("insite/berichtsoorten/", insite.message_type_list, name="insite-message-types"),
    path("insite/berichtsoorten/<int:pk>/", insite.message_type_edit, name="insite-message-type"),
    # --- OutSite (clients) -------------------------------------------------------------------
    path("outsite/berichten/", outsite.message_list, name="outsite-messages"),
    path("outsite/berichten/<int:pk>/", outsite.message_detail, name="outsite-message"),
    path("outsite/berichten/<int:pk>/status/", outsite.message_status, name="outsite-status"),
    path("outsite/berichten/<int:pk>/pdf/", outsite.message_pdf, name="outsite-pdf"),
    path("outsite/berichten/<int:pk>/xbrl/", outsite.message_xbrl, name="outsite-xbrl"),
    path("outsite/berichten/<int:pk>/opmerking/", outsite.message_comment, name="outsite-comment"),
    path(
        "outsite/berichten/<int:pk>/<slug:action>/", outsite.message_action, name="outsite-action"
    ),
]
