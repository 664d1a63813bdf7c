"""Two edits of a decision from the same version: the second is refused, nothing saved.
Decisions are edited through the API only (the screens record them with a cluster or an
award decision)."""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits

pytestmark = pytest.mark.django_db


def test_the_second_patch_of_a_decision_from_one_read_is_a_409(world: Any) -> None:
    decision = DecisionFactory(owner_unit=world.committee, number="1/QD")
    api = ApiClient(world.users["committee_staff"])
    url = f"/decisions/{decision.pk}"
    read = two_api_edits(api, url, {"title": "First"}, {"title": "Second", "number": "2/QD"})
    decision.refresh_from_db()
    assert (decision.title, decision.number, decision.version) == ("First", "1/QD", read + 1)
