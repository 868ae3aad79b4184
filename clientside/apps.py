from django.apps import AppConfig


class ClientsideConfig(AppConfig):
    name = "clientside"
