"""The English catalogue: complete, and the committed .mo matches the .po."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kvk.status import Status

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # the first entry is the header
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgid" in e]
    assert empty == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_committed_mo_matches_the_po(tmp_path, language):
    po = PO.parents[2] / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as a, po.with_suffix(".mo").open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            f"locale/{language}/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
        )


def test_django_password_length_message_in_dutch():
    """Django 5.2.19's MinimumLengthValidator speaks a msgid its nl catalogue lacks; our
    locale/nl supplies it, singular and plural (the settings ask for 12, OWASP ASVS V2.1.1)."""
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password("abc")
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens bevatten." in refused.value


def test_every_text_of_djangos_admin_templates_has_a_dutch_translation():
    """The admin speaks Dutch to its administrators: every literal text of Django's admin
    templates (django/contrib/admin/templates) is in the Dutch catalogue, Django's or ours
    (locale/nl supplies what Django 5.2's lacks: the index's column headings, read by
    screen readers, among them)."""
    templates = Path(admin.__file__).parent / "templates"
    texts = {
        text
        for path in templates.rglob("*.html")
        for text in re.findall(
            r"{% (?:translate|trans) ['\"]([^'\"]+)['\"]", path.read_text(encoding="utf-8")
        )
    }
    assert {"Model name", "Add link", "Change or view list link"} <= texts
    catalogue = translation.trans_real.translation("nl")
    assert sorted(t for t in texts if t not in catalogue._catalog) == []


def test_status_labels_and_portal_texts_in_english():
    with translation.override("en"):
        assert str(Status.FILED.label) == "Filed with KvK"
        assert translation.gettext("Wat keurt u goed?") == "What are you approving?"
    with translation.override("nl"):
        assert translation.gettext("Wat keurt u goed?") == "Wat keurt u goed?"


# --- the sentences of the workflow errors (workflow.errors.SENTENCES) ----------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _error_keys_raised_in(package: str) -> set[str]:
    """The catalogue keys the code of ``package`` raises or refuses with: the literal first
    argument of Conflict, Invalid, NotPermitted, WorkflowError or Refusal, and the string
    literals that are such keys (``"correction_not_allowed:filed"``)."""
    pattern = re.compile(
        r"\b(?:Conflict|Invalid|NotPermitted|WorkflowError|Refusal)\(\s*\"([^\"]+)\""
        r"|\"(\w+:\w+)\""
    )
    keys = set()
    for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
        for found in pattern.findall(path.read_text(encoding="utf-8")):
            keys.update(key for key in found if key)
    return keys


def test_every_workflow_error_has_a_dutch_sentence_and_an_english_translation():
    """Read from the compiled catalogue (msgfmt leaves fuzzy entries out; the test above
    checks that the .mo matches the .po). Processing's own reasons
    (workflow.reasons.PROCESSING) are read at the edge the same way."""
    from workflow.errors import SENTENCES
    from workflow.reasons import PROCESSING

    with PO.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for key, template in {**SENTENCES, **PROCESSING}.items():
        with translation.override("nl"):
            dutch = str(template)
        with translation.override("en"):
            english = str(template)
        assert dutch.strip(), key
        msgstr = catalogue.gettext(dutch)
        assert msgstr != dutch, f"{key}: {dutch!r} has no English translation"
        assert english == msgstr, key
        assert set(PLACEHOLDER.findall(msgstr)) == set(PLACEHOLDER.findall(dutch)), key


def test_every_raised_workflow_error_is_in_the_catalogue():
    from workflow.errors import SENTENCES
    from workflow.reasons import PROCESSING

    raised = _error_keys_raised_in("workflow")
    assert len(raised) > 30  # the scan finds the raise sites
    # The keys of the reasons processing stores (workflow.reasons.ours) are the other
    # catalogue's.
    assert raised - set(SENTENCES) - set(PROCESSING) == set()


def test_a_workflow_error_speaks_the_current_language():
    from workflow.errors import Conflict

    error = Conflict(
        "status_conflict:approve", {"status": 40, "status_label": Status.REJECTED.label}
    )
    assert error.code == "status_conflict"
    with translation.override("nl"):
        assert (
            error.message
            == "Het bericht heeft status 40 (Afgekeurd door cliënt); goedkeuren kan nu niet."
        )
    with translation.override("en"):
        assert error.message.startswith("The message has status 40 (")
        assert str(Status.REJECTED.label) in error.message


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_domain_error_reaches_the_reader_in_their_language(client_a, language):
    """Approving a message whose processing failed (status 25) through the real view: the
    flash message is the catalogue's sentence in the reader's language, not the Dutch one.
    (A rejected message, 40, is refused naming who rejected it: test_late_approval.py.)"""
    from django.urls import reverse

    from tests.conftest import instance_for, message_at_25
    from tests.portal.conftest import browser_for

    message = message_at_25(client_a, instance_for("99999999"))
    browser = browser_for(client_a.user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = browser.post(
        reverse("outsite-action", args=[message.pk, "approve"]),
        {"document_sha256": message.document_sha256, "confirmed": "1"},
        follow=True,
    )
    html = response.content.decode()
    with translation.override(language):
        label = str(Status.PROCESSING_FAILED.label)
    expected = {
        "en": f"The message has status 25 ({label}); it cannot be approved now.",
        "nl": f"Het bericht heeft status 25 ({label}); goedkeuren kan nu niet.",
    }[language]
    assert response.status_code == 200
    assert expected in html
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED


def test_the_insite_status_filter_speaks_the_readers_language(staff_browser):
    """The filter's status labels were made once, in Dutch, when the module loaded (an
    explorer saw them Dutch beside English badges)."""
    staff_browser.cookies["django_language"] = "en"
    html = staff_browser.get(reverse("insite-messages")).content.decode()
    assert '<option value="30">30 Offered for review by client</option>' in html
    assert "Aangeboden ter beoordeling door cliënt" not in html
    staff_browser.cookies["django_language"] = "nl"
    html = staff_browser.get(reverse("insite-messages")).content.decode()
    assert '<option value="30">30 Aangeboden ter beoordeling door cliënt</option>' in html
