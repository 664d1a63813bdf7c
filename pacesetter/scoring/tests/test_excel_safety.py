"""Spreadsheet safety at the level of the user: every workbook the platform writes keeps
text that looks like a formula as text (and it reads back unchanged), and every import
refuses formulas, numbers its column cannot hold, and sheets over the limits, by sheet,
row and column, saving nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import Workbook

from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.clusters.models import Cluster
from pacesetter.core.spreadsheets import FORMULA_STARTS
from pacesetter.scoring.models import Criterion, Registration, ScoringTable
from pacesetter.scoring.services import criterion_add, item_report, table_create
from pacesetter.scoring.tests.test_excel import (
    download,
    errors_of,
    find_row,
    set_cell,
    upload,
)
from pacesetter.units.models import Unit, UnitType

HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = [HYPERLINK, "+1", "-1+2", "@SUM(A1)", "＝1+1", "\t=1"]


def formula_cells(workbook):
    """Cells a spreadsheet program would evaluate: formulas, or text starting like one
    without the quote prefix that keeps it text."""
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (
                    isinstance(value, str)
                    and value.startswith(FORMULA_STARTS)
                    and not cell.quotePrefix
                ):
                    found.append(f"{sheet.title}!{cell.coordinate}: {value!r}")
    return found


def texts(workbook):
    return {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


@pytest.fixture
def hostile(world, scoring):
    """Every name a user types, in the campaign the workbooks are made of, is hostile."""
    Campaign.objects.filter(pk=scoring.campaign.pk).update(name_en=HYPERLINK)
    ReviewPoint.objects.filter(pk=scoring.h1.pk).update(name_en="@SUM(A1)")
    Unit.objects.filter(pk=world.own.pk).update(name_en=HYPERLINK)
    Unit.objects.filter(pk=world.sibling.pk).update(name_en="+1")
    Unit.objects.filter(pk=scoring.third.pk).update(name_en="-1+2")
    UnitType.objects.filter(pk=world.own.unit_type_id).update(name_en="＝1+1")
    Cluster.objects.filter(pk=world.cluster.pk).update(name_en="\t=1")
    ScoringTable.objects.filter(pk=scoring.table.pk).update(name_en="-1+2")
    Criterion.objects.filter(pk=scoring.c["Q1"].pk).update(title_en="@SUM(A1)", measure_en="+1")
    Criterion.objects.filter(pk=scoring.c["Q2"].pk).update(title_en=HYPERLINK)
    Registration.objects.filter(unit=world.own, criterion=scoring.c["Q1"]).update(note="=1+1")
    item = scoring.item(world.own, "Q1")
    item_report(actor=None, item=item, version=item.version, actual=D(50), explanation=HYPERLINK)
    scoring.h1.refresh_from_db()
    return scoring


def test_no_workbook_the_platform_writes_holds_a_formula(client, world, hostile):
    h1 = hostile.h1
    client.force_login(world.users["committee_staff"])
    workbooks = {
        "table": download(client, reverse("scoring:table_template") + f"?table={hostile.table.pk}"),
        "targets": download(
            client, reverse("scoring:targets_template", args=[hostile.campaign.pk])
        ),
        "ranking": download(client, reverse("scoring:ranking_xlsx", args=[h1.pk])),
        "sheet": download(client, reverse("scoring:sheet_xlsx", args=[h1.pk, world.own.pk])),
    }
    client.force_login(world.users["unit_officer"])
    workbooks["actuals"] = download(client, reverse("scoring:actuals_template", args=[h1.pk]))
    for name, workbook in workbooks.items():
        assert formula_cells(workbook) == [], name
    written = set().union(*(texts(w) for w in workbooks.values()))
    for text in HOSTILE:  # the names are there, as typed
        assert any(t.startswith(text) for t in written), text
    assert HYPERLINK in texts(workbooks["actuals"])  # unit name and explanation
    assert "=1+1" in texts(workbooks["targets"])  # the note


def test_a_criterion_named_like_a_formula_survives_export_and_import(client, world):
    """The template of a table, imported into a new draft, keeps the titles as typed."""
    source = table_create(actor=None, owner_unit=world.committee, name="Source", year=2025)
    group = criterion_add(
        actor=None, table=source, code="G1", title=HYPERLINK, kind="group", max_points=10
    )
    criterion_add(
        actor=None,
        table=source,
        code="Q1",
        parent=group,
        title="-1+2",
        kind="pass_fail",
        max_points=10,
        guidance="@SUM(A1)",
    )
    client.force_login(world.users["committee_staff"])
    exported = download(client, reverse("scoring:table_template") + f"?table={source.pk}")
    assert formula_cells(exported) == []
    copy = table_create(actor=None, owner_unit=world.committee, name="Copy", year=2025)
    response = upload(client, reverse("scoring:table_import", args=[copy.pk]), exported)
    assert errors_of(response) == []
    titles = dict(copy.criteria.values_list("code", "title_en"))
    assert titles == {"G1": HYPERLINK, "Q1": "-1+2"}
    assert copy.criteria.get(code="Q1").guidance == "@SUM(A1)"


# --- imports refuse what they cannot read as typed ------------------------------------


@pytest.fixture
def actuals(client, world, scoring):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:actuals_template", args=[scoring.h1.pk]))
    workbook.url = reverse("scoring:actuals_import", args=[scoring.h1.pk])
    return workbook


def nothing_reported(scoring, world):
    return not any(
        scoring.item(world.own, code).events.exists() for code in ("Q1", "Q2", "C1", "P1")
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "=1+1",
            "the cell holds a formula (=1+1), and an import reads values only. Type the value, "
            "or copy the cells and paste them as values.",
        ),
        (1e30, "the number is too large; the largest allowed is 9999999999999999.9999."),
        ("1e30", "enter a number."),
        (1e-30, "use at most 4 decimal places; round the number (1E-30)."),
        (0.00001, "use at most 4 decimal places; round the number (0.00001)."),
    ],
)
def test_an_actual_the_column_cannot_hold_is_refused_and_nothing_is_saved(
    client, world, scoring, actuals, value, message
):
    sheet = actuals["Actuals"]
    set_cell(sheet, find_row(sheet, criterion_code="C1"), "count", 2)  # a good row, not saved
    row = find_row(sheet, criterion_code="Q1")
    set_cell(sheet, row, "actual", value)
    response = upload(client, actuals.url, actuals)
    assert response.status_code == 200
    assert errors_of(response) == [f"Sheet “Actuals”, row {row}, column F (actual): {message}"]
    assert response.context["result"] is None
    assert scoring.item(world.own, "Q1").actual is None
    assert nothing_reported(scoring, world)
    assert "Nothing was saved" in response.content.decode()


def test_a_count_formula_is_refused_too(client, world, scoring, actuals):
    sheet = actuals["Actuals"]
    row = find_row(sheet, criterion_code="C1")
    set_cell(sheet, row, "count", "=SUM(1,2)")
    set_cell(sheet, row, "explanation", "=A1")  # a formula anywhere the import reads
    errors = errors_of(upload(client, actuals.url, actuals))
    assert [e.split(":")[0] for e in errors] == [
        f"Sheet “Actuals”, row {row}, column G (count)",
        f"Sheet “Actuals”, row {row}, column I (explanation)",
    ]
    assert nothing_reported(scoring, world)


# --- limits ---------------------------------------------------------------------------


def rezip(workbook, edit):
    """The workbook's bytes with ``edit(xml)`` applied to its first sheet's XML."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            target.writestr(info, data)
    return out.getvalue()


