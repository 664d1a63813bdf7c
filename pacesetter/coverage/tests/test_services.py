"""The register's writes: registration with its first periods, dated changes (including
back-dated ones), and the refusals, each naming its field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.coverage.models import Building, CoverageKind, Event, Organization, StatusPeriod
from pacesetter.coverage.selectors import CoverageFilters, register_at
from pacesetter.coverage.services import building_record, organization_update, status_record
from pacesetter.units.tests.factories import UnitFactory

from .factories import credit_code, organization

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def town():
    return UnitFactory(code="XINHUA", name="Xinhua street")


@pytest.fixture
def party():
    return CoverageKind.objects.get(code="party")


def forms(org, kind):
    return [
        (p.form, p.valid_from, p.valid_to, p.event)
        for p in Building.objects.filter(organization=org, kind=kind).order_by("valid_from")
    ]


def test_registering_opens_operating_and_not_built_for_every_kind(town):
    org = organization(
        town,
        registered_on=D(2024, 3, 1),
        name={"zh-hans": "花都皮具厂", "en": "Huadu Leather"},
        source_language="zh-hans",
    )
    assert org.name_zh_hans == "花都皮具厂"
    assert list(org.status_periods.values_list("status", "valid_from", "valid_to")) == [
        ("operating", D(2024, 3, 1), None)
    ]
    assert sorted(org.buildings.values_list("kind__code", "form")) == [
        ("party", "not_built"),
        ("union", "not_built"),
        ("youth", "not_built"),
    ]
    assert AuditEntry.objects.filter(action="coverage.register", target_id=str(org.pk)).exists()


def test_an_existing_register_gives_the_state_and_a_later_founding_is_a_change(town, party):
    org = organization(
        town,
        registered_on=D(2020, 1, 1),
        buildings={
            "party": {"form": "standalone", "founded_on": D(2021, 5, 4), "leader_name": "Li"},
            "union": {"form": "joint_region", "founded_on": D(2019, 1, 1)},
        },
    )
    assert forms(org, party) == [
        ("not_built", D(2020, 1, 1), D(2021, 5, 4), Event.REGISTERED),
        ("standalone", D(2021, 5, 4), None, Event.BUILT),
    ]
    union = org.buildings.get(kind__code="union")
    assert (union.form, union.valid_from) == ("joint_region", D(2020, 1, 1))


def test_a_back_dated_change_lands_between_its_neighbours(town, party):
    org = organization(town, registered_on=D(2023, 1, 1))
    building_record(actor=None, organization=org, kind=party, on=D(2023, 6, 1), form="standalone")
    building_record(actor=None, organization=org, kind=party, on=D(2023, 3, 1), form="joint_region")
    assert forms(org, party) == [
        ("not_built", D(2023, 1, 1), D(2023, 3, 1), Event.REGISTERED),
        ("joint_region", D(2023, 3, 1), D(2023, 6, 1), Event.BUILT),
        ("standalone", D(2023, 6, 1), None, Event.FORM_CHANGED),
    ]
    superuser = UserFactory(is_superuser=True)
    as_of = {
        day: list(
            register_at(superuser, CoverageFilters(at=day)).values_list("party_form", flat=True)
        )
        for day in (D(2023, 2, 28), D(2023, 3, 1), D(2023, 5, 31), D(2023, 6, 1))
    }
    assert as_of == {
        D(2023, 2, 28): ["not_built"],
        D(2023, 3, 1): ["joint_region"],
        D(2023, 5, 31): ["joint_region"],
        D(2023, 6, 1): ["standalone"],
    }


def test_a_change_on_the_first_day_of_a_period_corrects_it(town, party):
    org = organization(town, registered_on=D(2023, 1, 1))
    building_record(actor=None, organization=org, kind=party, on=D(2023, 6, 1), form="joint_unit")
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2023, 6, 1),
        form="standalone",
        leader_name="Wang",
        member_count=5,
    )
    assert forms(org, party)[-1][:3] == ("standalone", D(2023, 6, 1), None)
    current = org.buildings.get(kind=party, valid_to__isnull=True)
    assert (current.leader_name, current.member_count, current.founded_on) == (
        "Wang",
        5,
        D(2023, 6, 1),
    )


def test_details_left_out_are_kept_and_a_form_change_keeps_the_founding_date(town, party):
    org = organization(town, registered_on=D(2023, 1, 1))
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2023, 2, 1),
        form="joint_region",
        leader_name="Chen",
        member_count=2,
    )
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2024, 2, 1),
        form="standalone",
        member_count=4,
    )
    current = org.buildings.get(kind=party, valid_to__isnull=True)
    assert (current.founded_on, current.leader_name, current.member_count) == (
        D(2023, 2, 1),
        "Chen",
        4,
    )


def test_events_follow_the_forms(town, party):
    org = organization(town, registered_on=D(2023, 1, 1))
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2023, 2, 1),
        form="work_only",
        instructor_name="Instructor Zhou",
    )
    building_record(actor=None, organization=org, kind=party, on=D(2023, 5, 1), form="standalone")
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2024, 5, 1),
        form="not_built",
        reason_not_built="too_few",
    )
    assert [f[3] for f in forms(org, party)] == [
        Event.REGISTERED,
        Event.INSTRUCTOR_SENT,
        Event.BUILT,
        Event.DISSOLVED,
    ]


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"on": D(2099, 1, 1), "form": "standalone"}, "on"),
        ({"on": D(2022, 12, 31), "form": "standalone"}, "on"),
        ({"on": D(2023, 3, 1), "form": "not_built", "reason_not_built": "other"}, "reason_text"),
        ({"on": D(2023, 3, 1), "form": "work_only"}, "instructor_name"),
        ({"on": D(2023, 3, 1), "form": "bogus"}, "form"),
    ],
)
def test_bad_changes_are_refused_on_their_field_and_nothing_is_saved(town, party, details, field):
    org = organization(town, registered_on=D(2023, 1, 1))
    before = Building.objects.count()
    with pytest.raises(ValidationError) as caught:
        building_record(actor=None, organization=org, kind=party, **details)
    assert field in caught.value.message_dict
    assert Building.objects.count() == before


def test_a_credit_code_is_registered_once_and_checked(town):
    code = credit_code()
    organization(town, credit_code=code)
    with pytest.raises(ValidationError) as caught:
        organization(town, credit_code=code.lower())
    assert "already registered" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        organization(town, credit_code=code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert "credit_code" in caught.value.message_dict
    assert Organization.objects.count() == 1


def test_registration_in_the_future_is_refused(town):
    with pytest.raises(ValidationError) as caught:
        organization(town, registered_on=D(2099, 1, 1))
    assert "registered_on" in caught.value.message_dict


def test_status_changes_are_dated_and_the_current_status_follows(town):
    org = organization(town, registered_on=D(2023, 1, 1))
    status_record(actor=None, organization=org, on=D(2024, 1, 1), status="suspended")
    status_record(actor=None, organization=org, on=D(2024, 6, 1), status="operating")
    org.refresh_from_db()
    assert org.status == "operating"
    assert list(
        StatusPeriod.objects.filter(organization=org).values_list("status", "valid_to")
    ) == [("operating", D(2024, 1, 1)), ("suspended", D(2024, 6, 1)), ("operating", None)]
    status_record(actor=None, organization=org, on=D(2024, 9, 1), status="deregistered")
    org.refresh_from_db()
    assert org.status == "deregistered"
    with pytest.raises(ValidationError) as caught:
        status_record(actor=None, organization=org, on=D(2024, 10, 1), status="deregistered")
    assert "status" in caught.value.message_dict


def test_moving_the_registration_date_moves_the_first_periods(town, party):
    org = organization(town, registered_on=D(2023, 1, 1))
    building_record(actor=None, organization=org, kind=party, on=D(2023, 6, 1), form="standalone")
    organization_update(actor=None, organization=org, registered_on=D(2022, 7, 1))
    assert forms(org, party)[0][:3] == ("not_built", D(2022, 7, 1), D(2023, 6, 1))
    with pytest.raises(ValidationError) as caught:
        organization_update(actor=None, organization=org, registered_on=D(2023, 7, 1))
    assert "registered_on" in caught.value.message_dict
