"""What the Django admins of the apps (portal, workflow, connectors) share about the
accountancy environment a row belongs to."""

from __future__ import annotations

from typing import Any


class EnvironmentFixedAdminMixin:
    """The ``environment`` of a row is chosen when it is added and shown read-only after:
    moving an organisation, a workflow or a connector to another accountancy environment
    would take its messages, contacts and tokens into another firm's InSite and leave its
    identification numbers (kept unique per environment) behind."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None and "environment" not in fields:
            fields.append("environment")
        return fields
