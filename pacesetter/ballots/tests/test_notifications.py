"""Opening a poll tells the voters on its roll, in the bell (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from pacesetter.ballots.services import poll_open
from pacesetter.ballots.tests.test_views import make_poll, sibling_officer  # noqa: F401
from pacesetter.notifications import kinds
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import preferences_set
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def test_an_opened_poll_reaches_the_entitled_voters_only(
    world: Any,
    sibling_officer: Any,  # noqa: F811
) -> None:
    poll = poll_open(actor=world.users["committee_staff"], poll=make_poll(world))

    sent = Notification.objects.filter(kind=kinds.POLL_OPENED)
    voters = set(poll.entitlements.values_list("voter_id", flat=True))
    assert set(sent.values_list("recipient_id", flat=True)) == voters
    assert voters == {world.users["unit_officer"].pk, sibling_officer.pk}
    assert sent.first().url == reverse("ballots:detail", args=[poll.pk])


def test_the_voter_reads_it_in_vietnamese(world: Any, sibling_officer: Any) -> None:  # noqa: F811
    poll_open(actor=None, poll=make_poll(world, title="Cờ thi đua 2024"))

    items = ApiClient(sibling_officer).get("/notifications", lang="vi").json()["items"]

    assert [i["text"] for i in items] == ["Cuộc bỏ phiếu “Cờ thi đua 2024” đã mở: hãy bỏ phiếu."]


def test_a_rolled_back_opening_notifies_nobody(world: Any, sibling_officer: Any) -> None:  # noqa: F811
    poll = make_poll(world)

    with pytest.raises(RuntimeError), transaction.atomic():
        poll_open(actor=None, poll=poll)
        raise RuntimeError("the surrounding action failed")

    assert not Notification.objects.exists()


def test_a_voter_who_turned_votes_off_gets_none(world: Any, sibling_officer: Any) -> None:  # noqa: F811
    preferences_set(actor=None, user=sibling_officer, kinds={kinds.POLL_OPENED: False})

    poll_open(actor=None, poll=make_poll(world))

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        world.users["unit_officer"].pk
    ]
