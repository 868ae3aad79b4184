"""Check XBRL instances against the KvK filing rules.

    python manage.py kvk_validate FILE... [--json] [--filing-date YYYY-MM-DD]
        [--kvk-number 12345678] [--size micro|klein] [--full] [--language nl|en]

Exit status: 0 when no file has an error, 1 when one has, 2 when a file cannot be read.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kvk.rules import check_instance, has_errors


class Command(BaseCommand):
    help = "Check XBRL instances against the KvK filing rules (FR-NL, FG-NL, FR-KVK, BR-KVK)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="print one JSON array")
        parser.add_argument("--filing-date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--kvk-number", help="the KvK number the filing must carry")
        parser.add_argument("--size", choices=["micro", "klein"], help="the size class")
        parser.add_argument(
            "--full",
            action="store_true",
            help="also run full validation with the installed taxonomy packages (Arelle)",
        )
        parser.add_argument("--language", choices=["nl", "en"], default="nl")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        filing_date = None
        if options["filing_date"]:
            try:
                filing_date = date.fromisoformat(options["filing_date"])
            except ValueError:
                raise CommandError(f"--filing-date {options['filing_date']!r} is not YYYY-MM-DD")
        results = []
        unreadable = False
        any_errors = False
        for name in options["files"]:
            path = Path(name)
            try:
                content = path.read_bytes()
            except OSError as exc:
                unreadable = True
                results.append({"file": name, "error": str(exc), "findings": []})
                continue
            findings = check_instance(
                content,
                filename=path.name,
                filing_date=filing_date,
                expected_kvk_number=options["kvk_number"],
                size_class=options["size"],
            )
            if options["full"]:
                from kvk.arelle import full_validation_available, merge_findings, validate_full

                if not full_validation_available():
                    raise CommandError(
                        "--full needs arelle-release and taxonomy package zips in "
                        "KVK_TAXONOMY_PACKAGES"
                    )
                findings = merge_findings(findings, validate_full(content, filename=path.name))
            any_errors = any_errors or has_errors(findings)
            results.append(
                {"file": name, "findings": [f.to_dict(options["language"]) for f in findings]}
            )
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            for result in results:
                self._print_text(result)
        sys.exit(2 if unreadable else 1 if any_errors else 0)

    def _print_text(self, result: dict) -> None:  # type: ignore[type-arg]
        if "error" in result:
            self.stderr.write(f"{result['file']}: cannot read: {result['error']}")
            return
        findings = result["findings"]
        errors = sum(1 for f in findings if f["severity"] == "error")
        verdict = "OK" if not errors else f"{errors} error(s)"
        self.stdout.write(f"{result['file']}: {verdict}, {len(findings) - errors} warning(s)")
        for f in findings:
            line = f":{f['line']}" if f["line"] else ""
            self.stdout.write(f"  {f['severity']:7} {f['code']:20} {result['file']}{line}")
            self.stdout.write(f"          {f['message']}")
