from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from connectors.api import unknown_api_path
from portal.views import healthz, liveness

urlpatterns = [
    path("admin/", admin.site.urls),
    # Answered before the host check by portal.middleware.HealthCheckMiddleware; named here.
    path("healthz", healthz, name="healthz"),
    path("healthz/live", liveness, name="liveness"),
    # Browsers ask for /favicon.ico where a page names no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg")), name="favicon"),
    path("api/v1/", include("connectors.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its start-up script from its own URL (?script), not inline: the Content-Security-Policy
    # allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The catch-all below answers every other /api/ path, so APPEND_SLASH no longer does.
    path("api/schema", RedirectView.as_view(pattern_name="api-schema", query_string=True)),
    path("api/docs", RedirectView.as_view(pattern_name="api-docs", query_string=True)),
    re_path(r"^api(?:/|$)", unknown_api_path),
    path("i18n/", include("django.conf.urls.i18n")),
    path("klant/", include("clientside.urls")),
    path("insite/termijnen/", include("portal.deadline_urls")),
    path("insite/inrichting/", include("portal.activation_urls")),
    path("klant/activering/", include("clientside.activation_urls")),
    path("", include("portal.urls")),
]
