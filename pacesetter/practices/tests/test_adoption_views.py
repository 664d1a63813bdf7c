"""The adoption screens: adopt (with a key task), report with evidence, the spread on
the practice page in a fixed number of queries, and the formula-safe .xlsx export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.practices.models import Adoption
from pacesetter.practices.services import adoption_create, adoption_report
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(world):
    return published(PracticeFactory(owner_unit=world.committee, title="Shift handover card"))


def adopt(practice, unit, on=dt.date(2024, 3, 1)):
    return adoption_create(actor=None, practice=practice, unit=unit, adopted_on=on)


def test_an_officer_adopts_for_the_unit_with_a_key_task_and_reports_with_evidence(
    client, world, practice
):
    officer = world.users["unit_officer"]
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.own))
    client.force_login(officer)
    page = client.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert reverse("practices:adopt", args=[practice.pk]) in page
    answer = client.post(
        reverse("practices:adopt", args=[practice.pk]),
        {"unit": world.own.pk, "adopted_on": "2024-03-01", "plan": plan.pk, "note": "Line 1"},
    )
    assert answer.status_code == 302
    adoption = Adoption.objects.get(practice=practice, unit=world.own)
    assert adoption.task.plan == plan
    # A unit outside the officer's subtree is not offered.
    refused = client.post(
        reverse("practices:adopt", args=[practice.pk]),
        {"unit": world.sibling.pk, "adopted_on": "2024-03-01"},
    )
    assert refused.status_code == 200
    assert not Adoption.objects.filter(unit=world.sibling).exists()

    url = reverse("practices:adoption_report", args=[practice.pk, adoption.pk])
    pdf = SimpleUploadedFile("trial.pdf", b"%PDF-1.4 trial", content_type="application/pdf")
    answer = client.post(
        url,
        {
            "outcome": "adopted",
            "rating": "5",
            "report": "Fewer errors.",
            "reported_on": "2024-06-01",
            "file": pdf,
        },
    )
    assert answer.status_code == 302
    adoption.refresh_from_db()
    assert (adoption.outcome, adoption.rating) == ("adopted", 5)
    evidence = adoption.evidence.get()
    page = client.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "Replicated in 1 unit" in page
    download = reverse(
        "practices:adoption_evidence_download", args=[practice.pk, adoption.pk, evidence.pk]
    )
    assert download in page
    client.force_login(world.users["nobody"])
    assert client.get(download).status_code == 200  # the practice's readers


def test_a_report_in_two_parts_is_kept_whole_or_not_at_all(client, world, practice):
    adoption = adopt(practice, world.own)
    client.force_login(world.users["unit_officer"])
    url = reverse("practices:adoption_report", args=[practice.pk, adoption.pk])
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    answer = client.post(
        url, {"outcome": "partly", "rating": "3", "reported_on": "2024-06-01", "file": fake}
    )
    assert answer.status_code == 200
    adoption.refresh_from_db()
    assert not adoption.is_reported
    assert not adoption.evidence.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("committee_staff", 200), ("unit_officer", 200), ("viewer", 403), ("nobody", 403)],
)
def test_who_may_report(client, world, practice, role, status):
    adoption = adopt(practice, world.own)
    client.force_login(world.users[role])
    url = reverse("practices:adoption_report", args=[practice.pk, adoption.pk])
    assert client.get(url).status_code == status


def test_nobody_may_not_adopt_and_an_unpublished_practice_has_no_adopt_page(
    client, world, practice
):
    client.force_login(world.users["nobody"])
    assert client.get(reverse("practices:adopt", args=[practice.pk])).status_code == 403
    draft = PracticeFactory(owner_unit=world.own)
    client.force_login(world.users["unit_officer"])
    assert client.get(reverse("practices:adopt", args=[draft.pk])).status_code == 403


def test_the_page_takes_the_same_number_of_queries_whatever_the_adoptions(
    client, world, practice, django_assert_num_queries
):
    client.force_login(world.users["committee_staff"])
    url = reverse("practices:detail", args=[practice.pk])
    report = adopt(practice, world.own)
    adoption_report(
        actor=None, adoption=report, outcome="adopted", rating=4, reported_on=dt.date(2024, 5, 1)
    )
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for unit in (world.child, world.sibling, world.other, UnitFactory(parent=world.other)):
        adopt(practice, unit)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert "Replicated in 1 unit" in page
    assert "adopted by 5 units in all" in page


def test_the_spread_card_counts_every_top_unit_and_lists_one_page_of_adopters(
    client, world, practice, settings, django_assert_num_queries
):
    """Five adoptions, two a page: every count on each page, the rows a page at a time
    in the tree's order, each beside its top unit; the page's queries stay the same."""
    settings.PAGE_SIZE = 2
    client.force_login(world.users["committee_staff"])
    units = [world.own, world.child, world.sibling, world.other, UnitFactory(parent=world.other)]
    for unit in units:
        adopt(practice, unit)
    url = reverse("practices:detail", args=[practice.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = []
    with CaptureQueriesContext(connection) as first:
        pages.append(client.get(url).content.decode())
    for number in (2, 3):
        with django_assert_num_queries(len(first.captured_queries)):
            pages.append(client.get(url, {"page": number}).content.decode())
    in_order = sorted(units, key=lambda unit: unit.path)
    roots = {world.root.path: world.root, world.other_root.path: world.other_root}
    for number, page in enumerate(pages):
        assert "adopted by 5 units in all" in page
        assert f'<li data-top-unit="{world.root.code}">{world.root.name}: 3</li>' in page
        assert (
            f'<li data-top-unit="{world.other_root.code}">{world.other_root.name}: 2</li>' in page
        )
        shown = in_order[number * 2 : number * 2 + 2]
        for unit in units:
            row = f'<tr data-unit="{unit.code}"'
            assert (row in page) == (unit in shown), (number, unit.code)
        for unit in shown:
            top = roots[unit.path.split("/", 1)[0] + "/"]
            assert f'<tr data-unit="{unit.code}" data-top-unit="{top.code}">' in page
    assert "Page 3 of 3" in pages[2]


def test_the_export_lists_the_adoptions_formula_safe(client, world, practice):
    evil = UnitFactory(parent=world.root, name='=HYPERLINK("http://x","y")', code="EVIL")
    adoption = adopt(practice, evil, on=dt.date(2024, 4, 1))
    adoption_report(
        actor=None,
        adoption=adoption,
        outcome="abandoned",
        rating=2,
        report="+cmd",
        reported_on=dt.date(2024, 9, 1),
    )
    adopt(practice, world.other, on=dt.date(2025, 1, 1))
    client.force_login(world.users["nobody"])
    answer = client.get(reverse("practices:adoptions_export", args=[practice.pk]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    by_code = {row[1]: row for row in rows}
    assert by_code["EVIL"][0] == "Province"
    assert by_code["EVIL"][7] == "Abandoned"
    assert by_code["EVIL"][8] == 2
    assert by_code["OTHER"][0] == "Other root"
    cell = next(c for c in sheet[1 + 1 + [r[1] for r in rows].index("EVIL")] if c.column == 3)
    assert cell.data_type == "s" and cell.quotePrefix
