"""Migrations after the last release keep the release serving while they run: a column they
add to a table the release writes must not stop the release's inserts, which name only the
columns it knows. So a new column is nullable or has a database default (``db_default``),
as workflow's ``received_sha256`` was added (workflow.models, the comment at the field).
The review of clientside 0002 found two NOT NULL text columns whose default Django drops
after adding them (``ALTER COLUMN ... DROP DEFAULT``)."""

from __future__ import annotations

from django.db.migrations import AddField, AlterField
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

from portal.management.commands.migrate import PROJECT_APPS, WAY_THROUGH


def _later_migrations():
    """The project's migrations that no release has applied: neither a squash nor one of
    the files a squash replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    replaced = {
        name
        for key in WAY_THROUGH
        for name in loader.disk_migrations[key].replaces  # type: ignore[attr-defined]
    }
    for key, migration in sorted(loader.disk_migrations.items()):
        if key[0] in PROJECT_APPS and key not in WAY_THROUGH and key not in replaced:
            yield key, migration


def _blocks_the_release(operation) -> bool:
    """A column added, or altered to NOT NULL, without a database default: the release's
    inserts, which leave it out, fail. An AlterField of a column that was NOT NULL before
    is flagged too (the operation does not say what the column was): a database default
    costs it nothing."""
    if not isinstance(operation, AddField | AlterField):
        return False
    field = operation.field
    return not field.many_to_many and not field.null and field.db_default is NOT_PROVIDED


def test_a_later_migration_adds_no_column_the_release_cannot_leave_out():
    offenders = [
        f"{app}.{name}: {operation.model_name}.{operation.name}"
        for (app, name), migration in _later_migrations()
        for operation in migration.operations
        if _blocks_the_release(operation)
    ]
    assert offenders == []


def test_the_rule_finds_a_not_null_column_without_a_database_default():
    """The check itself can fail: the field as clientside 0002 first had it."""
    from django.db import models

    blocking = AddField("communicationprofile", "x", models.CharField(max_length=20, blank=True))
    allowed = AddField(
        "communicationprofile", "y", models.CharField(max_length=20, db_default="", default="")
    )
    nullable = AddField("communicationprofile", "z", models.DateTimeField(null=True))
    made_not_null = AlterField("communicationprofile", "z", models.DateTimeField())
    operations = (blocking, allowed, nullable, made_not_null)
    assert [_blocks_the_release(op) for op in operations] == [True, False, False, True]
