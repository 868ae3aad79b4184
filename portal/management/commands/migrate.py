"""Django's ``migrate``, refusing a database that stopped half-way between two releases.

Migrations are squashed between releases: after release e5ba993 each app's into one
``0001_squashed``; after 4fd7f75 what crm, clientside and workflow had written since into
one more (``WAY_THROUGH``). A database has, of each squashed migration's old ones, either
none (it is older, or new) or all (made or upgraded by the release named for the squash, or
made by this version); then the squashed one applies or counts as applied. A database with
only some of them was made by a version in between: Django would try to create tables it
already has, or fail on a missing migration. This command says so, names the release to
upgrade with first, and changes nothing.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

# Each squashed migration and the release that still has the migrations it replaces as
# files, oldest release first: a database with part of them is upgraded with it first.
RELEASES = ("e5ba993", "4fd7f75")
WAY_THROUGH = {
    ("clientside", "0001_squashed"): "e5ba993",
    ("connectors", "0001_squashed"): "e5ba993",
    ("crm", "0001_squashed"): "e5ba993",
    ("deadlines", "0001_squashed"): "e5ba993",
    ("workflow", "0001_squashed"): "e5ba993",
    ("clientside", "0002_squashed"): "4fd7f75",
    ("crm", "0002_squashed"): "4fd7f75",
    ("workflow", "0005_squashed"): "4fd7f75",
}

PROJECT_APPS = frozenset({"clientside", "connectors", "crm", "deadlines", "portal", "workflow"})

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


def release_groups() -> list[tuple[str, set[tuple[str, str]]]]:
    """The migrations that go together, each group with the release that has all of it:
    what each squashed migration replaces, and portal's own."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    groups = [
        (WAY_THROUGH[key], set(migration.replaces))
        for key, migration in loader.disk_migrations.items()
        # Only this project's squashes: an installed package may ship its own.
        if migration.replaces and key[0] in PROJECT_APPS
    ]
    return [*groups, ("e5ba993", set(PORTAL_MIGRATIONS))]


def missing_for_upgrade(database: str = DEFAULT_DB_ALIAS) -> tuple[str, list[tuple[str, str]]]:
    """The oldest release this database stopped short of, and the migrations it lacks of
    that release's groups it has only part of (``("", [])``: none).

    A new database has none of a group; one made or upgraded by a release has all of every
    group of that release (and so does one made by this version: Django records the
    replaced migrations with the squashed one; portal's it never has).
    """
    recorder = MigrationRecorder(connections[database])
    if not recorder.has_table():
        return "", []
    applied = set(recorder.applied_migrations())
    missing: dict[str, set[tuple[str, str]]] = {}
    for release, group in release_groups():
        if group & applied and group - applied:
            missing.setdefault(release, set()).update(group - applied)
    for release in RELEASES:
        if release in missing:
            return release, sorted(missing[release])
    return "", []


class Command(MigrateCommand):
    help = MigrateCommand.help + (
        " Refuses a database made by a version between two releases and names the release"
        " to upgrade with first."
    )

    def handle(self, *args, **options):
        release, missing = missing_for_upgrade(options.get("database") or DEFAULT_DB_ALIAS)
        if missing:
            raise CommandError(
                _(
                    "Deze database komt van een versie van vóór %(release)s: daarin "
                    "ontbreken nog %(count)s migraties (zoals %(first)s). Werk haar eerst "
                    "bij met versie %(release)s (manage.py migrate) en daarna met deze "
                    "versie. Er is niets gewijzigd."
                )
                % {
                    "release": release,
                    "count": len(missing),
                    "first": ".".join(missing[0]),
                }
            )
        return super().handle(*args, **options)
