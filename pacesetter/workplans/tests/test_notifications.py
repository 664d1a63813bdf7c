"""Assigning a task tells its lead (the lead person and the lead unit's officers, as the
reminders choose them), in the bell (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.notifications import kinds
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import preferences_set
from pacesetter.testing.api import ApiClient
from pacesetter.workplans.services import task_create, task_update
from pacesetter.workplans.tests.factories import WorkPlanFactory

pytestmark = pytest.mark.django_db


def _assigned() -> set[int]:
    return set(
        Notification.objects.filter(kind=kinds.TASK_ASSIGNED).values_list("recipient_id", flat=True)
    )


def test_a_new_task_reaches_its_lead_person_and_the_lead_units_officers(world: Any) -> None:
    person = UserFactory(username="lead.person")
    plan = WorkPlanFactory(body=world.council, name="Key work")

    task = task_create(
        actor=world.users["committee_staff"],
        plan=plan,
        title="Prepare the fair",
        lead_unit=world.own,
        lead_person=person,
    )

    assert _assigned() == {person.pk, world.users["unit_officer"].pk}
    notice = Notification.objects.get(recipient=person)
    assert notice.url == reverse("workplans:task_detail", args=[task.pk])
    text = ApiClient(person).get("/notifications", lang="vi").json()["items"][0]["text"]
    assert text == "Nhiệm vụ “Prepare the fair” của kế hoạch “Key work” được giao cho Own unit."


def test_a_new_lead_is_told_and_an_unchanged_one_is_not(world: Any) -> None:
    sibling_officer = UserFactory(username="officer.sibling")
    role_grant(actor=None, user=sibling_officer, role=Role.UNIT_OFFICER, unit=world.sibling)
    plan = WorkPlanFactory(body=world.council)
    task = task_create(actor=None, plan=plan, title="Survey", lead_unit=world.own)
    Notification.objects.all().delete()

    task = task_update(actor=None, task=task, title="Survey the members")
    assert _assigned() == set()
    task_update(actor=None, task=task, lead_unit=world.sibling)

    assert _assigned() == {sibling_officer.pk}


def test_a_rolled_back_task_notifies_nobody(world: Any) -> None:
    plan = WorkPlanFactory(body=world.council)

    with pytest.raises(RuntimeError), transaction.atomic():
        task_create(actor=None, plan=plan, title="Survey", lead_unit=world.own)
        raise RuntimeError("the surrounding action failed")

    assert _assigned() == set()


def test_an_officer_who_turned_tasks_off_gets_none(world: Any) -> None:
    officer = world.users["unit_officer"]
    preferences_set(actor=officer, user=officer, kinds={kinds.TASK_ASSIGNED: False})
    plan = WorkPlanFactory(body=world.council)

    task_create(actor=None, plan=plan, title="Survey", lead_unit=world.own)

    assert _assigned() == set()
