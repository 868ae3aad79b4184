"""Build an XBRL instance from a statements JSON file.

    python manage.py kvk_build STATEMENTS.json -o OUT.xbrl

The JSON has the shape of ``FinancialStatements.to_dict()`` (ISO dates, decimal strings);
``docs/examples/`` holds one file per entry point variant and situation. ``--demo`` first
writes the demo statements to STATEMENTS.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kvk.builder import build_instance
from kvk.rules import check_instance, has_errors
from kvk.statements import FinancialStatements, demo_statements


class Command(BaseCommand):
    help = "Build a KvK XBRL instance from a statements JSON file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("statements", metavar="STATEMENTS.json")
        parser.add_argument("-o", "--output", required=True, metavar="OUT.xbrl")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="write a demo statements file to STATEMENTS.json first",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        source = Path(options["statements"])
        if options["demo"]:
            demo = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
            source.write_text(json.dumps(demo.to_dict(), indent=2), encoding="utf-8")
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc}")
        except json.JSONDecodeError as exc:
            raise CommandError(f"{source} is not valid JSON: {exc}")
        try:
            statements = FinancialStatements.from_dict(data)
            content = build_instance(statements)
        except (ValueError, LookupError) as exc:
            raise CommandError(f"{source}: {exc}")
        Path(options["output"]).write_bytes(content)
        findings = check_instance(content, filename=Path(options["output"]).name)
        for f in findings:
            self.stderr.write(f"{f.severity} {f.code}: {f.message}")
        self.stdout.write(
            f"{options['output']}: {len(content)} bytes, "
            f"{statements.taxonomy_generation().label} {statements.variant}"
            + (" (with errors)" if has_errors(findings) else "")
        )
