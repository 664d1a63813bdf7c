"""Excel import and export: templates round-trip, every error is located and nothing is
saved, exports open in openpyxl and follow the screens' visibility rules."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pacesetter.campaigns.models import CampaignState
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    participant_add,
    review_point_add,
)
from pacesetter.scoring.models import Criterion, Registration, TableState
from pacesetter.scoring.selectors import ranking
from pacesetter.scoring.services import item_report, table_create
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.units.tests.factories import UnitFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers --------------------------------------------------------------------------


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def upload(client, url, workbook, name="data.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(url, {"file": SimpleUploadedFile(name, buffer.getvalue(), XLSX)})


def headers(sheet, row=1):
    return {cell.value: cell.column for cell in sheet[row] if cell.value}


def set_cell(sheet, row, header, value):
    sheet.cell(row=row, column=headers(sheet)[header], value=value)


def find_row(sheet, **wanted):
    cols = headers(sheet)
    for row in range(2, sheet.max_row + 1):
        if all(sheet.cell(row=row, column=cols[k]).value == v for k, v in wanted.items()):
            return row
    raise AssertionError(f"no row with {wanted}")


def errors_of(response):
    return [str(e) for e in response.context["errors"]]


@pytest.fixture
def registering(world):
    """A campaign in registration (no pact signed) with Cluster A's two units."""
    table, criteria = build_table(world.committee, year=2025)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="EMU-2025",
        name="Emulation 2025",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        scoring_table=table,
    )
    cluster_join(actor=None, campaign=campaign, cluster=world.cluster)
    review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="6-month review",
        period_end=dt.date(2025, 6, 30),
        due=dt.date(2025, 7, 15),
    )
    campaign = campaign_transition(
        actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION
    )
    campaign.c = criteria
    return campaign


# --- scoring table --------------------------------------------------------------------


@pytest.fixture
def draft_table(world):
    return table_create(actor=None, owner_unit=world.committee, name="Next table", year=2025)


def fill_table(sheet, rows):
    cols = headers(sheet)
    for r, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=r, column=cols[header], value=value)


def test_table_template_round_trip(client, world, draft_table):
    client.force_login(world.users["committee_staff"])
    workbook = download(client, reverse("scoring:table_template"))
    assert workbook.sheetnames == ["Criteria", "Help"]
    assert list(headers(workbook["Criteria"])) == [
        "code",
        "parent_code",
        "title_en",
        "kind",
        "max_points",
        "direction",
        "method",
        "points_per_item",
        "measure_en",
        "zero_target",
        "guidance_en",
        "title_vi",
        "title_zh_hans",
        "measure_vi",
        "measure_zh_hans",
        "guidance_vi",
        "guidance_zh_hans",
    ]
    help_values = {row[1] for row in workbook["Help"].iter_rows(values_only=True)}
    assert {"quantitative", "target_half_best_full", "lower", "pass_fail"} <= help_values
    fill_table(
        workbook["Criteria"],
        [
            {"code": "G1", "title_en": "Production", "kind": "group", "max_points": 60},
            {
                "code": "Q1",
                "parent_code": "G1",
                "title_en": "Revenue",
                "kind": "quantitative",
                "max_points": "30,5",
                "method": "target_half_best_full",
                "direction": "higher",
                "measure_en": "billion VND",
            },
            {
                "code": "B1",
                "title_en": "Awards",
                "kind": "Bonus",
                "max_points": 5,
                "points_per_item": 1,
            },
        ],
    )
    response = upload(client, reverse("scoring:table_import", args=[draft_table.pk]), workbook)
    assert response.status_code == 200
    assert response.context["errors"] == []
    assert response.context["result"].saved == 3
    criteria = {c.code: c for c in draft_table.criteria.select_related("parent")}
    assert list(draft_table.criteria.order_by("position").values_list("code", flat=True)) == [
        "G1",
        "Q1",
        "B1",
    ]
    assert criteria["Q1"].parent == criteria["G1"]
    assert criteria["Q1"].max_points == D("30.50")
    assert criteria["Q1"].method == "target_half_best_full"
    assert criteria["B1"].kind == "bonus" and criteria["B1"].points_per_item == D(1)


