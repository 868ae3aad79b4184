"""A database's schema as plain data, to compare two databases made different ways.

Only the project's tables (not Django's, django-axes' or django-otp's). Columns are sorted
by name: a table that grew column by column and one created at once hold them in another
order, which nothing reads.
"""

from __future__ import annotations

import re
from typing import Any

OTHER_TABLES = ("auth_", "django_", "axes_", "otp_", "sqlite_")


def schema(connection) -> dict[str, Any]:
    """Tables with their columns, indexes, keys and checks (and, on PostgreSQL, the
    triggers and functions of the public schema)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite(cursor)
        return _postgresql(connection, cursor)


def _sqlite(cursor) -> dict[str, Any]:
    # Django's SQLite introspection cannot read every table's collations, so PRAGMAs.
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
    tables = {}
    for table, sql in cursor.fetchall():
        if table.startswith(OTHER_TABLES):
            continue
        cursor.execute(f'PRAGMA table_info("{table}")')
        columns = sorted(row[1:] for row in cursor.fetchall())
        cursor.execute(f'PRAGMA index_list("{table}")')
        indexes = []
        for _seq, name, unique, origin, partial in cursor.fetchall():
            cursor.execute(f'PRAGMA index_info("{name}")')
            indexed = [row[2] for row in cursor.fetchall()]
            auto = name.startswith("sqlite_autoindex")
            indexes.append(("" if auto else name, unique, origin, partial, indexed))
        cursor.execute(f'PRAGMA foreign_key_list("{table}")')
        keys = sorted(row[2:] for row in cursor.fetchall())
        # The statements of the named indexes: what PRAGMA does not say, a partial index's
        # condition.
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
            " AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        tables[table] = {
            "columns": columns,
            "indexes": sorted(indexes, key=repr),
            "index_statements": [row[0] for row in cursor.fetchall()],
            "foreign_keys": keys,
            "checks": _checks(sql),
        }
    return tables


def _checks(sql: str) -> list[tuple[str, str]]:
    """The CHECK clauses of a CREATE TABLE, each with its constraint name ('' unnamed)."""
    checks = []
    for match in re.finditer(r'(?:CONSTRAINT "([^"]+)" )?CHECK \(', sql):
        end, depth = match.end(), 1
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        checks.append((match.group(1) or "", sql[match.end() : end - 1]))
    return sorted(checks)


def _postgresql(connection, cursor) -> dict[str, Any]:
    introspection = connection.introspection
    tables: dict[str, Any] = {}
    for table in sorted(introspection.table_names(cursor)):
        if table.startswith(OTHER_TABLES):
            continue
        description = introspection.get_table_description(cursor, table)
        constraints = introspection.get_constraints(cursor, table)
        tables[table] = {
            "columns": sorted(
                [c.name, c.type_code, c.null_ok, c.default, c.collation] for c in description
            ),
            "constraints": {
                name: {key: value for key, value in info.items() if key != "definition"}
                for name, info in sorted(constraints.items())
            },
            # What Django's introspection leaves out: a check's condition, a partial index's,
            # a key's deferral.
            "definitions": _definitions(cursor, table),
        }
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
    )
    tables["<triggers>"] = [list(row) for row in cursor.fetchall()]
    cursor.execute(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1"
    )
    tables["<functions>"] = [list(row) for row in cursor.fetchall()]
    return tables


def _definitions(cursor, table: str) -> dict[str, str]:
    """The table's constraints and indexes as PostgreSQL states them, by name."""
    cursor.execute(
        "SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass UNION ALL"
        " SELECT 'index ' || indexrelid::regclass::text, pg_get_indexdef(indexrelid)"
        " FROM pg_index WHERE indrelid = %s::regclass",
        [table, table],
    )
    return dict(sorted(cursor.fetchall()))
