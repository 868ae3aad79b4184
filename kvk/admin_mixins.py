"""What the Django admins of the portal's apps and of the client side share: a row stays
with what it belongs to."""

from __future__ import annotations

from typing import Any


class FixedAfterCreationAdminMixin:
    """The ``fixed_fields`` of a row are chosen when it is added and shown read-only after.

    Read-only, they are not in the change form, and Django skips every unique constraint a
    field outside the form is part of: a row changed onto another's place (a report onto a
    year its administration has, a contact onto a login its organisation has) would reach
    the database and end in a server error. The form checks them with the stored values."""

    fixed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None:
            fields += [name for name in self.fixed_fields if name not in fields]
        return fields

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        if obj is None:
            return form
        fixed = frozenset(self.fixed_fields)

        class FixedFieldsChecked(form):  # type: ignore[valid-type,misc]
            def _get_validation_exclusions(self) -> set[str]:
                return super()._get_validation_exclusions() - fixed

        return FixedFieldsChecked
