from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvkConfig(AppConfig):
    name = "kvk"
    verbose_name = _("KvK / SBR")
