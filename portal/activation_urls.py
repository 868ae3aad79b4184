from django.urls import path

from portal.views import activation

urlpatterns = [
    path("", activation.setup, name="insite-setup"),
]
