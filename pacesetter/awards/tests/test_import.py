"""Excel import of past awards: the template round trip, every error located and
nothing saved, permissions, and eligibility working from the imported history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.awards.models import Award, AwardGrant, EligibilityRule, Person
from pacesetter.awards.services import candidate_check, proposal_nominate
from pacesetter.decisions.models import Decision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = reverse("awards:grants_template")
IMPORT = reverse("awards:grants_import")
HEADERS = [
    "award_code",
    "year",
    "unit_code",
    "person_name",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "achievement",
]


@pytest.fixture
def catalog(world):
    excellent = Award.objects.create(
        code="vn-excellent-collective",
        name_en="Excellent Labour Collective",
        level="provincial",
        recipient_kind="unit",
        issuer_en="Chairman",
    )
    fighter = Award.objects.create(
        code="vn-grassroots-fighter",
        name_en="Emulation Fighter at grassroots level",
        level="grassroots",
        recipient_kind="person",
        issuer_en="Director",
    )
    return {"excellent": excellent, "fighter": fighter}


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["committee_staff"])
    return client


def template(client):
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def upload(client, workbook, owner_unit, **extra):
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = {
        "owner_unit": owner_unit.pk,
        "file": SimpleUploadedFile("awards.xlsx", buffer.getvalue(), XLSX),
    }
    return client.post(IMPORT, data, **extra)


def filled(client, rows):
    workbook = template(client)
    sheet = workbook["Awards"]
    for row in rows:
        sheet.append(row)
    return workbook


ROWS = [
    [
        "vn-excellent-collective",
        2022,
        "OWN",
        None,
        "12/QD-UBND",
        dt.date(2023, 1, 20),
        "Province",
        "Led cluster 18",
    ],
    ["vn-excellent-collective", 2023, "OWN", None, "15/QD-UBND", "25/01/2024", "Province", None],
    ["vn-excellent-collective", 2023, "SIB", None, "15/QD-UBND", "25/01/2024", "Province", None],
    [
        "vn-grassroots-fighter",
        2023,
        "OWN",
        "Nguyễn  Văn An",
        "7/QD",
        "2023-12-28",
        "Own unit",
        "Initiative",
    ],
]


def test_the_template_has_the_headers_and_the_award_codes(staff, catalog):
    workbook = template(staff)
    assert [c.value for c in workbook["Awards"][1]][: len(HEADERS)] == HEADERS
    codes = [row[0] for row in workbook["Help"].iter_rows(min_row=2, values_only=True)]
    assert {"vn-excellent-collective", "vn-grassroots-fighter"} <= set(codes)


def test_round_trip_records_grants_decisions_and_people_and_is_idempotent(staff, world, catalog):
    response = upload(staff, filled(staff, ROWS), world.committee)
    assert response.status_code == 200
    assert response.context["errors"] == []
    result = response.context["result"]
    assert (result.saved, result.decisions_created, result.people_created) == (4, 3, 1)

    grants = AwardGrant.objects.select_related("decision", "person")
    assert grants.count() == 4
    first = grants.get(unit=world.own, year=2022)
    assert first.achievement == "Led cluster 18"
    assert first.decision.number == "12/QD-UBND"
    assert first.decision.date == dt.date(2023, 1, 20)
    assert first.decision.owner_unit == world.committee
    assert grants.filter(decision__number="15/QD-UBND").count() == 2  # one decision, two rows
    person = Person.objects.get()
    assert (person.full_name, person.unit) == ("Nguyễn Văn An", world.own)
    assert grants.get(person=person).unit is None
    # Through the register's service: in the unit's register, with an unrecorded start.
    (position,) = person.positions.all()
    assert (position.unit, position.start, position.end) == (world.own, None, None)
    assert AuditEntry.objects.filter(action="person.position_add").count() == 1
    assert AuditEntry.objects.filter(action="award.record").count() == 4
    assert AuditEntry.objects.filter(action="decision.create").count() == 3

    again = upload(staff, filled(staff, ROWS), world.committee)
    result = again.context["result"]
    assert (result.saved, result.unchanged, result.decisions_created) == (0, 4, 0)
    assert AwardGrant.objects.count() == 4
    assert Decision.objects.count() == 3
    assert Person.objects.count() == 1  # found again in the register, not added twice


def test_imported_history_feeds_the_eligibility_rules(staff, world, catalog):
    upload(staff, filled(staff, ROWS), world.committee)
    flag = Award.objects.create(
        code="flag", name_en="Flag", level="provincial", recipient_kind="unit", issuer_en="Chairman"
    )
    EligibilityRule.objects.create(
        award=flag,
        valid_from=dt.date(2024, 1, 1),
        rule={"held_each_year": {"award": "vn-excellent-collective", "years": 2}},
    )
    proposal = proposal_nominate(
        actor=None,
        award=flag,
        year=2025,  # the held-each-year window counts back from the achievement's year
        decision_date=dt.date(2026, 1, 10),
        committee_unit=world.committee,
        proposer_unit=world.own,
        units=[world.own, world.sibling],
    )
    eligible = {c.unit.code: c.eligible for c in proposal.candidates.select_related("unit")}
    assert eligible == {"OWN": False, "SIB": False}  # 2024 is not imported
    upload(
        staff,
        filled(
            staff,
            [["vn-excellent-collective", 2024, "OWN", None, "3/QD", "20/01/2025", "Province"]],
        ),
        world.committee,
    )
    candidate = proposal.candidates.get(unit=world.own)
    assert candidate_check(candidate).eligible is True


def test_every_error_is_located_and_nothing_is_saved(staff, world, catalog):
    rows = [
        ROWS[0],  # a good row: still not saved
        ["no-such-award", 2023, "OWN", None, "1/QD", "20/01/2024", "Province"],
        ["vn-excellent-collective", "twenty", "OWN", None, "1/QD", "20/01/2024", "Province"],
        ["vn-excellent-collective", 2023, "OTHER", None, "1/QD", "20/01/2024", "Province"],
        ["vn-grassroots-fighter", 2023, "OWN", None, "1/QD", "20/01/2024", "Province"],
        ["vn-excellent-collective", 2023, "OWN", "Somebody", "1/QD", "20/01/2024", "Province"],
        ["vn-excellent-collective", 2023, "OWN", None, "1/QD", "31/02/2024", "Province"],
        ["vn-excellent-collective", 2023, "SIB", None, "1/QD", "20/01/2022", "Province"],
        ["vn-excellent-collective", 2023, "SIB", None, None, "20/01/2024", None],
        ROWS[0],  # the same as row 2
    ]
    response = upload(staff, filled(staff, rows), world.committee)
    errors = response.context["errors"]
    assert response.context["result"] is None
    assert errors == [
        "Sheet “Awards”, row 3, column A (award_code): there is no award with the code "
        "“no-such-award” (see the sheet “Help”).",
        "Sheet “Awards”, row 4, column B (year): enter a number.",
        "Sheet “Awards”, row 5, column C (unit_code): there is no unit with the code "
        "“OTHER” that you may see.",
        "Sheet “Awards”, row 6, column D (person_name): this award is given to people; "
        "enter the name.",
        "Sheet “Awards”, row 7, column D (person_name): this award is given to units; "
        "leave the name empty.",
        "Sheet “Awards”, row 8, column F (decision_date): enter a date, e.g. 31/12/2023.",
        "Sheet “Awards”, row 9, column F (decision_date): the decision is dated before the "
        "award's year.",
        "Sheet “Awards”, row 10, column E (decision_number): enter the decision's number.",
        "Sheet “Awards”, row 10, column G (decision_issuer): enter who issued the decision.",
        "Sheet “Awards”, row 11: the same award is already on row 2.",
    ]
    assert not AwardGrant.objects.exists()
    assert not Decision.objects.exists()
    assert not Person.objects.exists()


def test_the_template_keeps_award_names_like_formulas_as_text(staff, catalog):
    Award.objects.filter(pk=catalog["excellent"].pk).update(
        name_en='=HYPERLINK("http://x","y")', issuer_en="@SUM(A1)"
    )
    workbook = template(staff)
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    named = [c for c in cells if c.value in ('=HYPERLINK("http://x","y")', "@SUM(A1)")]
    assert len(named) == 2 and all(c.data_type == "s" and c.quotePrefix for c in named)


def test_a_formula_in_an_import_is_refused_and_nothing_is_saved(staff, world, catalog):
    rows = [ROWS[0], ["vn-excellent-collective", "=2020+3", "OWN", None, "1/QD", "20/01/2024"]]
    response = upload(staff, filled(staff, rows), world.committee)
    assert response.context["errors"] == [
        "Sheet “Awards”, row 3, column B (year): the cell holds a formula (=2020+3), and an "
        "import reads values only. Type the value, or copy the cells and paste them as values."
    ]
    assert not AwardGrant.objects.exists()
    assert not Decision.objects.exists()


def test_a_service_error_rolls_back_the_rows_already_written(staff, world, catalog):
    # The second row's decision cannot be recorded: one with the same number exists,
    # recorded by a unit the user does not see. The first row must not stay saved.
    Decision.objects.create(
        number="9/QD", date=dt.date(2024, 1, 20), issuer_en="Province", owner_unit=world.other_root
    )
    rows = [
        ROWS[0],
        ["vn-excellent-collective", 2023, "SIB", None, "9/QD", "20/01/2024", "Province"],
    ]
    response = upload(staff, filled(staff, rows), world.committee)
    errors = response.context["errors"]
    assert len(errors) == 1 and errors[0].startswith("Sheet “Awards”, row 3")
    assert not AwardGrant.objects.exists()
    assert Decision.objects.count() == 1


def test_a_missing_column_is_reported_and_errors_are_translated(staff, world, catalog):
    workbook = filled(staff, [ROWS[0]])
    sheet = workbook["Awards"]
    sheet.cell(row=1, column=7, value="issuer")
    response = upload(staff, workbook, world.committee)
    assert response.context["errors"] == [
        "Sheet “Awards”: the column “decision_issuer” is missing from the header row."
    ]
    workbook = filled(staff, [["no-such-award", 2023, "OWN", None, "1/QD", "20/01/2024", "P"]])
    response = upload(staff, workbook, world.committee, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.context["errors"][0].startswith(
        "Trang tính “Awards”, dòng 2, cột A (award_code)"
    )


def test_only_committee_staff_import_into_units_they_manage(client, world, catalog):
    assert client.get(IMPORT).status_code == 302  # to the login page
    client.force_login(world.users["unit_officer"])
    assert client.get(IMPORT).status_code == 403
    client.force_login(world.users["committee_staff"])
    page = client.get(IMPORT)
    assert page.status_code == 200
    offered = set(page.context["form"].fields["owner_unit"].queryset.values_list("code", flat=True))
    assert offered == {"PROV", "COMM", "OWN", "CHILD", "SIB"}
    response = upload(client, filled(client, [ROWS[0]]), world.other_root)
    assert "owner_unit" in response.context["form"].errors
    assert not AwardGrant.objects.exists()


def test_person_create_writes_its_audit_entry(world):
    from pacesetter.awards.people_services import person_create

    actor = world.users["committee_staff"]
    person = person_create(actor=actor, unit=world.own, full_name="Trần Thị Bình", source="import")
    entry = AuditEntry.objects.get(action="person.create", target_id=str(person.pk))
    assert entry.changes == {
        "full_name": [None, "Trần Thị Bình"],
        "unit": [None, world.own.pk],
        "source": [None, "import"],
    }
    with pytest.raises(ValidationError):
        person_create(actor=actor, unit=world.own, full_name="")
    assert Person.objects.count() == 1


def test_a_large_workbook_is_recorded_by_the_job_worker(staff, world, catalog, settings, tmp_path):
    from pacesetter.imports.models import ImportJob, JobState
    from pacesetter.imports.services import job_run

    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    response = upload(staff, filled(staff, ROWS), world.committee)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.params == {"owner_unit": world.committee.pk}
    assert not AwardGrant.objects.exists()
    assert job_run(job.pk) == JobState.SUCCEEDED
    assert AwardGrant.objects.count() == 4
    assert ImportJob.objects.get(pk=job.pk).result["decisions_created"] == 3
    page = staff.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "4 awards recorded." in page and "3 decisions added." in page
