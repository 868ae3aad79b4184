from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsideConfig(AppConfig):
    name = "clientside"
    verbose_name = _("Boekhoudomgeving van de klant")
