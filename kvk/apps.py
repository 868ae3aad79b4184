from django.apps import AppConfig


class KvkConfig(AppConfig):
    name = "kvk"
    verbose_name = "KvK / SBR"