def post_bytes(client, url, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile("data.xlsx", content)})


def with_rows(actuals, n):
    sheet = actuals["Actuals"]
    for i in range(n):
        sheet.append(["OWN", None, "Q1", None, None, i])
    return actuals


def test_a_sheet_over_the_row_limit_is_refused_saying_the_limit(
    client, world, scoring, actuals, settings
):
    settings.SPREADSHEET_MAX_ROWS = 20
    set_cell(actuals["Actuals"], 2, "actual", 10)
    response = upload(client, actuals.url, with_rows(actuals, 20))
    assert errors_of(response) == [
        "Sheet “Actuals”: the sheet has more than 20 rows, the most an import reads. Split it "
        "into several files, or delete the empty rows below the data."
    ]
    assert nothing_reported(scoring, world)


def test_the_declared_size_is_checked_before_reading_and_a_false_one_is_not_trusted(
    client, world, scoring, actuals, settings
):
    settings.SPREADSHEET_MAX_ROWS = 20
    with_rows(actuals, 5)  # rows 9 to 13, all duplicates of row 2's Q1

    def declare(ref):
        return lambda xml: xml.replace('<dimension ref="A1:I13"/>', f'<dimension ref="{ref}"/>')

    # A sheet claiming a million rows is refused before its rows are parsed...
    huge = rezip(actuals, declare("A1:XFD1048576"))
    response = post_bytes(client, actuals.url, huge)
    assert errors_of(response)[0].startswith("Sheet “Actuals”: the sheet has more than 20 rows")
    # ...and one claiming two rows is read to its end (rows past the claim are not lost).
    small = rezip(actuals, declare("A1:I2"))
    errors = errors_of(post_bytes(client, actuals.url, small))
    assert any(e.startswith("Sheet “Actuals”, row 13, column C (criterion_code)") for e in errors)
    assert nothing_reported(scoring, world)


def test_data_beyond_the_column_limit_and_the_cells_limit_are_refused(
    client, world, scoring, actuals, settings
):
    settings.SPREADSHEET_MAX_COLUMNS = 12
    actuals["Actuals"].cell(row=3, column=13, value="stray")
    errors = errors_of(upload(client, actuals.url, actuals))
    assert errors == [
        "Sheet “Actuals”: the sheet has data beyond column L; an import reads at most 12 columns."
    ]
    settings.SPREADSHEET_MAX_COLUMNS = 50
    settings.SPREADSHEET_MAX_CELLS = 30
    errors = errors_of(upload(client, actuals.url, actuals))
    assert errors == [
        "Sheet “Actuals”: the sheet has more than 30 cells, the most an import reads. Split "
        "it into several files."
    ]
    assert nothing_reported(scoring, world)


def test_a_workbook_that_unpacks_too_large_is_refused(client, world, scoring, settings):
    settings.SPREADSHEET_MAX_UNZIPPED_BYTES = 2000
    client.force_login(world.users["unit_officer"])
    workbook = Workbook()
    workbook.active.title = "Actuals"
    workbook.active.append(["unit_code", "criterion_code", "actual", "count", "met"])
    workbook.active.append(["OWN", "Q1", 1, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post_bytes(
        client, reverse("scoring:actuals_import", args=[scoring.h1.pk]), buffer.getvalue()
    )
    message = " ".join(response.context["form"].errors["file"])
    assert "once unpacked; the limit is 2.0" in message
    assert scoring.item(world.own, "Q1").actual is None


def test_the_upload_form_states_the_limits(client, world, scoring, settings):
    settings.SPREADSHEET_MAX_ROWS = 1234
    client.force_login(world.users["unit_officer"])
    page = client.get(reverse("scoring:actuals_import", args=[scoring.h1.pk])).content.decode()
    assert "Up to 5.0\xa0MB and 1234 rows." in page
