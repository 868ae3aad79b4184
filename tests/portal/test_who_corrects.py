"""Who corrects rejected or refused documents, said the same way to every reader.

Source: KVK-SBR.md section 2: "The client (a micro/small company) keeps its books in its own
environment. It prepares the annual report in its reporting cockpit ... and sends the XBRL
to its accountant's environment"; the seed (../seed/, "Aangifte klaarzetten (KLANT)"): the
client sets the documents ready in its own Rapportagecockpit. So corrected documents come
from the client's own administration, as InSite ("De cliënt corrigeert de stukken in de
eigen administratie") and the client environment ("Pas ... aan en klik opnieuw op
'Klaarzetten accountancyportal'") say; the accountant does not change them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_the_reject_form_says_the_clients_administration_corrects(browser_a, message_a):
    page = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    assert "past de stukken aan" not in page
    assert escape("De stukken worden in uw administratie gecorrigeerd") in page
