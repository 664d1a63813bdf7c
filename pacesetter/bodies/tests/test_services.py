import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pacesetter.bodies.services import body_member_add, body_member_end, body_term_create


def test_terms_do_not_overlap(world):
    body_term_create(
        actor=None,
        body=world.council,
        name="8th",
        start=dt.date(2016, 1, 1),
        end=dt.date(2020, 12, 31),
    )
    body_term_create(actor=None, body=world.council, name="9th", start=dt.date(2021, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        body_term_create(actor=None, body=world.council, name="10th", start=dt.date(2024, 1, 1))
    assert "start" in excinfo.value.message_dict


def test_a_seat_is_a_person_or_a_unit_and_not_held_twice(world):
    person = world.users["council_member"]
    seat = body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        body_member_add(actor=None, body=world.council, start=dt.date(2024, 6, 1))
    body_member_end(actor=None, member=seat, end=dt.date(2024, 5, 31))
    again = body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 6, 1))
    assert again.pk != seat.pk


def test_a_term_of_another_body_is_refused(world):
    from pacesetter.bodies.tests.factories import BodyFactory

    other = BodyFactory(owner_unit=world.root)
    term = body_term_create(actor=None, body=other, name="1st", start=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        body_member_add(
            actor=None, body=world.council, unit=world.sibling, term=term, start=dt.date(2024, 1, 1)
        )
