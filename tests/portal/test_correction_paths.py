"""The staff's and the client's pages along the correction paths (KVK-SBR.md §1: "A filed
document is never removed. A correction is a new filing: either a heraanlevering ... KvK
refuses a second adopted filing for the same year otherwise"; §2: a rejected message can
be put back into the workflow, "repair message status").

- "Berichtstatus herstellen" is not offered beside a newer version of the year, and the
  page says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.workflow.conftest import YEAR, Flow
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def test_no_repair_beside_a_newer_version_and_the_page_says_why(
    staff_browser, client_a, message_type
):
    """Rows as they stand from before every ended version was linked to its correction: the
    rejected version is replaced by none, while a newer one of its year waits at 30."""
    flow = Flow(client_a, message_type.workflow)
    rejected = flow.at(Status.REJECTED)
    newer = flow.at(Status.IN_REVIEW)
    ApprovalMessage.objects.filter(pk=newer.pk).update(replaces=None)
    repair = reverse("insite-action", args=[rejected.pk, "repair"])

    page = staff_browser.get(reverse("insite-message", args=[rejected.pk]))
    html = page.content.decode()
    assert page.context["can_repair"] is False
    assert f'action="{repair}"' not in html
    assert 'id="repair-refused"' in html and str(newer.message_id) in html

    response = staff_browser.post(repair, {"confirmed": "1", "reason": "Toch goed"}, follow=True)
    (flashed,) = [str(m) for m in response.context["messages"]]
    assert str(newer.message_id) in flashed and str(YEAR) in flashed
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED
