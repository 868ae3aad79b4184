"""Reads for the portals: who sees which messages, and the timeline."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from kvk.status import Status
from workflow import selectors, services

pytestmark = pytest.mark.django_db


def test_staff_see_their_environment_clients_see_their_organisation(flow, flow_b, staff, outsider):
    a = flow.at(Status.IN_REVIEW)
    b = flow_b.at(Status.IN_REVIEW)
    assert set(selectors.visible_messages(staff)) == {a, b}
    assert set(selectors.visible_messages(flow.client.user)) == {a}
    assert set(selectors.visible_messages(flow_b.client.user)) == {b}
    assert list(selectors.visible_messages(outsider)) == []
    assert selectors.message_for(flow_b.client.user, a.pk) is None
    assert selectors.message_for(outsider, a.pk) is None
    assert selectors.may_see(staff, a) and selectors.may_see(flow.client.user, a)
    assert not selectors.may_see(outsider, a) and not selectors.may_see(flow_b.client.user, a)


def test_anonymous_sees_nothing(flow):
    from django.contrib.auth.models import AnonymousUser

    flow.at(Status.IN_REVIEW)
    assert list(selectors.visible_messages(AnonymousUser())) == []


def test_timeline_merges_events_and_comments_in_order(flow, staff_actor, django_assert_num_queries):
    message = flow.at(Status.IN_REVIEW)
    services.add_comment(message_id=message.pk, actor=flow.client_actor(), text="Vraag")
    services.reject(message_id=message.pk, actor=flow.client_actor(), reason="Fout in balans")
    services.repair(
        message_id=message.pk, actor=staff_actor, reason="De afkeuring was een vergissing"
    )

    with django_assert_num_queries(2):
        entries = selectors.timeline(message, for_staff=True)

    assert [(e.kind, str(e.title)) for e in entries] == [
        ("event", "Bericht ontvangen"),
        ("event", "Verwerking gestart"),
        ("event", "Aangeboden in de workflow"),
        ("comment", "Opmerking"),
        ("event", "Afgekeurd"),
        ("event", "Teruggezet in de workflow"),
    ]
    rejected = entries[4]
    assert (rejected.from_status, rejected.to_status, rejected.changes_status) == (30, 40, True)
    assert rejected.reasons == [{"code": "client_rejected", "message": "Fout in balans"}]
    assert rejected.ip_address == "192.0.2.10"
    assert entries[5].actor_label == staff_actor.user.get_username()


def test_timeline_hides_ip_addresses_from_clients(flow):
    message = flow.at(Status.REJECTED)
    entries = selectors.timeline(message)
    assert entries and all(e.ip_address is None for e in entries)


def test_timeline_partial_renders_and_escapes(flow, staff_actor):
    message = flow.at(Status.IN_REVIEW)
    services.add_comment(
        message_id=message.pk, actor=flow.client_actor(), text="<script>alert(1)</script>"
    )
    html = render_to_string(
        "workflow/_timeline.html",
        {"entries": selectors.timeline(message, for_staff=True), "staff": True},
    )
    assert "Aangeboden in de workflow" in html
    assert "20 → 30" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "192.0.2.1" in html  # the token's IP address, shown to staff

    client_html = render_to_string(
        "workflow/_timeline.html", {"entries": selectors.timeline(message), "staff": False}
    )
    assert "192.0.2.1" not in client_html
