"""A history table names a related record only to a reader whose policy of that record
lets them see it (``audit_rows(entries, reader=)``); everything else is "(not shown)"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.history import NOT_SHOWN, audit_rows, visible_records
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.coverage.models import Industry
from pacesetter.meetings.models import AgendaItem
from pacesetter.meetings.tests.factories import AgendaItemFactory, MeetingFactory
from pacesetter.workplans.models import Project
from pacesetter.workplans.services import task_update
from pacesetter.workplans.tests.factories import ProjectFactory, TaskFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


def committee_task(world):
    """A task of the committee's plan, in one of its projects, led by the own unit, in
    the committee's chain, then handed to a person: the own unit's officer reads the
    task and its plan (the lead unit's), not the chain, nor the person's account."""
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.committee), name="Committee plan")
    project = ProjectFactory(plan=plan, name="Committee project")
    chain = ChainFactory(owner_unit=world.committee, name="Committee chain")
    task = TaskFactory(
        plan=plan, project=project, lead_unit=world.own, chain=chain, title="Safety walk"
    )
    lead = UserFactory(username="hidden-lead")
    return task_update(actor=None, task=task, lead_person=lead)


def changes(rows) -> dict[str, tuple[str, str]]:
    return {str(label): (old, new) for row in rows for label, old, new in row.change_rows}


def test_a_reader_sees_only_the_records_their_policies_let_them(world):
    task = committee_task(world)
    officer = world.users["unit_officer"]
    with translation.override("en"):
        seen = changes(audit_rows(audit_entries_for(task).order_by("pk"), reader=officer))
        staff = changes(
            audit_rows(audit_entries_for(task).order_by("pk"), reader=world.users["superuser"])
        )
    assert seen["lead person"][1] == NOT_SHOWN
    assert seen["chain"][1] == NOT_SHOWN
    assert seen["lead unit"][1] == "Own unit"
    assert seen["work plan"][1] == "Committee plan"
    # A project has no policy of its own: it is read through its plan's.
    assert seen["project"][1] == "Committee project"
    assert staff["lead person"][1] == "hidden-lead"
    assert staff["chain"][1] == "Committee chain"
    assert staff["project"][1] == "Committee project"


def test_an_anonymous_reader_is_named_nothing(world):
    task = committee_task(world)
    for reader in (None, AnonymousUser()):
        rows = audit_rows(audit_entries_for(task).order_by("pk"), reader=reader)
        named = [v for row in rows for _label, old, new in row.change_rows for v in (old, new)]
        assert "Own unit" not in named and "hidden-lead" not in named
        assert NOT_SHOWN in named


def test_a_list_of_links_is_named_one_by_one(world):
    from pacesetter.practices.services import practice_update
    from pacesetter.practices.tests.factories import PracticeFactory

    hidden = TaskFactory(
        plan=WorkPlanFactory(body=BodyFactory(owner_unit=world.committee)), title="Committee task"
    )
    own = TaskFactory(
        plan=WorkPlanFactory(body=BodyFactory(owner_unit=world.own)), title="Own task"
    )
    practice = PracticeFactory(owner_unit=world.own)
    practice_update(actor=None, practice=practice, tasks=[hidden, own])
    with translation.override("en"):
        rows = audit_rows(
            audit_entries_for(practice).order_by("pk"), reader=world.users["unit_officer"]
        )
        names = sorted(str(n) for n in (NOT_SHOWN, f"{own}"))
        assert sorted(changes(rows)["key tasks"][1].split("; ")) == names


def test_records_without_a_policy_are_read_through_what_they_belong_to(world):
    meeting = MeetingFactory(organizer_unit=world.committee)
    item = AgendaItemFactory(meeting=meeting)
    officer, staff = world.users["unit_officer"], world.users["committee_staff"]
    assert not visible_records(AgendaItem, officer).filter(pk=item.pk).exists()
    assert visible_records(AgendaItem, staff).filter(pk=item.pk).exists()
    assert not visible_records(Project, officer).exists()
    # Shared reference data (no policy, nothing it belongs to): every signed-in reader.
    industry = Industry.objects.create(classification="test", code="X", name_en="Testing")
    assert visible_records(Industry, officer).filter(pk=industry.pk).exists()
    assert not visible_records(Industry, AnonymousUser()).exists()


def test_the_task_page_history_names_what_the_reader_may_see(world):
    task = committee_task(world)
    client = Client()
    client.force_login(world.users["unit_officer"])
    response = client.get(reverse("workplans:task_detail", args=[task.pk]))
    assert response.status_code == 200
    history = response.content.decode().split('class="history"', 1)[1].split("</table>", 1)[0]
    assert "hidden-lead" not in history and "Committee chain" not in history
    assert "(not shown)" in history