def test_table_errors_name_sheet_row_and_column_and_nothing_is_saved(client, world, draft_table):
    client.force_login(world.users["committee_staff"])
    workbook = download(client, reverse("scoring:table_template"))
    fill_table(
        workbook["Criteria"],
        [
            {"code": "G1", "title_en": "Production", "kind": "group", "max_points": 10},
            {
                "code": "Q1",
                "parent_code": "G1",
                "title_en": "Revenue",
                "kind": "quantitative",
                "max_points": "abc",
            },
            {
                "code": "Q2",
                "parent_code": "G1",
                "title_en": "Budget",
                "kind": "quantity",
                "max_points": 5,
            },
            {
                "code": "Q3",
                "parent_code": "G1",
                "title_en": "Income",
                "kind": "quantitative",
                "max_points": 20,
            },
            {
                "code": "C1",
                "parent_code": "ZZ",
                "title_en": "Initiatives",
                "kind": "count",
                "max_points": 5,
                "points_per_item": 1,
            },
        ],
    )
    response = upload(client, reverse("scoring:table_import", args=[draft_table.pk]), workbook)
    errors = errors_of(response)
    assert "Sheet “Criteria”, row 3, column E (max_points): enter a number." in errors
    assert any(e.startswith("Sheet “Criteria”, row 4, column D (kind): “quantity”") for e in errors)
    # The service's own check (group maximum exceeded) lands on the row and column too.
    assert any(e.startswith("Sheet “Criteria”, row 5, column E (max_points): ") for e in errors)
    assert any(e.startswith("Sheet “Criteria”, row 6, column B (parent_code): ") for e in errors)
    assert not draft_table.criteria.exists()
    assert "Nothing was saved" in response.content.decode()


def test_table_import_needs_update_permission_and_a_draft(client, world, draft_table):
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:table_import", args=[draft_table.pk])
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.users["committee_staff"])
    draft_table.state = TableState.ADOPTED
    draft_table.save()
    workbook = download(client, reverse("scoring:table_template"))
    fill_table(workbook["Criteria"], [{"code": "X", "title_en": "X", "kind": "veto"}])
    response = upload(client, url, workbook)
    assert errors_of(response) == ["The table is adopted and locked; clone it to change it."]


# --- targets --------------------------------------------------------------------------


def test_targets_template_round_trip(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    sheet = workbook["Targets"]
    assert list(headers(sheet)) == [
        "unit_code",
        "unit_name",
        "criterion_code",
        "criterion_title",
        "target",
        "not_assigned",
        "note",
    ]
    # One row per unit the officer registers for (own only) and quantitative criterion.
    rows = [r[:3] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [("OWN", "Own unit", "Q1"), ("OWN", "Own unit", "Q2")]
    set_cell(sheet, find_row(sheet, criterion_code="Q1"), "target", "1.234,5")
    set_cell(sheet, find_row(sheet, criterion_code="Q2"), "not_assigned", "yes")
    set_cell(sheet, find_row(sheet, criterion_code="Q2"), "note", "No budget duty")
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert response.context["errors"] == []
    assert response.context["result"].saved == 2
    q1 = Registration.objects.get(campaign=registering, unit=world.own, criterion__code="Q1")
    q2 = Registration.objects.get(campaign=registering, unit=world.own, criterion__code="Q2")
    assert q1.target == D("1234.5")
    assert q2.not_assigned and q2.note == "No budget duty"
    # The template now shows what is registered; uploading it again changes nothing.
    again = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    assert again["Targets"].cell(row=2, column=5).value == 1234.5
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), again)
    assert response.context["result"].saved == 0
    assert response.context["result"].unchanged == 2


