"""Django's ``migrate``, refusing a database that stopped half-way to release e5ba993.

The migrations of every app were squashed after release e5ba993 into one ``0001_squashed``
per app. A database has, of each squashed migration's old ones, either none (a new one) or
all (made or upgraded by e5ba993, or made by this version); then the squashed one applies
or counts as applied. A database with only some of them (made by an earlier release) cannot
be taken further by this version:
Django would try to create tables it already has, or fail on a missing migration. This
command says so, names the way through, and changes nothing.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

SQUASHED_AFTER = "e5ba993"

# portal's own migrations of release e5ba993: its models moved to crm and deadlines, so it
# has no squashed migration that names them.
PORTAL_MIGRATIONS = [
    ("portal", name)
    for name in (
        "0001_initial",
        "0002_deadlines_and_reminders",
        "0003_activation",
        "0004_staff_language",
        "0005_legal_form",
        "0006_moved_to_crm_and_deadlines",
    )
]


def release_groups() -> list[set[tuple[str, str]]]:
    """The migrations of release e5ba993 in the groups that go together: what each squashed
    migration replaces, and portal's own."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    groups = [set(m.replaces) for m in loader.disk_migrations.values() if m.replaces]
    return [*groups, set(PORTAL_MIGRATIONS)]


def missing_for_upgrade(database: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """The release's migrations this database lacks in the groups it has only part of.

    A new database has none of a group; one made or upgraded by e5ba993 has all of every
    group (and so does one made by this version: Django records the replaced migrations
    with the squashed one; portal's it never has).
    """
    recorder = MigrationRecorder(connections[database])
    if not recorder.has_table():
        return []
    applied = set(recorder.applied_migrations())
    missing: set[tuple[str, str]] = set()
    for group in release_groups():
        if group & applied:
            missing |= group - applied
    return sorted(missing)


class Command(MigrateCommand):
    help = MigrateCommand.help + (
        " Refuses a database made by a release before " + SQUASHED_AFTER + "."
    )

    def handle(self, *args, **options):
        missing = missing_for_upgrade(options.get("database") or DEFAULT_DB_ALIAS)
        if missing:
            raise CommandError(
                _(
                    "Deze database komt van een versie van vóór %(release)s: daarin "
                    "ontbreken nog %(count)s migraties (zoals %(first)s). Werk haar eerst "
                    "bij met versie %(release)s (manage.py migrate) en daarna met deze "
                    "versie. Er is niets gewijzigd."
                )
                % {
                    "release": SQUASHED_AFTER,
                    "count": len(missing),
                    "first": ".".join(missing[0]),
                }
            )
        return super().handle(*args, **options)
