"""Single-row INSERTs for the hottest write path (a client's upload), with the statement
written once per process from the model's fields instead of compiled by the ORM on every
call: building an INSERT through the ORM costs more CPU than PostgreSQL needs to run it.

Values go through the same field methods as the ORM's own insert (``pre_save`` fills
``auto_now_add`` and ``auto_now``, ``get_db_prep_save`` adapts JSON, UUIDs, bytes and
dates for the database), so defaults and conversions are the ORM's. PostgreSQL and SQLite
(3.35 and newer) both understand the statement, including ``ON CONFLICT ... DO NOTHING``
and ``RETURNING``.
"""

from __future__ import annotations

from typing import Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def column_of(field: Field) -> str:
    """The column of a concrete field (typed as optional only for fields without one)."""
    return cast(str, field.column)


class Insert(Generic[M]):
    """INSERT one instance of ``model``; with ``skip_conflicts_on`` (the fields of a unique
    constraint) a row that would break that constraint is not inserted, and ``execute``
    says so instead of raising, so no savepoint is needed to recover from it."""

    def __init__(self, model: type[M], *, skip_conflicts_on: tuple[str, ...] = ()) -> None:
        self.model = model
        meta = model._meta
        if meta.parents:
            raise TypeError(f"{model.__name__}: a model with parent tables needs the ORM's insert")
        # The primary key always comes from the database (RETURNING), never from the instance.
        self.fields: list[Field] = [
            f for f in meta.local_concrete_fields if not (f.primary_key and f.db_returning)
        ]
        self.conflict_columns = [
            column_of(cast(Field, meta.get_field(name))) for name in skip_conflicts_on
        ]
        self._sql: dict[str, str] = {}

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        vendor = connection.vendor
        if vendor not in self._sql:
            quote = connection.ops.quote_name
            meta = self.model._meta
            columns = ", ".join(quote(column_of(f)) for f in self.fields)
            values = ", ".join(["%s"] * len(self.fields))
            # Names from the model, values as parameters.
            statement = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
            if self.conflict_columns:
                target = ", ".join(quote(c) for c in self.conflict_columns)
                statement += f" ON CONFLICT ({target}) DO NOTHING"
            self._sql[vendor] = f"{statement} RETURNING {quote(column_of(cast(Field, meta.pk)))}"
        return self._sql[vendor]

    def execute(self, instance: M) -> bool:
        """Insert ``instance`` and set its primary key: True. False when a conflict on
        ``skip_conflicts_on`` left the existing row in place (the instance stays unsaved)."""
        connection = connections[DEFAULT_DB_ALIAS]  # once, not per field: a thread-local
        values = [
            f.get_db_prep_save(f.pre_save(instance, True), connection=connection)
            for f in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(connection), values)
            row = cursor.fetchone()
        if row is None:
            return False
        instance.pk = row[0]
        instance._state.adding = False
        instance._state.db = connection.alias
        return True
