"""A finalized report tells the committee staff nearest over the unit it is written for,
in the bell (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.notifications import kinds
from pacesetter.notifications.models import Notification
from pacesetter.reports.services import report_finalize, work_report_create
from pacesetter.workplans.tests.factories import WorkPlanFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _ready() -> set[int]:
    return set(
        Notification.objects.filter(kind=kinds.REPORT_READY).values_list("recipient_id", flat=True)
    )


def _finalized_work_report(world: Any) -> Any:
    staff = world.users["committee_staff"]
    plan = WorkPlanFactory(body=world.council, name="Key work 2026")
    report = work_report_create(actor=staff, plan=plan, as_of=AS_OF)
    assert _ready() == set()  # a draft is not ready
    return report_finalize(actor=staff, report=report, version=1, achievements="The fair.")


def test_a_final_work_report_reaches_the_staff_over_the_bodys_unit(world: Any) -> None:
    elsewhere = UserFactory(username="staff.elsewhere")
    role_grant(actor=None, user=elsewhere, role=Role.COMMITTEE_STAFF, unit=world.other_root)

    report = _finalized_work_report(world)

    assert _ready() == {world.users["committee_staff"].pk}
    notice = Notification.objects.get(kind=kinds.REPORT_READY)
    assert notice.url == reverse("reports:work_report", args=[report.plan_id]) + "?as_of=2026-06-30"
    assert notice.params["report"] == {"en": "Key work 2026"}


def test_the_nearest_staff_are_told_not_those_above_them(world: Any) -> None:
    near = UserFactory(username="staff.committee")
    role_grant(actor=None, user=near, role=Role.COMMITTEE_STAFF, unit=world.committee)

    _finalized_work_report(world)

    assert _ready() == {near.pk}
