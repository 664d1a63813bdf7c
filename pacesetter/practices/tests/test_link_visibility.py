"""The records behind a practice (its review point, meeting, chain, award grants, key
tasks and decision) are named only to a reader whose policy of that record lets them
see it, on the page, in the API and in both dossiers alike: reading a practice, even a
published one, is not reading what it links to."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from docx import Document

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.tests.factories import AwardFactory, AwardGrantFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.campaigns.tests.factories import CampaignFactory, ReviewPointFactory
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.meetings.tests.factories import MeetingFactory
from pacesetter.practices.models import Practice
from pacesetter.practices.selectors import links_seen
from pacesetter.practices.services import adoption_create, practice_update
from pacesetter.testing.api import ApiClient
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db

#: What the committee keeps (none of it the own unit's): the names a reader of the own
#: unit's practice must not be told.
HIDDEN = (
    "Committee review 2024",
    "Committee exchange",
    "Committee chain",
    "Committee banner",
    "Committee task",
)
#: A key task of the own unit's plan: its officer may see it.
OWN_TASK = "Own unit safety walk"


def linked_practice(world, *, publish=True):
    """A practice of the own unit (published unless told) linked to the committee's
    review point, meeting, chain, grant and task, and to a task of the own unit."""
    committee = world.committee
    point = ReviewPointFactory(
        campaign=CampaignFactory(organizer=committee, name="Committee campaign"),
        name="Committee review 2024",
    )
    meeting = MeetingFactory(organizer_unit=committee, title="Committee exchange")
    chain = ChainFactory(owner_unit=committee, name="Committee chain")
    grant = AwardGrantFactory(
        award=AwardFactory(name="Committee banner"),
        unit=committee,
        decision=DecisionFactory(owner_unit=world.root),
    )
    hidden_task = TaskFactory(
        plan=WorkPlanFactory(body=BodyFactory(owner_unit=committee)), title="Committee task"
    )
    own_task = TaskFactory(
        plan=WorkPlanFactory(body=BodyFactory(owner_unit=world.own)), title=OWN_TASK
    )
    proposed = Practice.objects.get(
        pk=PracticeFactory(owner_unit=world.own, title="Night-shift safety walk").pk
    )
    practice = practice_update(
        actor=None,
        practice=proposed,
        review_point=point,
        meeting=meeting,
        chain=chain,
        award_grants=[grant],
        tasks=[hidden_task, own_task],
    )
    if publish:
        practice = published(practice)
    return practice, {
        "review_point": point,
        "meeting": meeting,
        "chain": chain,
        "grant": grant,
        "tasks": (hidden_task, own_task),
    }


def page(user, practice) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/practices/{practice.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def dossier(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return docx_text(response.content)


def readers(world):
    sibling_officer = UserFactory(username="sibling-officer")
    role_grant(actor=None, user=sibling_officer, role=Role.UNIT_OFFICER, unit=world.sibling)
    return {
        "officer of another unit": sibling_officer,
        "officer of the practice's unit": world.users["unit_officer"],
        "plain member": world.users["nobody"],
    }


def test_readers_do_not_see_linked_records_their_policies_hide(world):
    practice, linked = linked_practice(world)
    hidden_task, own_task = linked["tasks"]
    for who, user in readers(world).items():
        html = page(user, practice)
        text = dossier(_signed_in(user), f"/practices/{practice.pk}/dossier.docx?lang=en")
        detail = ApiClient(user).get(f"/practices/{practice.pk}").json()
        for name in HIDDEN:
            assert name not in html, (who, name)
            assert name not in text, (who, name)
        assert detail["review_point_id"] is None, who
        assert detail["meeting_id"] is None, who
        assert detail["chain_id"] is None, who
        assert detail["award_grant_ids"] == [], who
        assert hidden_task.pk not in detail["task_ids"], who
    # The officer of the own unit sees the own unit's task, and only it.
    officer = world.users["unit_officer"]
    assert OWN_TASK in page(officer, practice)
    assert ApiClient(officer).get(f"/practices/{practice.pk}").json()["task_ids"] == [own_task.pk]
    assert [t.pk for t in links_seen(practice, officer).tasks] == [own_task.pk]


def test_anonymous_readers_of_a_public_practice_see_no_linked_record(world):
    practice, _linked = linked_practice(world)
    anonymous = Client()
    html = anonymous.get(f"/practices/public/{practice.pk}/")
    assert html.status_code == 200
    text = dossier(anonymous, f"/practices/public/{practice.pk}/dossier.docx?lang=en")
    for name in (*HIDDEN, OWN_TASK):
        assert name not in html.content.decode(), name
        assert name not in text, name
    # The signed-in routes stay closed to them.
    assert anonymous.get(f"/practices/{practice.pk}/dossier.docx").status_code == 302
    assert anonymous.get(f"/api/v1/practices/{practice.pk}").status_code == 401
    for reader in (None, AnonymousUser()):
        links = links_seen(practice, reader)
        assert links.review_point is None and links.meeting is None and links.chain is None
        assert links.grants == [] and links.tasks == [] and links.decision is None


def test_staff_over_the_records_sees_every_link(world):
    practice, linked = linked_practice(world)
    staff = world.users["committee_staff"]
    html = page(staff, practice)
    text = dossier(_signed_in(staff), f"/practices/{practice.pk}/dossier.docx?lang=en")
    for name in (*HIDDEN, OWN_TASK):
        assert name in html, name
        assert name in text, name
    detail = ApiClient(staff).get(f"/practices/{practice.pk}").json()
    assert detail["review_point_id"] == linked["review_point"].pk
    assert detail["meeting_id"] == linked["meeting"].pk
    assert detail["chain_id"] == linked["chain"].pk
    assert detail["award_grant_ids"] == [linked["grant"].pk]
    assert detail["task_ids"] == sorted(t.pk for t in linked["tasks"])
    assert detail["decision_id"] is not None


def test_an_adoptions_key_task_is_named_only_to_its_readers(world):
    practice, _linked = linked_practice(world)
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.committee))
    adoption = adoption_create(
        actor=None,
        practice=practice,
        unit=world.committee,
        adopted_on=dt.date(2026, 3, 1),
        plan=plan,
        task_title="Committee adoption task",
    )
    assert adoption.task_id is not None
    url = f"/practices/{practice.pk}/adoptions"
    officer = ApiClient(world.users["unit_officer"]).get(url).json()["items"]
    assert [(a["id"], a["task_id"]) for a in officer] == [(adoption.pk, None)]
    staff = ApiClient(world.users["committee_staff"]).get(url).json()["items"]
    assert [(a["id"], a["task_id"]) for a in staff] == [(adoption.pk, adoption.task_id)]


def test_the_edit_form_keeps_a_hidden_link_without_naming_it(world):
    practice, linked = linked_practice(world, publish=False)
    officer = _signed_in(world.users["unit_officer"])
    url = f"/practices/{practice.pk}/edit/"
    html = officer.get(url).content.decode()
    for name in HIDDEN:
        assert name not in html, name
    assert OWN_TASK in html and "(not shown)" in html
    # The hidden links stay selected, so saving the form keeps them.
    hidden_task, _own_task = linked["tasks"]
    assert f'value="{linked["meeting"].pk}" selected' in html
    assert f'value="{hidden_task.pk}" selected' in html


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
