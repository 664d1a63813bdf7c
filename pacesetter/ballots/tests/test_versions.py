"""Two changes of a draft poll's settings from the same version: the second is refused,
nothing saved. Ballots are cast once each and never edited; the state moves are one-way
steps the workflow refuses to repeat."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.ballots.tests.factories import PollFactory
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


def test_the_second_change_of_a_polls_settings_from_one_page_is_refused(client, world):
    poll = PollFactory(owner_unit=world.committee, body=world.council)
    client.force_login(world.users["committee_staff"])
    url = reverse("ballots:edit", args=[poll.pk])
    opened = two_screen_edits(
        client, url, {"verification": "receipt_free"}, {"verification": "individual"}
    )
    poll.refresh_from_db()
    assert (poll.verification, poll.version) == ("receipt_free", opened + 1)


def test_the_second_patch_of_a_poll_from_one_read_is_a_409(world: Any) -> None:
    poll = PollFactory(owner_unit=world.committee, body=world.council)
    api = ApiClient(world.users["committee_staff"])
    read = two_api_edits(
        api, f"/polls/{poll.pk}", {"verification": "receipt_free"}, {"verification": "individual"}
    )
    poll.refresh_from_db()
    assert (poll.verification, poll.version) == ("receipt_free", read + 1)
