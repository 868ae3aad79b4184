"""A comment sent twice is placed once.

A double click on "Plaats opmerking", or the browser sending the form again after a slow
answer, posts the same comment twice within a moment. It is one comment: the timeline shows
it once and the other side gets one e-mail about it. The same words later, or after someone
answered, are a new comment.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from workflow.models import Comment
from workflow.services.review import COMMENT_RESENT_WITHIN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_tasks_run_here")]

QUESTION = "Moet de lening van de DGA niet apart vermeld worden?"


def _post_twice(browser, url: str, text: str, capture) -> list:
    responses = []
    with capture(execute=True):
        for _ in range(2):
            responses.append(browser.post(url, {"text": text}, follow=True))
    return responses


def test_a_client_comment_posted_twice_is_one_comment_and_one_mail(
    browser_a, message_a, staff, django_capture_on_commit_callbacks
):
    url = reverse("outsite-comment", args=[message_a.pk])

    responses = _post_twice(browser_a, url, QUESTION, django_capture_on_commit_callbacks)

    assert all(response.status_code == 200 for response in responses)
    assert "Uw opmerking is geplaatst." in responses[1].content.decode()
    assert list(Comment.objects.filter(message=message_a).values_list("text", flat=True)) == [
        QUESTION
    ]
    assert [m.to for m in mail.outbox] == [[staff.email]]
    page = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    assert page.count(QUESTION) == 1


def test_a_staff_answer_posted_twice_is_one_comment(
    staff_browser, message_a, django_capture_on_commit_callbacks
):
    url = reverse("insite-comment", args=[message_a.pk])

    _post_twice(staff_browser, url, "Nee, dat hoeft niet.", django_capture_on_commit_callbacks)

    assert Comment.objects.filter(message=message_a).count() == 1


def test_the_same_words_later_or_after_an_answer_are_a_new_comment(
    browser_a, staff_browser, message_a, django_capture_on_commit_callbacks
):
    outsite = reverse("outsite-comment", args=[message_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        browser_a.post(outsite, {"text": "Hallo?"})
        staff_browser.post(reverse("insite-comment", args=[message_a.pk]), {"text": "Ja?"})
        browser_a.post(outsite, {"text": "Hallo?"})  # after the answer: asked again
    assert Comment.objects.filter(message=message_a, text="Hallo?").count() == 2

    last = Comment.objects.filter(message=message_a).latest("created_at")
    Comment.objects.filter(pk=last.pk).update(
        created_at=last.created_at - COMMENT_RESENT_WITHIN - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        browser_a.post(outsite, {"text": "Hallo?"})  # a reminder, a while later
    assert Comment.objects.filter(message=message_a, text="Hallo?").count() == 3


def test_an_empty_comment_says_what_to_write(browser_a, message_a):
    """Not Django's generic "Dit veld is vereist.": the page holds several forms."""
    url = reverse("outsite-comment", args=[message_a.pk])
    page = browser_a.post(url, {"text": "  "}, follow=True).content.decode()
    assert "Schrijf eerst uw opmerking of vraag in het vak." in page
    assert not Comment.objects.filter(message=message_a).exists()
