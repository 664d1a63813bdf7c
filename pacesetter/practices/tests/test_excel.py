"""The import of an existing list of practices and the export of the library (.xlsx)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.models import Practice, PracticeState, PracticeStep, WorkField
from pacesetter.practices.services import practice_transition

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db

IMPORT = "/practices/import/"
EXPORT = "/practices/export.xlsx"
HEADERS = [
    "source_language",
    "title",
    "summary",
    "kind",
    "owner_unit",
    "source_units",
    "work_fields",
    "level",
    "subject",
    "person_name",
    "lead_person",
    "year",
    "decision_number",
    "decision_date",
    "title_vi",
]


def workbook(rows, headers=HEADERS):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Practices"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content, owner_unit):
    data = {"owner_unit": owner_unit.pk, "file": SimpleUploadedFile("p.xlsx", content)}
    return client.post(IMPORT, data)


def row(**values):
    base = {"title": "Night-shift safety talks", "kind": "experience", "source_units": "OWN"}
    return {**base, "year": 2024, **values}


@pytest.fixture
def staff(client, world, work_fields):
    client.force_login(world.users["committee_staff"])
    return client


@pytest.fixture
def officer(client, world, work_fields):
    client.force_login(world.users["unit_officer"])
    return client


def recognize(practice, decision):
    practice = practice_transition(
        actor=None, practice=practice, name="review", assessment="recommend", comment="Sound."
    )
    return practice_transition(actor=None, practice=practice, name="recognize", decision=decision)


def snapshot():
    """What an import gives back of each practice, keyed by its title."""
    return {
        p.title_en or p.title_vi or p.title_zh_hans: (
            p.source_language,
            p.title_en,
            p.title_vi,
            p.title_zh_hans,
            p.summary_en,
            p.summary_vi,
            p.kind,
            p.owner_unit.code,
            sorted(u.code for u in p.source_units.all()),
            sorted(f.code for f in p.work_fields.all()),
            p.influence_scope,
            p.studio_level,
            p.level,
            p.subject,
            p.person_name,
            p.lead_person,
            p.year,
            p.decision_id,
            p.state,
        )
        for p in Practice.objects.all()
    }


def test_export_then_import_into_an_empty_library_gives_the_same_practices(staff, world):
    fields = {f.code: f for f in WorkField.objects.all()}
    decision = DecisionFactory(owner_unit=world.root, number="12/QĐ-LĐLĐ", date=dt.date(2024, 3, 1))
    PracticeFactory(
        owner_unit=world.root,
        source_units=[world.own, world.sibling],
        source_language="vi",
        title={"vi": "Giờ an toàn ca đêm", "en": "Night-shift safety talks"},
        summary={"vi": "Mười phút trước ca"},
        work_fields=[fields["safety"]],
        level="local",
        year=2023,
    )
    recognize(
        PracticeFactory(
            owner_unit=world.root,
            source_units=[world.own],
            kind="initiative",
            influence_scope="provincial",
            title="Solar drying",
            effect="Less coal.",
            work_fields=[fields["production"], fields["skills"]],
        ),
        decision,
    )
    PracticeFactory(
        owner_unit=world.own,
        kind="studio",
        studio_level="provincial_demo",
        lead_person="Lê Văn Thành",
        source_language="zh-hans",
        title={"zh-hans": "劳模创新工作室"},
    )
    PracticeFactory(
        owner_unit=world.own,
        kind="model",
        subject="person",
        person_name="Trần Thị Bình",
        level="national",
    )
    before = snapshot()
    response = staff.get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    content = response.content

    Practice.objects.all().delete()
    response = upload(staff, content, world.root)
    assert response.status_code == 200, response.content
    assert response.context["errors"] == []
    assert response.context["result"].saved == 4 and response.context["result"].recognized == 1
    assert snapshot() == before
    # Uploaded again: every row is already in the library.
    response = upload(staff, content, world.root)
    assert response.context["result"].saved == 0 and response.context["result"].unchanged == 4
    assert Practice.objects.count() == 4


def test_one_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_saved(staff, world):
    content = workbook(
        [row(), row(title="Solar drying", kind="initiative", level="moon"), row(title="Third")]
    )
    response = upload(staff, content, world.root)
    assert response.context["errors"] == [
        "Sheet “Practices”, row 3, column H (level): “moon” is not allowed; use one of: "
        "unit, local, provincial, national."
    ]
    assert not Practice.objects.exists()


def test_a_model_and_an_experience_take_a_level_on_the_scopes_scale(staff, world):
    rows = [
        row(title="Model", kind="model", subject="collective", level="The province"),
        row(title="Experience", level="unit"),
        row(title="Without", kind="experience"),
    ]
    response = upload(staff, workbook(rows), world.root)
    assert response.context["errors"] == []
    levels = dict(Practice.objects.values_list("title_en", "level"))
    assert levels == {"Model": "provincial", "Experience": "unit", "Without": ""}
    # A studio's level is no level of an experience: named by row and column.
    Practice.objects.all().delete()
    response = upload(staff, workbook([row(level="provincial_demo")]), world.root)
    assert response.context["errors"] == [
        "Sheet “Practices”, row 2, column H (level): “provincial_demo” is not allowed; use "
        "one of: unit, local, provincial, national."
    ]
    assert not Practice.objects.exists()


def test_the_services_rules_land_on_their_column_too(staff, world):
    response = upload(staff, workbook([row(kind="model", subject="person")]), world.root)
    assert response.context["errors"] == [
        "Sheet “Practices”, row 2, column J (person_name): Name the person."
    ]
    assert not Practice.objects.exists()


def test_the_same_practice_twice_in_the_file_is_refused(staff, world):
    content = workbook([row(), row(title=" night-shift  SAFETY talks ")])
    response = upload(staff, content, world.root)
    assert response.context["errors"] == [
        "Sheet “Practices”, row 3, column B (title): the same practice is already on row 2."
    ]
    assert not Practice.objects.exists()


def test_unknown_codes_and_a_missing_decision_are_each_named(staff, world):
    content = workbook(
        [row(source_units="OWN; NOPE", work_fields="safety, poetry", decision_number="9/QĐ")]
    )
    errors = upload(staff, content, world.root).context["errors"]
    assert errors == [
        "Sheet “Practices”, row 2, column F (source_units): there is no unit with the code "
        "“NOPE” that you may propose for.",
        "Sheet “Practices”, row 2, column G (work_fields): there is no field of work with the "
        "code “poetry” (see the sheet “Help”).",
        "Sheet “Practices”, row 2, column M (decision_number): there is no decision numbered "
        "“9/QĐ” that you may see.",
    ]


def test_a_row_naming_its_decision_is_recognized_through_the_steps_and_audited(staff, world):
    decision = DecisionFactory(owner_unit=world.root, number="7/QĐ", date=dt.date(2024, 5, 2))
    content = workbook(
        [
            row(
                source_language="vi",
                title="Sáng kiến sấy",
                title_vi="Sáng kiến sấy",
                kind="initiative",
                level="The province",  # a choice's label, or its code
                decision_number="7/QĐ",
                decision_date="02/05/2024",
            )
        ]
    )
    response = upload(staff, content, world.root)
    assert response.context["errors"] == []
    practice = Practice.objects.get()
    assert (practice.state, practice.decision, practice.influence_scope) == (
        PracticeState.RECOGNIZED,
        decision,
        "provincial",
    )
    assert practice.title_vi == "Sáng kiến sấy" and practice.owner_unit == world.root
    assert [s.name for s in PracticeStep.objects.filter(practice=practice)] == [
        "propose",
        "review",
        "recognize",
    ]
    actions = set(
        AuditEntry.objects.filter(target_id=str(practice.pk)).values_list("action", flat=True)
    )
    assert {"practice.propose", "practice.review", "practice.recognize"} <= actions


def test_an_officer_imports_for_their_own_unit_only_and_records_no_recognition(officer, world):
    DecisionFactory(owner_unit=world.own, number="3/QĐ")
    content = workbook(
        [row(), row(title="Other", source_units="SIB"), row(title="Third", decision_number="3/QĐ")]
    )
    errors = upload(officer, content, world.own).context["errors"]
    assert errors == [
        "Sheet “Practices”, row 3, column F (source_units): there is no unit with the code "
        "“SIB” that you may propose for.",
        "Sheet “Practices”, row 4, column M (decision_number): only the committee staff over "
        "OWN record a recognized practice.",
    ]
    response = upload(officer, workbook([row()]), world.root)  # not a unit they may choose
    assert "owner_unit" in response.context["form"].errors
    response = upload(officer, workbook([row()]), world.own)
    assert response.context["result"].saved == 1
    assert Practice.objects.get().state == PracticeState.PROPOSED


@pytest.mark.parametrize("who", ["viewer", "nobody", "council_member"])
def test_who_proposes_nothing_may_not_import(client, world, who):
    client.force_login(world.users[who])
    assert client.get(IMPORT).status_code == 403
    page = client.get("/practices/").content.decode()
    assert 'href="/practices/import/"' not in page and 'href="/practices/export.xlsx"' in page


def test_the_template_and_the_import_page(staff):
    page = staff.get(IMPORT)
    assert page.status_code == 200
    assert 'href="/practices/import/template.xlsx"' in page.content.decode()
    response = staff.get("/practices/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Practices"][1]][:4] == [
        "source_language",
        "title",
        "summary",
        "kind",
    ]
    codes = {(r[0], r[1]) for r in book["Help"].iter_rows(values_only=True)}
    assert ("kind", "initiative") in codes and ("work_fields", "safety") in codes


def test_the_export_is_formula_safe_filtered_and_only_what_the_user_sees(officer, world):
    PracticeFactory(owner_unit=world.own, title='=HYPERLINK("http://x.example","click")')
    PracticeFactory(
        owner_unit=world.own, title="An initiative", kind="initiative", influence_scope="unit"
    )
    PracticeFactory(owner_unit=world.sibling, title="The sibling's")
    list_page = officer.get("/practices/?kind=experience").content.decode()
    assert 'href="/practices/export.xlsx?kind=experience"' in list_page
    assert 'href="/practices/import/"' in list_page
    book = load_workbook(io.BytesIO(officer.get("/practices/export.xlsx?kind=experience").content))
    sheet = book["Practices"]
    titles = [r[1].value for r in sheet.iter_rows(min_row=2)]
    assert titles == ['=HYPERLINK("http://x.example","click")']
    cell = sheet["B2"]
    assert cell.data_type == "s" and cell.quotePrefix
    everything = load_workbook(io.BytesIO(officer.get(EXPORT).content))["Practices"]
    assert sorted(r[1].value for r in everything.iter_rows(min_row=2)) == [
        '=HYPERLINK("http://x.example","click")',
        "An initiative",
    ]


def test_the_export_names_a_decision_only_to_who_may_see_it(client, world, work_fields):
    decision = DecisionFactory(owner_unit=world.root, number="5/QĐ")
    practice = PracticeFactory(owner_unit=world.root, source_units=[world.own])
    recognize(practice, decision)
    # The officer sees the practice (it comes from their unit), not the province's decision.
    client.force_login(world.users["unit_officer"])
    sheet = load_workbook(io.BytesIO(client.get(EXPORT).content))["Practices"]
    assert sheet["B2"].value == practice.title and sheet["M2"].value is None
    client.force_login(world.users["committee_staff"])
    sheet = load_workbook(io.BytesIO(client.get(EXPORT).content))["Practices"]
    assert sheet["M2"].value == "5/QĐ"


def test_a_large_list_is_imported_by_the_job_worker(staff, world, settings, tmp_path):
    from pacesetter.imports.models import ImportJob, JobState
    from pacesetter.imports.services import job_run

    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    content = workbook([row(title=f"Practice {n}") for n in range(3)])
    response = upload(staff, content, world.root)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "practices.library"
    assert not Practice.objects.exists()
    assert job_run(job.pk) == JobState.SUCCEEDED
    assert Practice.objects.count() == 3
    page = staff.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "3 practices added." in page


def test_the_export_reads_the_same_number_of_queries_whatever_the_rows(staff, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    decision = DecisionFactory(owner_unit=world.root, number="1/QĐ")

    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(EXPORT).status_code == 200
        return len(queries)

    recognize(PracticeFactory(owner_unit=world.root, source_units=[world.own]), decision)
    few = counted()
    for _ in range(3):
        recognize(
            PracticeFactory(owner_unit=world.root, source_units=[world.own, world.sibling]),
            DecisionFactory(owner_unit=world.root),
        )
    assert counted() == few
