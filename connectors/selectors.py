"""The two reads every upload makes before any domain work: the caller's token (with its
organisation, environment, activation and connector) and the message type.

Both run on every API call, so their SQL is written once per process from the models'
fields instead of compiled by the ORM each time (compiling the token's five-table join
cost more CPU than PostgreSQL needed to run it). Rows become model instances exactly as
the ORM makes them: the same field converters, then ``Model.from_db``, with the related
instances attached so nothing further is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from connectors.models import AppConnector, ClientToken, MessageType
from crm.models import AccountancyEnvironment, EnvironmentActivation, Organisation


class _Columns:
    """A model's concrete fields as selected under a table alias, and how to turn those
    values of a row into an instance (the ORM's converters for this database)."""

    def __init__(self, model: type[Model], alias: str, connection: BaseDatabaseWrapper) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.names = [f.attname for f in fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(cast(str, f.column))}" for f in fields)
        self.converters: list[tuple[int, list[Callable[..., Any]], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = [
                _unbound(convert, connection)
                for convert in connection.ops.get_db_converters(column)
            ] + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))
        self.width = len(fields)

    def instance(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
        converted = list(values)
        for index, converters, column in self.converters:
            for convert in converters:
                converted[index] = convert(converted[index], column, connection)
        return self.model.from_db(connection.alias, self.names, converted)


def _unbound(convert: Callable[..., Any], connection: BaseDatabaseWrapper) -> Callable[..., Any]:
    """A converter of the database backend that holds no connection: a method of this
    connection's operations becomes a call of the same method on the caller's connection,
    so what is prepared once serves every thread (and keeps no closed connection alive)."""
    if getattr(convert, "__self__", None) is not connection.ops:
        return convert
    name = convert.__name__

    def on_callers_connection(value: Any, expression: Any, caller: BaseDatabaseWrapper) -> Any:
        return getattr(caller.ops, name)(value, expression, caller)

    return on_callers_connection


def _split(row: Sequence[Any], parts: Sequence[_Columns]) -> list[Sequence[Any]]:
    pieces, start = [], 0
    for part in parts:
        pieces.append(row[start : start + part.width])
        start += part.width
    return pieces


def _column(model: type[Model], field: str) -> str:
    return cast(str, cast(Field, model._meta.get_field(field)).column)


class _TokenLookup:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        quote = connection.ops.quote_name
        self.parts = [
            _Columns(ClientToken, "t", connection),
            _Columns(Organisation, "o", connection),
            _Columns(AccountancyEnvironment, "e", connection),
            _Columns(EnvironmentActivation, "a", connection),
            _Columns(AppConnector, "c", connection),
        ]
        table = {part.model: quote(part.model._meta.db_table) for part in self.parts}

        def pk(model: type[Model]) -> str:
            return quote(cast(str, model._meta.pk.column))  # type: ignore[union-attr]

        self.sql = (
            f"SELECT {', '.join(part.sql for part in self.parts)} "  # noqa: S608
            f"FROM {table[ClientToken]} t "
            f"JOIN {table[Organisation]} o "
            f"ON o.{pk(Organisation)} = t.{quote(_column(ClientToken, 'organisation'))} "
            f"JOIN {table[AccountancyEnvironment]} e "
            f"ON e.{pk(AccountancyEnvironment)} = o.{quote(_column(Organisation, 'environment'))} "
            # No activation row means the feature is off: a left join, and the absence
            # is remembered on the environment so reading it costs no query.
            f"LEFT JOIN {table[EnvironmentActivation]} a "
            f"ON a.{quote(_column(EnvironmentActivation, 'environment'))} = "
            f"e.{pk(AccountancyEnvironment)} "
            f"JOIN {table[AppConnector]} c "
            f"ON c.{pk(AppConnector)} = t.{quote(_column(ClientToken, 'connector'))} "
            f"WHERE t.{quote(_column(ClientToken, 'token_hash'))} = %s"
        )

    def fetch(self, connection: BaseDatabaseWrapper, token_hash: str) -> ClientToken | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [token_hash])
            row = cursor.fetchone()
        if row is None:
            return None
        token_part, organisation_part, environment_part, activation_part, connector_part = (
            self.parts
        )
        values = _split(row, self.parts)
        token = token_part.instance(values[0], connection)
        organisation = organisation_part.instance(values[1], connection)
        environment = environment_part.instance(values[2], connection)
        connector = connector_part.instance(values[4], connection)
        activation = None
        if values[3][0] is not None:  # the activation's primary key: a row was found
            activation = activation_part.instance(values[3], connection)
            activation.environment = environment
        AccountancyEnvironment._meta.get_field("activation").set_cached_value(
            environment, activation
        )
        organisation.environment = environment
        token.organisation = organisation
        token.connector = connector
        return token


class _MessageTypeLookup:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        quote = connection.ops.quote_name
        self.part = _Columns(MessageType, "m", connection)
        self.sql = (
            f"SELECT {self.part.sql} FROM {quote(MessageType._meta.db_table)} m "  # noqa: S608
            f"WHERE m.{quote(_column(MessageType, 'environment'))} = %s "
            f"AND m.{quote(_column(MessageType, 'code'))} = %s"
        )

    def fetch(
        self, connection: BaseDatabaseWrapper, environment_id: int, code: str
    ) -> MessageType | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [environment_id, code])
            row = cursor.fetchone()  # (environment, code) is unique
        return None if row is None else self.part.instance(row, connection)


# Prepared once per database vendor; they hold no connection.
_lookups: dict[tuple[str, type], Any] = {}


def _lookup(kind: type, connection: BaseDatabaseWrapper) -> Any:
    key = (connection.vendor, kind)
    if key not in _lookups:
        _lookups[key] = kind(connection)
    return _lookups[key]


def token_for_hash(token_hash: str) -> ClientToken | None:
    """The token with this hash, its organisation with the accountancy environment (and
    the environment's activation, or its absence) and its app connector; None if unknown."""
    connection = connections[DEFAULT_DB_ALIAS]
    return _lookup(_TokenLookup, connection).fetch(connection, token_hash)


def message_type(*, environment_id: int, code: str) -> MessageType | None:
    """The environment's message type with this code, or None."""
    connection = connections[DEFAULT_DB_ALIAS]
    return _lookup(_MessageTypeLookup, connection).fetch(connection, environment_id, code)
