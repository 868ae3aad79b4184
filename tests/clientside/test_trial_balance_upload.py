"""What the report page says when the trial balance's upload itself is refused (before the
file is read: too large, or none chosen), and when the report was sent meanwhile."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientside.forms import TrialBalanceForm
from kvk.status import Status
from tests.clientside.conftest import mirrored
from tests.clientside.test_screens import flashes

pytestmark = pytest.mark.django_db

TOO_LARGE = b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n" + b"1;BLim;0;0\n" * (
    TrialBalanceForm.MAX_BYTES // 10
)


def _upload(client, report, content: bytes | None):
    data = {} if content is None else {"file": SimpleUploadedFile("pb.csv", content, "text/csv")}
    return client.post(f"/klant/jaarrapporten/{report.pk}/proefbalans/", data, follow=True)


def test_a_file_too_large_is_not_said_to_be_missing(bookkeeper, env):
    """The page said "Kies een CSV-bestand met de proefbalans." above a file that was
    chosen; the field says it is too large, the message at the top points there."""
    assert len(TOO_LARGE) > TrialBalanceForm.MAX_BYTES
    response = _upload(bookkeeper, env.report, TOO_LARGE)
    assert response.status_code == 400
    assert flashes(response) == [
        "De proefbalans is niet geïmporteerd; zie de melding bij het bestand."
    ]
    assert "Het bestand is groter dan 2 MB." in response.content.decode()
    # No file chosen: that is what the message says.
    assert flashes(_upload(bookkeeper, env.report, None)) == [
        "Kies een CSV-bestand met de proefbalans."
    ]


def test_an_upload_to_a_report_sent_meanwhile_says_it_is_sent(bookkeeper, env):
    """A page opened before the report was sent: the refused upload's error stood in a
    form the page of a sent report does not show, under "Kies een CSV-bestand"; it says
    the report is locked, as saving the figures does."""
    mirrored(env.report, Status.RECEIVED)
    response = _upload(bookkeeper, env.report, TOO_LARGE)
    assert response.redirect_chain[-1][0] == f"/klant/jaarrapporten/{env.report.pk}/"
    (text,) = flashes(response)
    assert "Kies een CSV-bestand" not in text and "verzonden" in text, text
