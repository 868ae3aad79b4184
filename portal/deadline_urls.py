from django.urls import path

from portal import deadline_views

app_name = "deadlines"

urlpatterns = [
    path("", deadline_views.deadline_list, name="list"),
    path("export.csv", deadline_views.deadline_export, name="export"),
    path("<int:organisation_id>/", deadline_views.deadline_facts, name="facts"),
]
