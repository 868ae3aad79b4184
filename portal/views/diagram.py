"""The state diagram of approval messages for staff, with the message's status marked.

Drawn by workflow.diagram from the transitions in the code, so it cannot drift from the
status machine. Loaded on demand (htmx, when the staff member opens it): rendering runs the
Graphviz ``dot`` program; without Graphviz the same transitions are listed as text."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kvk.status import status_label
from portal.views import common
from workflow import diagram


@common.staff_view()
@require_GET
def message_diagram(request: HttpRequest, pk: int) -> HttpResponse:
    message = common.message_or_404(common.staff_messages(request).defer(*common.HEAVY_FIELDS), pk)

    svg = diagram.to_svg(highlight=message.status)
    if svg is not None:
        svg = svg[svg.find("<svg") :]  # drop the XML prologue and doctype: inline SVG
    edges = [
        {
            "source": s,
            "source_label": status_label(s),
            "target": t,
            "target_label": status_label(t),
            "label": label,
        }
        for s, t, label in diagram.edges()
    ]
    return render(request, "portal/_diagram.html", {"message": message, "svg": svg, "edges": edges})