def test_a_bad_number_on_row_3_saves_nothing_not_even_row_2(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    sheet = workbook["Targets"]
    set_cell(sheet, 2, "target", 100)
    set_cell(sheet, 3, "target", "twelve")
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert errors_of(response) == ["Sheet “Targets”, row 3, column E (target): enter a number."]
    assert response.context["result"] is None
    assert not Registration.objects.filter(campaign=registering).exists()


def test_a_service_error_is_located_and_rolls_back_earlier_rows(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    sheet = workbook["Targets"]
    set_cell(sheet, 2, "target", 100)
    set_cell(sheet, 3, "target", -5)
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert errors_of(response) == [
        "Sheet “Targets”, row 3, column E (target): Enter a number that is not negative."
    ]
    assert not Registration.objects.filter(campaign=registering).exists()


def test_another_units_rows_are_refused(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    sheet = workbook["Targets"]
    set_cell(sheet, 2, "target", 100)
    sheet.append(["SIB", "Sibling unit", "Q1", "Revenue", 999, None, None])
    sheet.append(["NOPE", "Unknown", "ZZ", "?", 1, None, None])
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    errors = errors_of(response)
    assert errors[0] == (
        "Sheet “Targets”, row 4, column A (unit_code): “SIB” is not a participating unit "
        "you may register targets for."
    )
    assert errors[1].startswith("Sheet “Targets”, row 5, column A (unit_code): “NOPE”")
    assert errors[2].startswith("Sheet “Targets”, row 5, column C (criterion_code): “ZZ”")
    assert not Registration.objects.filter(campaign=registering).exists()


def test_a_missing_header_is_named(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Targets"
    sheet.append(["unit_code", "criterion_code", "note"])
    sheet.append(["OWN", "Q1", "x"])
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert errors_of(response) == [
        "Sheet “Targets”: the column “target” is missing from the header row."
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("targets.csv", b"unit_code;target\nOWN;1\n", "Upload an Excel workbook"),
        ("targets.xlsx", b"this is not a workbook", "could not be opened as an Excel workbook"),
    ],
)
def test_non_xlsx_uploads_are_refused(client, world, registering, name, content, message):
    client.force_login(world.users["unit_officer"])
    response = client.post(
        reverse("scoring:targets_import", args=[registering.pk]),
        {"file": SimpleUploadedFile(name, content, "text/plain")},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Registration.objects.filter(campaign=registering).exists()


def test_files_over_the_limit_are_refused(client, world, registering, settings):
    settings.SPREADSHEET_MAX_BYTES = 100
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert "the limit is" in " ".join(response.context["form"].errors["file"])


def test_targets_need_a_unit_to_register_for(client, world, registering):
    client.force_login(world.users["viewer"])
    assert client.get(reverse("scoring:targets_template", args=[registering.pk])).status_code == 403
    assert client.get(reverse("scoring:targets_import", args=[registering.pk])).status_code == 403


def test_a_note_like_a_formula_reads_back_unchanged_from_the_targets_template(
    client, world, registering
):
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:targets_template", args=[registering.pk])
    import_url = reverse("scoring:targets_import", args=[registering.pk])
    workbook = download(client, url)
    set_cell(workbook["Targets"], 2, "target", 10)
    set_cell(workbook["Targets"], 2, "note", "=1+1")
    workbook["Targets"]["G2"].data_type = "s"  # typed as '=1+1, so text
    assert errors_of(upload(client, import_url, workbook)) == []
    assert Registration.objects.get(campaign=registering, criterion__code="Q1").note == "=1+1"
    again = download(client, url)
    note = again["Targets"]["G2"]
    assert note.data_type == "s" and note.quotePrefix and note.value == "=1+1"
    response = upload(client, import_url, again)
    assert response.context["result"].saved == 0  # the note did not become "2"


def test_a_target_formula_is_refused(client, world, registering):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    set_cell(workbook["Targets"], 2, "target", 100)
    set_cell(workbook["Targets"], 3, "target", "=2*50")
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert errors_of(response)[0].startswith(
        "Sheet “Targets”, row 3, column E (target): the cell holds a formula (=2*50)"
    )
    assert not Registration.objects.filter(campaign=registering).exists()


# --- actuals --------------------------------------------------------------------------


def test_actuals_template_round_trip(client, world, scoring):
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:actuals_template", args=[scoring.h1.pk])
    workbook = download(client, url)
    sheet = workbook["Actuals"]
    assert list(headers(sheet)) == [
        "unit_code",
        "unit_name",
        "criterion_code",
        "criterion_title",
        "kind",
        "actual",
        "count",
        "met",
        "explanation",
    ]
    rows = [r[:3:2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [("OWN", code) for code in ("Q1", "Q2", "P1", "C1", "B1", "N1", "V1")]
    set_cell(sheet, find_row(sheet, criterion_code="Q1"), "actual", "50")
    set_cell(sheet, find_row(sheet, criterion_code="Q1"), "explanation", "Half way")
    set_cell(sheet, find_row(sheet, criterion_code="C1"), "count", 2)
    set_cell(sheet, find_row(sheet, criterion_code="P1"), "met", "yes")
    response = upload(client, reverse("scoring:actuals_import", args=[scoring.h1.pk]), workbook)
    assert response.context["errors"] == []
    assert response.context["result"].saved == 3
    q1 = scoring.item(world.own, "Q1")
    assert q1.actual == D(50) and q1.computed == D("15.00") and q1.explanation == "Half way"
    assert q1.events.filter(action="report").count() == 1
    assert scoring.item(world.own, "C1").count == 2
    assert scoring.item(world.own, "P1").passed is True
    # Unchanged rows are not reported again.
    again = download(client, url)
    response = upload(client, reverse("scoring:actuals_import", args=[scoring.h1.pk]), again)
    assert response.context["result"].saved == 0
    assert scoring.item(world.own, "Q1").events.count() == 1


def test_actual_errors_are_located_and_nothing_is_saved(client, world, scoring):
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:actuals_template", args=[scoring.h1.pk]))
    sheet = workbook["Actuals"]
    set_cell(sheet, find_row(sheet, criterion_code="Q1"), "actual", 50)
    set_cell(sheet, find_row(sheet, criterion_code="Q2"), "actual", -1)
    set_cell(sheet, find_row(sheet, criterion_code="C1"), "count", "2,5")
    set_cell(sheet, find_row(sheet, criterion_code="P1"), "actual", 3)
    set_cell(sheet, find_row(sheet, criterion_code="V1"), "met", "maybe")
    sheet.append(["SIB", "Sibling unit", "Q1", "Revenue", "quantitative", 10])
    response = upload(client, reverse("scoring:actuals_import", args=[scoring.h1.pk]), workbook)
    errors = errors_of(response)
    assert errors == [
        "Sheet “Actuals”, row 4, column F (actual): this criterion is reported in the "
        "“met” column; leave this one empty.",
        "Sheet “Actuals”, row 5, column G (count): enter a whole number.",
        "Sheet “Actuals”, row 8, column H (met): enter yes or no.",
        "Sheet “Actuals”, row 9, column A (unit_code): “SIB” is not a unit you may report "
        "for at this review point.",
        "Sheet “Actuals”, row 3, column F (actual): Enter a number that is not negative.",
    ]
    assert scoring.item(world.own, "Q1").actual is None
    assert not scoring.item(world.own, "Q1").events.exists()


# --- exports --------------------------------------------------------------------------


def report(scoring, unit, code, **values):
    item = scoring.item(unit, code)
    return item_report(actor=None, item=item, version=item.version, **values)


def test_ranking_export_has_the_rows_in_rank_order(client, world, scoring):
    report(scoring, world.own, "Q1", actual=D(50))
    report(scoring, world.sibling, "Q1", actual=D(200))
    report(scoring, scoring.third, "Q1", actual=D(60))
    client.force_login(world.users["committee_staff"])
    workbook = download(client, reverse("scoring:ranking_xlsx", args=[scoring.h1.pk]))
    sheet = workbook.active
    assert sheet["A1"].value == "Emulation 2024"
    assert sheet.freeze_panes == "A6"
    assert sheet["A5"].font.bold
    data = list(sheet.iter_rows(min_row=6, values_only=True))
    assert [(r[0], r[2]) for r in data] == [(1, "SIB"), (2, "THIRD"), (3, "OWN")]
    expected = [r["unit_code"] for r in ranking(scoring.h1)]
    assert [r[2] for r in data] == expected
    sibling = data[0]
    assert sibling[10] == 30  # total
    assert sibling[11] == pytest.approx(0.30)  # 30 of 100 base points, as a fraction
    assert sheet.cell(row=6, column=12).number_format == "0.00%"
    assert "Emulation 2024" in workbook.properties.title


def test_ranking_export_follows_the_ranking_screen_rules(client, world, scoring):
    url = reverse("scoring:ranking_xlsx", args=[scoring.h1.pk])
    client.force_login(world.users["unit_officer"])
    assert client.get(url).status_code == 404  # not published yet
    client.force_login(world.users["cluster_leader"])
    workbook = download(client, url)
    assert len(list(workbook.active.iter_rows(min_row=6))) == 3
    client.force_login(world.users["nobody"])
    assert client.get(url).status_code == 404


def test_score_sheet_export_and_another_units_sheet_is_404(client, world, scoring):
    report(scoring, world.own, "Q1", actual=D(50))
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.own.pk]))
    sheet = workbook.active
    header = [c.value for c in sheet[5]]
    assert header[:4] == ["Code", "Criterion", "Maximum", "Target"]
    data = list(sheet.iter_rows(min_row=6, values_only=True))
    assert [r[0] for r in data] == ["Q1", "Q2", "P1", "C1", "B1", "N1", "V1"]
    q1 = data[0]
    assert q1[3] == 100 and q1[4] == 50 and q1[7] == 15  # target, actual, computed
    assert sheet.cell(row=6, column=3).number_format == "#,##0.00"
    other = reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.sibling.pk])
    assert client.get(other).status_code == 404
    pick = reverse("scoring:sheet_xlsx_pick", args=[scoring.h1.pk])
    response = client.get(pick, {"unit": world.own.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.own.pk])


def test_excel_home_links_what_the_user_may_use(client, world, scoring):
    url = reverse("scoring:excel_home", args=[scoring.campaign.pk])
    client.force_login(world.users["unit_officer"])
    page = client.get(url).content.decode()
    assert reverse("scoring:actuals_import", args=[scoring.h1.pk]) in page
    assert reverse("scoring:targets_template", args=[scoring.campaign.pk]) in page
    assert reverse("scoring:targets_import", args=[scoring.campaign.pk]) not in page  # running
    assert reverse("scoring:ranking_xlsx", args=[scoring.h1.pk]) not in page
    assert reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.own.pk]) in page
    assert reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.sibling.pk]) not in page
    client.force_login(world.users["committee_staff"])
    page = client.get(url).content.decode()
    assert reverse("scoring:ranking_xlsx", args=[scoring.h1.pk]) in page
    assert reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.sibling.pk]) in page
    client.force_login(world.users["nobody"])
    assert client.get(url).status_code == 404


