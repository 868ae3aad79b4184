"""The project's URLs plus the bare baseline endpoint of bench/bench_ingest.py."""

from django.urls import path

from bench.ingest_views import BarePing
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/ping/", BarePing.as_view()), *project_urlpatterns]
