"""Importing a registration list or an existing register: worked examples, the round trip
with the export, CSV, and who may import what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.core.spreadsheets import ImportFailed
from pacesetter.coverage.importing import import_register
from pacesetter.coverage.models import (
    Building,
    CoverageKind,
    Industry,
    Organization,
    Site,
    StatusPeriod,
)
from pacesetter.coverage.selectors import CoverageFilters, editable_towns
from pacesetter.coverage.services import building_record
from pacesetter.testing.matrix import ROLES, user_of

from .factories import credit_code, organization

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2025, 3, 1)


def xlsx(rows, *, sheet="Register", name="register.xlsx"):
    workbook = Workbook()
    workbook.active.title = sheet
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text, *, bom=False, name="register.csv"):
    data = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data)


HEADER = [
    "credit_code",
    "name",
    "kind",
    "town",
    "registered_on",
    "staff_count",
    "party_form",
    "party_founded_on",
    "party_leader",
    "party_members",
    "party_reason",
]


def counts():
    return (
        Organization.objects.count(),
        Building.objects.count(),
        StatusPeriod.objects.count(),
        AuditEntry.objects.count(),
    )


def errors_of(exc):
    return [(e.row, e.column_letter, e.header, e.message) for e in exc.value.errors]


# --- worked examples ----------------------------------------------------------------


def test_new_rows_are_registered_with_the_state_the_register_gives(world):
    staff = world.users["committee_staff"]
    built, plain = credit_code(), credit_code()
    upload = xlsx(
        [
            HEADER,
            [
                built,
                "Shiling Leather",
                "private",
                "OWN",
                D(2020, 5, 1),
                120,
                "standalone",
                D(2021, 7, 1),
                "Li Ming",
                9,
                None,
            ],
            [
                plain,
                "Huadong Trading",
                "Individual business",
                "SIB",
                D(2024, 2, 1),
                4,
                "not built",
                None,
                None,
                None,
                "too_few",
            ],
        ]
    )
    result = import_register(actor=staff, upload=upload, on=ON)
    assert (result.saved, result.changed, result.unchanged) == (2, 0, 0)
    leather = Organization.objects.get(credit_code=built)
    assert (leather.name, leather.town, leather.staff_count) == ("Shiling Leather", world.own, 120)
    party = list(leather.buildings.filter(kind__code="party").order_by("valid_from"))
    # Not built from registration until the founding date, then standalone.
    assert [(p.form, p.valid_from, p.valid_to) for p in party] == [
        ("not_built", D(2020, 5, 1), D(2021, 7, 1)),
        ("standalone", D(2021, 7, 1), None),
    ]
    assert (party[1].leader_name, party[1].member_count) == ("Li Ming", 9)
    trading = Organization.objects.get(credit_code=plain)
    assert trading.kind == "individual" and trading.town == world.sibling
    current = trading.buildings.get(kind__code="party")
    assert (current.form, current.reason_not_built) == ("not_built", "too_few")


def test_changed_cells_are_dated_changes_as_of_the_column_or_the_form(world):
    staff = world.users["committee_staff"]
    org = organization(world.own, name="Xinhua Printing", registered_on=D(2023, 1, 1))
    other = organization(world.own, name="Xinya Foods", registered_on=D(2023, 1, 1))
    upload = xlsx(
        [
            ["credit_code", "party_form", "party_leader", "union_form", "status", "as_of"],
            [org.credit_code, "standalone", "Wang Fang", None, None, D(2024, 6, 1)],
            [other.credit_code, None, None, "joint_region", "suspended", None],
        ]
    )
    result = import_register(actor=staff, upload=upload, on=ON)
    assert (result.changed, result.changes) == (2, 3)
    party = org.buildings.get(kind__code="party", valid_to__isnull=True)
    assert (party.form, party.valid_from, party.event, party.leader_name) == (
        "standalone",
        D(2024, 6, 1),
        "built",
        "Wang Fang",
    )
    union = other.buildings.get(kind__code="union", valid_to__isnull=True)
    assert (union.form, union.valid_from) == ("joint_region", ON)
    other.refresh_from_db()
    assert other.status == "suspended"
    assert other.status_periods.get(valid_to__isnull=True).valid_from == ON


def test_a_credit_code_twice_is_refused_on_both_rows_and_nothing_is_saved(world):
    staff = world.users["committee_staff"]
    code = credit_code()
    before = counts()
    upload = xlsx(
        [
            HEADER,
            [code, "A", "private", "OWN", D(2020, 1, 1)],
            [credit_code(), "B", "private", "OWN", D(2020, 1, 1)],
            [code.lower()[:6] + " " + code[6:], "C", "private", "OWN", D(2020, 1, 1)],
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=staff, upload=upload, on=ON)
    message = f"the credit code {code} is on rows 2 and 4."
    assert errors_of(exc) == [(2, "A", "credit_code", message), (4, "A", "credit_code", message)]
    assert counts() == before


def test_bad_cells_are_refused_by_sheet_row_and_column(world):
    staff = world.users["committee_staff"]
    before = counts()
    bad_check = credit_code()[:17] + ("0" if credit_code()[17] != "0" else "1")
    upload = xlsx(
        [
            ["Coverage register"],
            HEADER,
            [credit_code(), "A", "kolkhoz", "OWN", D(2020, 1, 1)],
            [credit_code(), "B", "private", "NOWHERE", D(2020, 1, 1)],
            [bad_check, "C", "private", "OWN", D(2020, 1, 1)],
            [credit_code(), "D", "private", "OWN", D(2020, 1, 1), 3, "pyramid"],
            [credit_code(), "E", "private", "OWN", "soon"],
            [credit_code(), "", "private", "OWN", D(2020, 1, 1)],
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=staff, upload=upload, on=ON)
    found = errors_of(exc)
    assert [(row, column, header) for row, column, header, _m in found] == [
        (3, "C", "kind"),
        (4, "D", "town"),
        (5, "A", "credit_code"),
        (6, "G", "party_form"),
        (7, "E", "registered_on"),
        (8, "B", "name"),
    ]
    assert "“NOWHERE” is not a town or street whose register you keep." in found[1][3]
    assert "check character" in found[2][3]
    assert str(exc.value.errors[0]).startswith("Sheet “Register”, row 3, column C (kind):")
    assert counts() == before


def test_a_service_error_on_one_row_saves_nothing(world):
    staff = world.users["committee_staff"]
    org = organization(world.own, registered_on=D(2023, 1, 1))
    before = counts()
    upload = xlsx(
        [
            ["credit_code", "name", "kind", "town", "registered_on", "party_form", "as_of"],
            [credit_code(), "New one", "private", "OWN", D(2020, 1, 1), None, None],
            # Work coverage needs the instructor's name: the service refuses it.
            [org.credit_code, None, None, None, None, "work_only", D(2024, 1, 1)],
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=staff, upload=upload, on=ON)
    # The file has no column for the instructor: the error is on the kind's form.
    assert errors_of(exc) == [(3, "F", "party_form", "Name the instructor or liaison sent.")]
    assert counts() == before


def test_formula_cells_are_refused_as_the_kit_does(world):
    staff = world.users["committee_staff"]
    before = counts()
    upload = xlsx([HEADER, [credit_code(), "=A1", "private", "OWN", D(2020, 1, 1)]])
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=staff, upload=upload, on=ON)
    ((row, column, header, message),) = errors_of(exc)
    assert (row, column, header) == (2, "B", "name") and "formula" in message
    assert counts() == before


# --- round trip ---------------------------------------------------------------------


@pytest.fixture
def register(world):
    party = CoverageKind.objects.get(code="party")
    union = CoverageKind.objects.get(code="union")
    a = organization(world.own, name="Leather Works", registered_on=D(2022, 1, 1), staff_count=80)
    building_record(
        actor=None,
        organization=a,
        kind=party,
        on=D(2023, 3, 1),
        form="standalone",
        leader_name="Chen Jie",
        member_count=7,
    )
    building_record(
        actor=None,
        organization=a,
        kind=union,
        on=D(2023, 4, 1),
        form="work_only",
        instructor_name="Liu Yang",
    )
    leather = Industry.objects.create(
        classification="test", code="C19", source_language="en", name_en="Leather"
    )
    park = Site.objects.create(
        source_language="en", name_en="Shiling Park", kind="park", town=world.child
    )
    b = organization(
        world.child,
        name="Bags 新华",
        registered_on=D(2022, 6, 1),
        industry=leather,
        site=park,
        revenue_band="20m",
        above_designated_size=True,
    )
    building_record(
        actor=None,
        organization=b,
        kind=party,
        on=D(2023, 1, 1),
        form="not_built",
        reason_not_built="other",
        reason_text="Moving out",
        planned_on=D(2025, 6, 1),
    )
    return [a, b]


def export(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/coverage/export.xlsx{query}")
    assert response.status_code == 200
    return response.content


def test_exporting_then_importing_unchanged_records_nothing(client, world, register):
    staff = world.users["committee_staff"]
    data = export(client, staff)
    before = counts()
    result = import_register(
        actor=staff, upload=SimpleUploadedFile("export.xlsx", data), on=dt.date.today()
    )
    assert (result.saved, result.changed, result.unchanged) == (0, 0, 2)
    assert counts() == before


def test_one_changed_cell_makes_one_change(client, world, register):
    staff = world.users["committee_staff"]
    workbook = load_workbook(io.BytesIO(export(client, staff)))
    sheet = workbook["Register"]
    headers = [c.value for c in sheet[1]]
    codes = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    row = codes.index(register[0].credit_code) + 2
    sheet.cell(row=row, column=headers.index("party_members") + 1, value=9)
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    today = dt.date.today()
    result = import_register(
        actor=staff, upload=SimpleUploadedFile("export.xlsx", buffer.getvalue()), on=today
    )
    assert (result.changed, result.changes, result.unchanged) == (1, 1, 1)
    orgs, buildings, statuses, audit = counts()
    assert (orgs, buildings, statuses, audit) == (
        before[0],
        before[1] + 1,
        before[2],
        before[3] + 1,
    )
    current = register[0].buildings.get(kind__code="party", valid_to__isnull=True)
    assert (current.member_count, current.valid_from, current.event, current.leader_name) == (
        9,
        today,
        "details_changed",
        "Chen Jie",
    )


# --- CSV ----------------------------------------------------------------------------


def test_a_csv_file_with_a_byte_order_mark_is_read_like_a_workbook(world):
    staff = world.users["committee_staff"]
    code = credit_code()
    text = (
        "credit_code;name;kind;town;registered_on;party_form\n"
        f"{code};花都皮具;private;OWN;2021-03-04;joint_region\n"
    )
    result = import_register(actor=staff, upload=csv_file(text, bom=True), on=ON)
    assert result.saved == 1
    org = Organization.objects.get(credit_code=code)
    assert org.name == "花都皮具" and org.registered_on == D(2021, 3, 4)
    assert org.buildings.get(kind__code="party").form == "joint_region"


def test_csv_errors_name_the_row_and_column(world):
    staff = world.users["committee_staff"]
    text = (
        "credit_code,name,kind,town,registered_on\n"
        f"{credit_code()},A,private,OWN,2021-03-04\n"
        f"{credit_code()},B,private,OWN,next week\n"
    )
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=staff, upload=csv_file(text), on=ON)
    assert [(e.sheet, e.row, e.column_letter, e.header) for e in exc.value.errors] == [
        ("CSV", 3, "E", "registered_on")
    ]
    assert not Organization.objects.exists()


def test_a_csv_file_not_in_utf8_is_refused(world):
    from django.core.exceptions import ValidationError

    upload = SimpleUploadedFile("r.csv", "credit_code,name\n1,皮具\n".encode("gb18030"))
    with pytest.raises(ValidationError, match="UTF-8"):
        import_register(actor=world.users["committee_staff"], upload=upload, on=ON)


# --- who may import -----------------------------------------------------------------


def test_an_officer_imports_for_its_own_town_only(world):
    officer = world.users["unit_officer"]
    sibling_org = organization(world.sibling, name="Not mine")
    upload = xlsx(
        [
            ["credit_code", "name", "kind", "town", "registered_on", "staff_count"],
            [credit_code(), "Mine", "private", "CHILD", D(2020, 1, 1), None],
            [credit_code(), "Theirs", "private", "SIB", D(2020, 1, 1), None],
            [sibling_org.credit_code, None, None, None, None, 50],
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=officer, upload=upload, on=ON)
    assert [(e.row, e.column_letter, e.header) for e in exc.value.errors] == [
        (3, "D", "town"),
        (4, "A", "credit_code"),
    ]
    # The officer does not see the sibling town's register: it is not named.
    assert exc.value.errors[1].message == (
        "this code is registered in a town whose register you do not keep."
    )
    assert not Organization.objects.filter(name_en__in=["Mine", "Theirs"]).exists()


def test_an_officer_does_not_move_an_organization_to_another_town(world):
    officer = world.users["unit_officer"]
    org = organization(world.own)
    upload = xlsx([["credit_code", "town"], [org.credit_code, "CHILD"]])
    with pytest.raises(ImportFailed) as exc:
        import_register(actor=officer, upload=upload, on=ON)
    assert [(e.row, e.header) for e in exc.value.errors] == [(2, "town")]


def test_the_import_page_is_for_those_who_keep_a_register(client, world):
    client.force_login(world.users["viewer"])
    assert client.get("/coverage/import/").status_code == 403
    assert client.get("/coverage/import/template.xlsx").status_code == 403
    client.force_login(world.users["unit_officer"])
    assert client.get("/coverage/import/").status_code == 200
    upload = xlsx([HEADER, [credit_code(), "Via the page", "private", "OWN", D(2020, 1, 1)]])
    response = client.post("/coverage/import/", {"file": upload, "on": "2025-03-01"})
    assert response.context["result"].saved == 1
    bad = xlsx([HEADER, [credit_code(), "Elsewhere", "private", "SIB", D(2020, 1, 1)]])
    response = client.post("/coverage/import/", {"file": bad, "on": "2025-03-01"})
    page = response.content.decode()
    assert "Nothing was saved" in page and "row 2, column D (town)" in page


def test_the_template_has_the_columns_and_drop_downs(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.get("/coverage/import/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Register"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["credit_code", "name", "kind"]
    assert "party_form" in headers and headers[-1] == "as_of"
    sources = {str(v.formula1) for v in sheet.data_validations.dataValidation}
    assert any(s.startswith("Lists!$") for s in sources)
    lists = workbook["Lists"]
    towns = [lists.cell(row=r, column=7).value for r in range(2, lists.max_row + 1)]
    assert [t for t in towns if t] == ["OWN", "CHILD"]


def test_the_api_imports_and_answers_errors_by_row_and_column(client, world):
    client.force_login(world.users["committee_staff"])
    upload = xlsx([HEADER, [credit_code(), "By API", "private", "OWN", D(2020, 1, 1)]])
    response = client.post("/api/v1/coverage/import", {"file": upload, "on": "2025-03-01"})
    assert response.status_code == 200, response.content
    assert response.json() == {"registered": 1, "changed": 0, "changes": 0, "unchanged": 0}
    bad = xlsx([HEADER, [credit_code(), "Bad", "private", "OROOT", D(2020, 1, 1)]])
    response = client.post("/api/v1/coverage/import", {"file": bad})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_failed"
    assert [(d["row"], d["column"], d["header"]) for d in body["detail"]] == [(2, "D", "town")]
    client.force_login(world.users["viewer"])
    response = client.post("/api/v1/coverage/import", {"file": xlsx([HEADER])})
    assert response.status_code == 403


def test_the_export_of_an_officer_holds_its_own_town_only(client, world, register):
    other = organization(world.sibling, name="Sibling's")
    workbook = load_workbook(io.BytesIO(export(client, world.users["unit_officer"])))
    codes = {row[0] for row in workbook["Register"].iter_rows(min_row=2, values_only=True)}
    assert codes == {o.credit_code for o in register}
    assert other.credit_code not in codes
    response = client.get("/api/v1/coverage/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_filters_reach_the_export(client, world, register):
    filters = CoverageFilters(at=D(2022, 3, 1))
    assert filters.at < register[1].registered_on
    workbook = load_workbook(
        io.BytesIO(export(client, world.users["committee_staff"], "?at=2022-03-01"))
    )
    codes = [row[0] for row in workbook["Register"].iter_rows(min_row=2, values_only=True)]
    assert codes == [register[0].credit_code]


def test_a_register_exported_in_one_language_imports_in_another(client, world, register):
    staff = world.users["committee_staff"]
    client.force_login(staff)
    data = client.get("/coverage/export.xlsx", headers={"accept-language": "zh-hans"}).content
    before = counts()
    result = import_register(
        actor=staff, upload=SimpleUploadedFile("export.xlsx", data), on=dt.date.today()
    )
    assert (result.changed, result.unchanged) == (0, 2)
    assert counts() == before


#: Towns (by code) each role may import rows into: the ``update`` rule of the policy.
IMPORT_MATRIX = {
    "superuser": {"OWN", "CHILD", "SIB", "OTHER"},
    "committee_staff": {"OWN", "CHILD", "SIB"},
    "unit_officer": {"OWN", "CHILD"},
}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_import_permission_matrix(world, role):
    from django.core.exceptions import PermissionDenied

    user = user_of(world, role)
    allowed = set()
    for town in ("OWN", "CHILD", "SIB", "OTHER"):
        upload = xlsx([HEADER, [credit_code(), f"In {town}", "private", town, D(2020, 1, 1)]])
        try:
            import_register(actor=user, upload=upload, on=ON)
        except (ImportFailed, PermissionDenied):
            continue
        allowed.add(town)
    assert allowed == IMPORT_MATRIX.get(role, set())


def test_an_inactive_superuser_keeps_no_register(world):
    """A deactivated account imports into no town, as every policy answers for it."""
    from django.core.exceptions import PermissionDenied

    user = world.users["superuser"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not editable_towns(user).exists()
    upload = xlsx([HEADER, [credit_code(), "In OWN", "private", "OWN", D(2020, 1, 1)]])
    with pytest.raises(PermissionDenied):
        import_register(actor=user, upload=upload, on=ON)


def test_the_export_takes_a_fixed_number_of_queries(
    client, world, register, django_assert_num_queries
):
    client.force_login(world.users["committee_staff"])
    client.get("/coverage/export.xlsx")
    with django_assert_num_queries(7):
        client.get("/coverage/export.xlsx")
    for n in range(4):
        organization(world.sibling, name=f"More {n}")
    with django_assert_num_queries(7):
        client.get("/coverage/export.xlsx")


# --- in the background ------------------------------------------------------------


def test_a_large_csv_file_is_imported_by_the_job_worker(client, world, settings, tmp_path):
    """A file over IMPORT_BACKGROUND_BYTES (a CSV file declares no rows) goes to the job
    worker; the job's page shows the register's own counts once it has run."""
    from django.urls import reverse

    from pacesetter.imports.models import ImportJob, JobState
    from pacesetter.imports.services import job_run

    settings.IMPORT_BACKGROUND_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    code = credit_code()
    text = f"credit_code;name;kind;town;registered_on\n{code};花都皮具;private;OWN;2021-03-04\n"
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("coverage:register_import"), {"file": csv_file(text), "on": "2025-03-01"}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.params == {"on": "2025-03-01"}
    assert job.rows_declared == 0 and not Organization.objects.filter(credit_code=code).exists()
    assert job_run(job.pk) == JobState.SUCCEEDED
    assert Organization.objects.get(credit_code=code).registered_on == D(2021, 3, 4)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "1 organization registered." in page and "0 organizations changed." in page


def test_a_large_file_sent_to_the_api_is_a_202_with_the_job_to_follow(world, settings, tmp_path):
    """Over the API too a large file goes to the job worker: 202 with the job, then
    /api/v1/imports/{id} shows it waiting, then the register's counts; nobody else reads
    the job."""
    from pacesetter.imports.models import ImportJob, JobState
    from pacesetter.imports.services import job_run
    from pacesetter.testing.api import ApiClient

    settings.IMPORT_BACKGROUND_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    code = credit_code()
    text = f"credit_code;name;kind;town;registered_on\n{code};花都皮具;private;OWN;2021-03-04\n"
    api = ApiClient(world.users["committee_staff"])
    response = api.upload("/coverage/import", {"file": csv_file(text), "on": "2025-03-01"})
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert response.json()["id"] == job.pk and job.params == {"on": "2025-03-01"}
    assert not Organization.objects.filter(credit_code=code).exists()
    waiting = api.get(f"/imports/{job.pk}").json()
    assert (waiting["state"], waiting["stalled"], waiting["result"]) == ("waiting", False, {})

    assert job_run(job.pk) == JobState.SUCCEEDED
    done = api.get(f"/imports/{job.pk}").json()
    assert done["state"] == "succeeded" and done["result"]["saved"] == 1
    assert [item["id"] for item in api.get("/imports").json()["items"]] == [job.pk]
    other = ApiClient(world.users["unit_officer"])
    assert other.get(f"/imports/{job.pk}").status_code == 404
    assert other.get("/imports").json()["count"] == 0
    assert ApiClient().get(f"/imports/{job.pk}").status_code == 401


def test_the_api_refuses_an_import_from_a_user_who_keeps_no_register(world, settings, tmp_path):
    """Refused before anything is stored, a large file as a small one."""
    from pacesetter.imports.models import ImportJob
    from pacesetter.testing.api import ApiClient

    settings.IMPORT_BACKGROUND_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    text = f"credit_code;name;kind;town;registered_on\n{credit_code()};X;private;OWN;2021-03-04\n"
    response = ApiClient(world.users["viewer"]).upload("/coverage/import", {"file": csv_file(text)})
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and not list(tmp_path.rglob("*.csv"))
