from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the end-to-end demo: tooling that wires both sides, like config/."""

    name = "demo"
