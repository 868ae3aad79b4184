from django.urls import path

from clientside import views

app_name = "clientside"

urlpatterns = [
    path("", views.administration_list, name="home"),
    path("administraties/nieuw/", views.administration_create, name="administration-create"),
    path("administraties/<int:pk>/", views.administration_detail, name="administration"),
    path(
        "administraties/<int:pk>/bewerken/", views.administration_edit, name="administration-edit"
    ),
    path("administraties/<int:pk>/ondertekenaars/", views.signatory_add, name="signatory-add"),
    path(
        "administraties/<int:pk>/ondertekenaars/<int:signatory_pk>/verwijderen/",
        views.signatory_delete,
        name="signatory-delete",
    ),
    path("administraties/<int:pk>/communicatie/", views.profile_edit, name="profile"),
    path("administraties/<int:pk>/communicatie/testen/", views.profile_test, name="profile-test"),
    path("administraties/<int:pk>/jaarrapporten/", views.report_create, name="report-create"),
    path(
        "administraties/<int:pk>/heraanlevering/",
        views.resubmission_create,
        name="resubmission-create",
    ),
    path("administraties/<int:pk>/verzenden-ontvangen/", views.send_receive, name="send-receive"),
    path("jaarrapporten/<int:pk>/", views.report_detail, name="report"),
    path("jaarrapporten/<int:pk>/cijfers/", views.report_figures, name="report-figures"),
    path("jaarrapporten/<int:pk>/proefbalans/", views.report_import, name="report-import"),
    path("jaarrapporten/<int:pk>/rapportagewaarden/", views.report_values, name="report-values"),
    path("jaarrapporten/<int:pk>/klaarzetten/", views.report_prepare, name="report-prepare"),
    path(
        "jaarrapporten/<int:pk>/heraanlevering/",
        views.report_resubmission,
        name="report-resubmission",
    ),
    path(
        "jaarrapporten/<int:pk>/tweede-aanlevering/",
        views.report_second_filing,
        name="report-second-filing",
    ),
    path("berichten/<int:pk>/document/", views.message_document, name="message-document"),
]
