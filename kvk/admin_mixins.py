"""What the Django admins of the portal's apps and of the client side share: a row stays
with what it belongs to."""

from __future__ import annotations

from typing import Any


class FixedAfterCreationAdminMixin:
    """The ``fixed_fields`` of a row are chosen when it is added and shown read-only after."""

    fixed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None:
            fields += [name for name in self.fixed_fields if name not in fields]
        return fields
