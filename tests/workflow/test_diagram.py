"""The state diagram is generated from the transitions in the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from kvk.status import Status
from workflow import diagram
from workflow.models import ApprovalMessage

DOCS = Path(settings.BASE_DIR) / "docs"


def _edges(dot: str) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in re.findall(r"s(\d+) -> s(\d+)", dot)}


def test_diagram_contains_every_transition_of_the_model_and_nothing_else():
    model = {(s, t) for s, t, _name, _label in ApprovalMessage.status_transitions()}
    assert len(model) == 14
    # a copy closed, an older version closed for a newer one: one edge, both labels
    assert (Status.IN_REVIEW, Status.PROCESSING_FAILED) in model
    # a version stopped at 70 for a changed KvK number, closed for a newer one
    assert (Status.TRANSPORT_ERROR, Status.PROCESSING_FAILED) in model
    assert _edges(diagram.to_dot()) == model


def test_diagram_has_every_status_and_marks_the_final_ones():
    dot = diagram.to_dot()
    for status in Status:
        if status >= Status.RECEIVED:
            assert f's{status.value} [label="{status.value} ' in dot
    for final in (25, 80, 90):
        assert re.search(rf"s{final} \[[^\]]*peripheries=2", dot)
    assert "Goedkeuren bericht (cliënt)" in dot
    assert "Berichtstatus herstellen (medewerker)" in dot
    assert "Kopie gesloten (systeem)" in dot
    assert "Vervangen door nieuwe versie (systeem)" in dot


def test_highlight_marks_one_status():
    dot = diagram.to_dot(highlight=Status.SENT_TO_KVK)
    assert re.search(r"s60 \[[^\]]*penwidth=2", dot)
    assert dot.count("penwidth=2") == 1


def test_committed_diagram_is_up_to_date():
    """docs/state-diagram.dot is regenerated with `manage.py workflow_diagram`."""
    assert (DOCS / "state-diagram.dot").read_text(encoding="utf-8") == diagram.to_dot()


def test_command_writes_dot_and_svg(tmp_path):
    if not diagram.dot_available():
        pytest.skip("Graphviz (dot) is not installed")
    target = tmp_path / "docs" / "diagram.svg"
    call_command("workflow_diagram", "-o", str(target))
    assert (tmp_path / "docs" / "diagram.dot").read_text() == diagram.to_dot()
    svg = target.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Goedkeuren bericht" in svg


def test_command_without_graphviz_still_writes_the_dot_source(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert diagram.to_svg() is None
    target = tmp_path / "diagram.svg"
    call_command("workflow_diagram", "-o", str(target))
    assert (tmp_path / "diagram.dot").read_text() == diagram.to_dot()
    assert not target.exists()
    assert "Graphviz" in capsys.readouterr().err


def test_to_svg_renders_with_graphviz():
    if not diagram.dot_available():
        pytest.skip("Graphviz (dot) is not installed")
    svg = diagram.to_svg(highlight=Status.IN_REVIEW)
    assert "<svg" in svg and "Aangeboden ter beoordeling" in svg
