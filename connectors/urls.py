from django.urls import path

from connectors import api

urlpatterns = [
    path("organisation/", api.OrganisationView.as_view(), name="api-organisation"),
    path("messages/", api.MessageListView.as_view(), name="api-messages"),
    path("messages/updates/", api.MessageUpdatesView.as_view(), name="api-message-updates"),
    path("messages/<str:message_id>/", api.MessageDetailView.as_view(), name="api-message"),
]