def test_excel_home_and_targets_template_queries_do_not_grow(
    client, world, registering, django_assert_max_num_queries
):
    client.force_login(world.users["committee_staff"])
    urls = [
        reverse("scoring:excel_home", args=[registering.pk]),
        reverse("scoring:targets_template", args=[registering.pk]),
    ]

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    small = counts()
    for n in range(6):
        unit = UnitFactory(code=f"EXTRA{n}", parent=world.root)
        participant_add(actor=None, campaign=registering, unit=unit)
    for url, bound in zip(urls, small, strict=True):
        with django_assert_max_num_queries(bound):
            client.get(url)


def test_criteria_created_by_import_are_usable_by_the_services(client, world, draft_table):
    """A table imported from Excel adopts like one built on screen."""
    from pacesetter.scoring.services import table_adopt

    client.force_login(world.users["committee_staff"])
    workbook = download(client, reverse("scoring:table_template"))
    fill_table(
        workbook["Criteria"],
        [
            {"code": "G1", "title_en": "Production", "kind": "group", "max_points": 30},
            {
                "code": "P1",
                "parent_code": "G1",
                "title_en": "Safe",
                "kind": "pass_fail",
                "max_points": 30,
            },
        ],
    )
    upload(client, reverse("scoring:table_import", args=[draft_table.pk]), workbook)
    table_adopt(actor=None, table=draft_table)
    assert Criterion.objects.filter(table=draft_table).count() == 2


def test_ranking_export_filters_keep_the_whole_clusters_ranks(client, world, scoring):
    report(scoring, world.own, "Q1", actual=D(50))
    report(scoring, world.sibling, "Q1", actual=D(200))
    client.force_login(world.users["committee_staff"])
    url = reverse("scoring:ranking_xlsx", args=[scoring.h1.pk])
    workbook = download(client, f"{url}?cluster={world.cluster.pk}&unit_type=x")
    assert len(list(workbook.active.iter_rows(min_row=6))) == 3
    own_type = world.own.unit_type_id
    workbook = download(client, f"{url}?unit_type={own_type}")
    data = list(workbook.active.iter_rows(min_row=6, values_only=True))
    assert [(r[1], r[2]) for r in data] == [(1, "SIB"), (2, "OWN"), (3, "THIRD")]
