"""The provincial council's secret poll in the demo: several seats vote, so its
published result names nobody."""

from __future__ import annotations

import json
from decimal import Decimal

from pacesetter.ballots.models import Ballot, Entitlement, Poll, PollState
from pacesetter.demo.data import thanh_hoa


def test_the_provincial_council_holds_a_secret_poll_several_seats_vote_in(demo: str) -> None:
    poll = Poll.objects.get(body__owner_unit__code=thanh_hoa.COMMITTEE)
    assert poll.state == PollState.PUBLISHED and poll.digest
    roll = Entitlement.objects.filter(poll=poll)
    assert roll.count() == len(thanh_hoa.COUNCIL_SEATS)
    voted = {entitlement.voter.username for entitlement in roll.filter(voted=True)}
    assert voted == set(thanh_hoa.COUNCIL_POLL.votes)
    assert 1 < len(voted) < roll.count()
    assert Ballot.objects.filter(poll=poll).count() == len(voted)
    assert poll.result is not None
    assert poll.result["electronic_ballots"] == len(voted) == Decimal(poll.result["voted"])


def test_the_council_polls_published_result_reveals_no_single_voter(demo: str) -> None:
    poll = Poll.objects.get(body__owner_unit__code=thanh_hoa.COMMITTEE)
    assert poll.result is not None
    published = json.dumps(poll.result, ensure_ascii=False)
    assert not any(username in published for username, _ in thanh_hoa.COUNCIL_SEATS)
    voters = Decimal(poll.result["voted"])
    for option in poll.result["options"]:
        counts = [Decimal(option[vote]) for vote in ("yes", "no", "abstain")]
        assert sum(counts) == voters
        # Not unanimous: no count is the whole turnout, so no voter's vote can be read off.
        assert max(counts) < voters, option["label"]
