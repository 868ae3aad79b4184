"""Write the state diagram of approval messages, generated from the code.

    python manage.py workflow_diagram -o docs/state-diagram.svg

Always writes the Graphviz source next to the output (docs/state-diagram.dot); writes the
SVG too when Graphviz (``dot``) is installed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflow import diagram


class Command(BaseCommand):
    help = "Write the state diagram of approval messages (Graphviz .dot and, with dot, .svg)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            default="docs/state-diagram.svg",
            help="Target file (.svg or .dot); the .dot source is written next to it.",
        )

    def handle(self, *args, output: str, **options) -> None:
        target = Path(output)
        if target.suffix not in (".svg", ".dot"):
            raise CommandError("The output must end in .svg or .dot.")
        target.parent.mkdir(parents=True, exist_ok=True)
        source = target.with_suffix(".dot")
        source.write_text(diagram.to_dot(), encoding="utf-8")
        self.stdout.write(f"Wrote {source}")
        if target.suffix == ".dot":
            return
        svg = diagram.to_svg()
        if svg is None:
            self.stderr.write(
                f"Graphviz (dot) is not installed: wrote only {source}. "
                "Install graphviz to render the SVG."
            )
            return
        target.write_text(svg, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
