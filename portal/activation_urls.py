from django.urls import path

from portal.views import activation

urlpatterns = [
    path("", activation.setup, name="insite-setup"),
    path("uitschakelen/", activation.switch_off, name="insite-setup-switch-off"),
]
