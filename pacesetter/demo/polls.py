"""Loading the demo's body polls through the ballot services, as the cluster's proposal
vote does: committee staff create and open the poll (the roll is the body's seats), each
voting seat casts its secret ballot, and the staff close and publish the tally, on the
day the poll was held."""

from __future__ import annotations

from collections.abc import Mapping

from pacesetter.accounts.models import User
from pacesetter.ballots.models import Poll, PollKind
from pacesetter.ballots.services import (
    ballot_cast,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
)
from pacesetter.bodies.models import Body
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone

from .campaigns import clock_at
from .specs import BodyPollSpec


def body_poll(
    spec: BodyPollSpec,
    *,
    bodies: Mapping[str, Body],
    units: Mapping[str, Unit],
    users: Mapping[str, User],
) -> Poll:
    manager = users[spec.manager]
    day = spec.held_on
    zone = unit_time_zone(units[spec.owner])
    with clock_at(day, zone, 8):
        poll = poll_create(
            actor=manager,
            owner_unit=units[spec.owner],
            title=spec.title,
            kind=PollKind.YES_NO,
            options=spec.options,
            body=bodies[spec.body],
        )
        poll = poll_open(actor=manager, poll=poll)
    option_ids = {option.label: option.pk for option in poll.options.all()}
    for username, votes in spec.votes.items():
        ballot_cast(
            voter=users[username],
            poll=poll,
            choices={option_ids[label]: vote for label, vote in votes.items()},
        )
    with clock_at(day, zone, 10):
        poll = poll_close(actor=manager, poll=poll)
        return poll_publish(actor=manager, poll=poll)
