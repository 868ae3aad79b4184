"""The English catalogue: complete, and the committed .mo matches the .po."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # the first entry is the header
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgid" in e]
    assert empty == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
def test_committed_mo_matches_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as a, MO.open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            "locale/en/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
        )


def test_status_labels_and_portal_texts_in_english():
    from kvk.status import Status

    with translation.override("en"):
        assert str(Status.FILED.label) == "Filed with KvK"
        assert translation.gettext("Wat keurt u goed?") == "What are you approving?"
    with translation.override("nl"):
        assert translation.gettext("Wat keurt u goed?") == "Wat keurt u goed?"
