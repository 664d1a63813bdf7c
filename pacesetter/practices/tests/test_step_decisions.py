"""A vetting step's decision is shown only to whoever may view the decision (its own
policy), wherever the step is shown: the page, the API and the signed-in dossier."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.models import Practice
from pacesetter.practices.services import practice_transition
from pacesetter.testing.api import ApiClient

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db

NUMBER = "77/QD-HIDDEN"


def recognized(world, *, owner, publish):
    """A practice of the own unit recognized by a decision recorded by ``owner``."""
    practice = Practice.objects.get(
        pk=PracticeFactory(owner_unit=world.own, title="Night-shift safety walk").pk
    )
    decision = DecisionFactory(owner_unit=owner, number=NUMBER)
    moves = [
        ("review", {"assessment": "recommend", "comment": "Sound."}),
        ("recognize", {"decision": decision}),
    ]
    if publish:
        moves.append(("publish", {}))
    for name, extra in moves:
        practice = practice_transition(actor=None, practice=practice, name=name, **extra)
    return practice, decision


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def page(user, practice) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/practices/{practice.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def steps_table(html: str) -> str:
    return html.split('id="steps"', 1)[1].split("</table>", 1)[0]


def dossier(user, practice) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/practices/{practice.pk}/dossier.docx?lang=en")
    assert response.status_code == 200
    return docx_text(response.content)


def test_a_reader_of_a_published_practice_does_not_see_its_decision(world):
    # Every signed-in user reads a published practice; the decision is the own unit's.
    practice, decision = recognized(world, owner=world.own, publish=True)
    nobody = world.users["nobody"]
    html = page(nobody, practice)
    assert 'data-step="recognize"' in steps_table(html) and NUMBER not in html
    assert "(not shown)" in html  # the history names the change, not the decision
    assert NUMBER not in dossier(nobody, practice)
    detail = ApiClient(nobody).get(f"/practices/{practice.pk}").json()
    assert detail["decision_id"] is None
    assert [s["decision_id"] for s in detail["steps"]] == [None, None, None, None]
    # Whoever may view the decision sees it in the step (and as the record behind it).
    staff = world.users["committee_staff"]
    html = page(staff, practice)
    assert NUMBER in steps_table(html) and "(not shown)" not in html
    assert html.count(NUMBER) == 3  # the record behind it, the step and the history
    assert NUMBER in dossier(staff, practice)
    detail = ApiClient(staff).get(f"/practices/{practice.pk}").json()
    assert detail["decision_id"] == decision.pk
    assert [s["decision_id"] for s in detail["steps"]] == [None, None, decision.pk, None]


def test_an_officer_of_the_unit_does_not_see_a_decision_recorded_above_it(world):
    # The officer reads the own unit's practice, not the province's decision.
    practice, decision = recognized(world, owner=world.root, publish=False)
    officer = world.users["unit_officer"]
    assert NUMBER not in page(officer, practice)
    assert NUMBER not in dossier(officer, practice)
    client = ApiClient(officer)
    detail = client.get(f"/practices/{practice.pk}").json()
    assert detail["decision_id"] is None
    assert decision.pk not in [s["decision_id"] for s in detail["steps"]]
    # An answer after a move is checked the same way.
    commented = client.post(
        f"/practices/{practice.pk}/transition", {"name": "comment", "comment": "Seen."}
    ).json()
    assert commented["decision_id"] is None
    assert decision.pk not in [s["decision_id"] for s in commented["steps"]]
