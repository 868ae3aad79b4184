from collections.abc import Callable

from django.urls import URLPattern, path

from connectors import api


def _slash_optional(route: str, view: Callable, name: str) -> list[URLPattern]:
    """The route with its trailing slash (named, so reverse() and the schema give it) and
    without it: a POST to ".../messages" would otherwise be redirected (APPEND_SLASH, 301),
    and clients follow a 301 with a GET or without the body. The schema leaves the second
    out (connectors.schema.canonical_paths_only)."""
    return [path(route, view, name=name), path(route.removesuffix("/"), view)]


urlpatterns = [
    *_slash_optional("organisation/", api.OrganisationView.as_view(), "api-organisation"),
    *_slash_optional("messages/", api.MessageListView.as_view(), "api-messages"),
    *_slash_optional("messages/updates/", api.MessageUpdatesView.as_view(), "api-message-updates"),
    *_slash_optional("messages/<str:message_id>/", api.MessageDetailView.as_view(), "api-message"),
]
