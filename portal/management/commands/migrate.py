"""Django's ``migrate``, refusing a database that stopped short of a release.

Migrations are squashed at releases: after release e5ba993 each app's into one
``0001_squashed``; after 4fd7f75 what crm, clientside and workflow had written since into
one more; at 3e25ac6 everything each app had into one ``0001_squashed_3e25ac6``. A database
has, of each squash's old migrations, either none (it is older, or new) or all (made or
upgraded by the release named for the squash, or made by a later version); then the squash
applies or counts as applied. A database with only part of them was made by a version in
between, and one of a release before the last squash lacks what that squash replaced: Django
would try to create tables it already has, or fail on a missing migration. This command says
so, names the release to upgrade with first, and changes nothing.

The squashes whose files are gone (e5ba993's and 4fd7f75's, and portal's own migrations of
e5ba993, whose models moved to crm and deadlines) are kept as what they replaced in
``released_migrations.json``. The squashes on disk replace all of their app's migrations, so
a database with any migration of that app recorded must have all of them.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

# The releases that squashes were made at, oldest first: a database with part of a
# release's groups is upgraded with that release first.
RELEASES = ("e5ba993", "4fd7f75", "3e25ac6")
# Each squash on disk and the release that has the migrations it replaces as files.
WAY_THROUGH = {
    (app, "0001_squashed_3e25ac6"): "3e25ac6"
    for app in ("clientside", "connectors", "crm", "deadlines", "workflow")
}

PROJECT_APPS = frozenset({"clientside", "connectors", "crm", "deadlines", "portal", "workflow"})

RELEASED = Path(__file__).with_name("released_migrations.json")

Migration = tuple[str, str]


def _named(names: list[str]) -> set[Migration]:
    return {(app, name) for app, name in (full.split(".", 1) for full in names)}


def release_groups() -> list[tuple[str, set[Migration], str | None]]:
    """The migrations that go together, each group with the release that has all of it and,
    for a squash that replaces all of its app's migrations, that app."""
    released = json.loads(RELEASED.read_text(encoding="utf-8"))
    groups: list[tuple[str, set[Migration], str | None]] = [
        (release, _named(names), None)
        for release, squashes in released.items()
        for names in squashes.values()
    ]
    loader = MigrationLoader(None, ignore_no_migrations=True)
    groups += [
        (WAY_THROUGH[key], set(migration.replaces), key[0])
        for key, migration in loader.disk_migrations.items()
        # Only this project's squashes: an installed package may ship its own.
        if migration.replaces and key[0] in PROJECT_APPS
    ]
    return groups


def missing_for_upgrade(database: str = DEFAULT_DB_ALIAS) -> tuple[str, list[Migration]]:
    """The oldest release this database stopped short of, and the migrations it lacks of
    that release's groups (``("", [])``: none).

    A new database has none of a group; one made or upgraded by a release has all of every
    group of that release (and so does one made by a later version: Django records the
    replaced migrations with the squashed one; portal's it never has). A group that is all
    of its app's migrations is lacking too when the database has other migrations of the
    app (those of an earlier release).
    """
    recorder = MigrationRecorder(connections[database])
    if not recorder.has_table():
        return "", []
    applied = set(recorder.applied_migrations())
    missing: dict[str, set[Migration]] = {}
    for release, group, whole_app in release_groups():
        has = group & applied if whole_app is None else {m for m in applied if m[0] == whole_app}
        if has and group - applied:
            missing.setdefault(release, set()).update(group - applied)
    for release in RELEASES:
        if release in missing:
            return release, sorted(missing[release])
    return "", []


class Command(MigrateCommand):
    help = MigrateCommand.help + (
        " Refuses a database that stopped short of a release and names the releases to"
        " upgrade with first."
    )

    def handle(self, *args, **options):
        release, missing = missing_for_upgrade(options.get("database") or DEFAULT_DB_ALIAS)
        if missing:
            facts = {"release": release, "count": len(missing), "first": ".".join(missing[0])}
            if release != RELEASES[-1]:
                # Upgraded with that release, it still lacks what the last release's squashes
                # replace; that release takes it from there (it has every earlier squash).
                raise CommandError(
                    _(
                        "Deze database komt van een versie van vóór %(release)s: daarin "
                        "ontbreken nog %(count)s migraties (zoals %(first)s). Werk haar eerst "
                        "bij met versie %(release)s (manage.py migrate), daarna met versie "
                        "%(last)s en dan met deze versie. Er is niets gewijzigd."
                    )
                    % {**facts, "last": RELEASES[-1]}
                )
            raise CommandError(
                _(
                    "Deze database komt van een versie van vóór %(release)s: daarin "
                    "ontbreken nog %(count)s migraties (zoals %(first)s). Werk haar eerst "
                    "bij met versie %(release)s (manage.py migrate) en daarna met deze "
                    "versie. Er is niets gewijzigd."
                )
                % facts
            )
        return super().handle(*args, **options)
