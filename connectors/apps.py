from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = _("Connectoren")

    def ready(self) -> None:
        from workflow.signals import message_received

        message_received.connect(_kick_processing, dispatch_uid="connectors-kick-processing")


def _kick_processing(sender, pk: int, **kwargs) -> None:
    """A new message is processed right away (in a batch with the uploads of the same
    moment); the periodic job is the safety net."""
    from connectors.tasks import kick_processing

    kick_processing()
