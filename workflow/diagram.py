"""The state diagram of approval messages, generated from the transitions in the code.

``to_dot()`` gives Graphviz source (no Graphviz needed), ``to_svg()`` renders it with the
``dot`` program when it is installed. The docs (docs/state-diagram.*, written by
``manage.py workflow_diagram``) and the staff portal use these, so the picture cannot drift
from the status machine.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from typing import Any

from kvk.status import FINAL_STATUSES, Status
from workflow.models import ApprovalMessage, is_client, is_staff, is_system

#: The statuses of the accountant side (0 and 5 exist only in the client environment).
PORTAL_STATUSES = [s for s in Status if s >= Status.RECEIVED]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: Who performs a transition, named after its permission function.
_ROLES: dict[Any, str] = {is_client: "cliënt", is_staff: "medewerker", is_system: "systeem"}


def _roles() -> dict[str, str]:
    field: Any = ApprovalMessage._meta.get_field("status")
    return {
        t.name: _ROLES.get(t.permission, "") for t in field.get_all_transitions(ApprovalMessage)
    }


def edges() -> list[tuple[int, int, str]]:
    """(source, target, label) per edge; transitions with the same ends share one edge."""
    labels: dict[tuple[int, int], list[str]] = defaultdict(list)
    roles = _roles()
    for source, target, name, label in ApprovalMessage.status_transitions():
        text = label or name
        if roles.get(name):
            text += f" ({roles[name]})"
        if text not in labels[(source, target)]:
            labels[(source, target)].append(text)
    return [(s, t, " / ".join(names)) for (s, t), names in sorted(labels.items())]


def to_dot(*, highlight: int | None = None) -> str:
    """Graphviz source of the status machine; ``highlight`` marks one status (a message's)."""
    lines = [
        "digraph approval_message {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=11];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", '
        'fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  start [shape=point, width=0.15, label=""];',
    ]
    for status in PORTAL_STATUSES:
        attributes = [f"label={_quote(f'{status.value} {status.label}')}"]
        if status in FINAL_STATUSES:
            attributes.append("peripheries=2")
        if highlight is not None and status == highlight:
            attributes.append('fillcolor="#ffd966"')
            attributes.append("penwidth=2")
        lines.append(f"  s{status.value} [{', '.join(attributes)}];")
    lines.append(f"  start -> s{Status.RECEIVED.value} [label={_quote('API: bericht ontvangen')}];")
    for source, target, label in edges():
        lines.append(f"  s{source} -> s{target} [label={_quote(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def to_svg(*, highlight: int | None = None, timeout: float = 20) -> str | None:
    """The diagram as SVG text, or None when Graphviz (``dot``) is not installed."""
    program = shutil.which("dot")
    if program is None:
        return None
    result = subprocess.run(
        [program, "-Tsvg"],
        input=to_dot(highlight=highlight).encode(),
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout.decode()
