"""The register of people: a person's positions over time, kept by the services (one
transaction each, with audit entries), and what eligibility reads of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pacesetter.audit.models import AuditEntry
from pacesetter.awards import eligibility
from pacesetter.awards.models import Person, PersonPosition
from pacesetter.awards.people_services import (
    person_create,
    person_update,
    position_add,
    position_update,
)

D = dt.date


def _codes(exc: pytest.ExceptionInfo[ValidationError], field: str) -> set[str | None]:
    return {e.code for e in exc.value.error_dict[field]}


@pytest.fixture
def huong(world):
    return person_create(
        actor=world.users["unit_officer"],
        unit=world.own,
        full_name="  Nguyễn   Thị Hương ",
        source_language="vi",
        title={"vi": "Tổ trưởng", "en": "Team leader"},
        start=D(2019, 3, 1),
        service_start=D(2012, 9, 1),
    )


def test_a_new_person_holds_a_position_in_the_unit(world, huong):
    assert huong.full_name == "Nguyễn Thị Hương"  # spaces collapsed, as the import finds it
    assert huong.unit == world.own
    (position,) = huong.positions.all()
    assert (position.unit, position.start, position.end) == (world.own, D(2019, 3, 1), None)
    assert position.source_language == "vi"
    with translation.override("en"):
        assert position.title == "Team leader"
    with translation.override("zh-hans"):
        assert position.title == "Tổ trưởng"  # no Chinese: the source
    assert huong.search_key == "nguyen thi huong"
    actions = list(
        AuditEntry.objects.filter(target_type__startswith="awards.person")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["person.create", "person.position_add"]


def test_moving_to_another_unit_ends_the_current_position_on_the_day_before(world, huong):
    new = position_add(
        actor=world.users["committee_staff"],
        person=huong,
        unit=world.sibling,
        start=D(2024, 7, 1),
        title="Phó giám đốc",
        source_language="vi",
    )
    huong.refresh_from_db()
    assert huong.unit == world.sibling
    first, second = huong.positions.all()
    assert (first.unit, first.end) == (world.own, D(2024, 6, 30))
    assert second == new and second.end is None and second.unit == world.sibling
    move = AuditEntry.objects.get(action="person.move")
    assert move.changes == {"unit": [world.own.pk, world.sibling.pk]}
    assert AuditEntry.objects.get(action="person.position_end").changes == {
        "end": [None, "2024-06-30"]
    }
    assert huong.position_on(D(2020, 1, 1)) == first
    assert huong.position_on(D(2025, 1, 1)) == second


def test_a_new_position_starts_after_the_current_one(world, huong):
    with pytest.raises(ValidationError) as exc:
        position_add(actor=None, person=huong, unit=world.own, start=D(2019, 3, 1))
    assert _codes(exc, "start") == {"start_not_after_current"}
    assert huong.positions.count() == 1


def test_a_past_position_is_recorded_without_touching_the_current_one(world, huong):
    past = position_add(
        actor=None,
        person=huong,
        unit=world.child,
        start=D(2015, 1, 1),
        end=D(2019, 2, 28),
        title="Nhân viên",
        source_language="vi",
    )
    huong.refresh_from_db()
    assert huong.unit == world.own  # the current unit stays
    assert list(huong.positions.all()) == [past, huong.positions.get(end__isnull=True)]
    with pytest.raises(ValidationError) as exc:
        position_add(
            actor=None, person=huong, unit=world.child, start=D(2018, 1, 1), end=D(2019, 5, 1)
        )
    assert _codes(exc, "start") == {"position_overlap"}


def test_the_register_records_no_future(world, huong):
    with pytest.raises(ValidationError) as exc:
        position_add(actor=None, person=huong, unit=world.sibling, start=D(2099, 1, 1))
    assert _codes(exc, "start") == {"date_in_future"}
    with pytest.raises(ValidationError) as exc:
        person_update(actor=None, person=huong, service_start=D(2099, 1, 1))
    assert _codes(exc, "service_start") == {"date_in_future"}
    huong.refresh_from_db()
    assert huong.unit == world.own and huong.positions.count() == 1


def test_the_constraints_speak_the_users_language(world, huong):
    """The database's constraints carry translated messages, not their names."""
    second = PersonPosition(person=huong, unit=world.own, start=D(2024, 1, 1), title_en="X")
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert exc.value.messages == [
        "This person already holds a current position; a new one ends it."
    ]
    backwards = PersonPosition(
        person=huong, unit=world.own, start=D(2024, 1, 2), end=D(2024, 1, 1), title_en="X"
    )
    with pytest.raises(ValidationError) as exc:
        backwards.full_clean()
    assert "The end date cannot be before the start date." in exc.value.messages


def test_a_position_update_merges_its_title_and_keeps_positions_apart(world, huong):
    position = huong.positions.get()
    position_update(actor=None, position=position, title={"zh-hans": "组长"})
    position.refresh_from_db()
    assert (position.title_vi, position.title_en, position.title_zh_hans) == (
        "Tổ trưởng",
        "Team leader",
        "组长",
    )
    assert AuditEntry.objects.get(action="person.position_update").changes == {
        "title_zh_hans": ["", "组长"]
    }
    position_add(actor=None, person=huong, unit=world.sibling, start=D(2024, 7, 1))
    # Reopening the first one while the second is held would overlap it.
    with pytest.raises(ValidationError) as exc:
        position_update(actor=None, position=position, end=None)
    assert _codes(exc, "start") == {"position_overlap"}


def test_a_person_update_records_what_changed(world, huong):
    person_update(actor=world.users["unit_officer"], person=huong, full_name="Nguyễn Thị  Hường")
    huong.refresh_from_db()
    assert huong.full_name == "Nguyễn Thị Hường"
    assert huong.search_key == "nguyen thi huong"
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"full_name": ["Nguyễn Thị Hương", "Nguyễn Thị Hường"]}


def test_years_of_service_fall_back_to_the_first_recorded_position(world):
    person = person_create(actor=None, unit=world.own, full_name="Lê Văn C", start=D(2010, 5, 1))
    ctx = eligibility.Context(decision_date=D(2024, 12, 1), person=person)
    tree = eligibility.evaluate({"years_of_service_at_least": {"years": 14}}, ctx)
    assert tree["passed"] is True
    person_update(actor=None, person=person, service_start=D(2015, 1, 1))
    person = Person.objects.get(pk=person.pk)
    ctx = eligibility.Context(decision_date=D(2024, 12, 1), person=person)
    tree = eligibility.evaluate({"years_of_service_at_least": {"years": 14}}, ctx)
    assert tree["passed"] is False  # the recorded start of service comes first
