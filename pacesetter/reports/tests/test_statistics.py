"""The statutory statistics (reports/statistics): worked examples where each figure equals
the records behind it, the layout version in force by year, the .xlsx read back, the
permission scope, the screen's query count and the API.

The Province (the world's root) reports for 2024:

- campaigns: "BODY" (the committee's movement, January to December 2024: the body's level, scope and
  column, one year, regular); "CLUS" (the own unit's special action of three months, run
  in Cluster A: the unit's level, cluster scope, under a year, thematic); "NATL" (a
  central council's five-year movement, 2022 to 2026); a draft campaign and one of the
  other root, both left out; "OLD" (2022 only) counted for 2022, not for 2024;
- grants of 2024: the Government Emulation Flag to the own unit (collective), through a
  proposal from the review point of "BODY" (regular); the Provincial Emulation Fighter to
  a person of the sibling unit (individual, outside any proposal); a revoked grant, one
  of 2023 and one to the other root's unit, all left out;
- the register of Town T: a private enterprise with a standalone party organization
  and a union, a foreign-invested one with neither, and one deregistered in October 2024
  (left out at the year's end).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacesetter.awards.models import AwardGrant, AwardLevel, Proposal, RecipientKind
from pacesetter.awards.tests.factories import (
    AwardFactory,
    AwardGrantFactory,
    PersonFactory,
    ProposalFactory,
)
from pacesetter.campaigns.models import Campaign, CampaignState
from pacesetter.campaigns.services import campaign_create, participant_add, review_point_add
from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.models import CoverageKind
from pacesetter.coverage.services import building_record, status_record
from pacesetter.coverage.tests.factories import organization
from pacesetter.reports.statistics.layouts import (
    LAYOUT_DIR,
    all_layouts,
    layout_in_force,
    read_layout,
)
from pacesetter.reports.statistics.selectors import cell_records, form_figures
from pacesetter.testing.shared import register, shared
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _campaign(organizer: Any, code: str, start: dt.date, end: dt.date, **fields: Any) -> Campaign:
    campaign = campaign_create(
        actor=None, organizer=organizer, code=code, name=code, start=start, end=end, **fields
    )
    return campaign


def _running(*campaigns: Campaign) -> None:
    # Their state is all the statistics read of the campaigns' workflow.
    Campaign.objects.filter(pk__in=[c.pk for c in campaigns]).update(state=CampaignState.RUNNING)


def build_statistics(world: Any) -> dict[str, Any]:
    y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    body = _campaign(world.committee, "BODY", *y24)
    clus = _campaign(
        world.own,
        "CLUS",
        dt.date(2024, 3, 1),
        dt.date(2024, 5, 31),
        kind="special_action",
        organizing_level="unit",
    )
    participant_add(actor=None, campaign=clus, unit=world.sibling, cluster=world.cluster)
    natl = _campaign(
        world.root, "NATL", dt.date(2022, 1, 1), dt.date(2026, 12, 31), organizing_level="central"
    )
    _campaign(world.committee, "DRAFT", *y24)
    other = _campaign(world.other, "OTHER", *y24)
    old = _campaign(world.committee, "OLD", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    _running(body, clus, natl, other, old)

    flag = AwardFactory(
        code="vn-government-flag", level=AwardLevel.NATIONAL, name="Government Emulation Flag"
    )
    fighter = AwardFactory(
        code="vn-provincial-fighter",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.PERSON,
        name="Provincial Emulation Fighter",
    )
    point = review_point_add(
        actor=None,
        campaign=body,
        code="y",
        name="Year-end",
        period_end=dt.date(2024, 12, 31),
        due=dt.date(2025, 1, 15),
    )
    proposal = ProposalFactory(
        award=flag, committee_unit=world.committee, proposer_unit=world.own, units=[world.own]
    )
    # The proposal drafted from the review point's ranking, as proposal_from_ranking does.
    Proposal.objects.filter(pk=proposal.pk).update(review_point=point)
    flag_grant = AwardGrantFactory(award=flag, unit=world.own)
    AwardGrant.objects.filter(pk=flag_grant.pk).update(proposal=proposal)
    person = PersonFactory(unit=world.sibling, full_name="Nguyễn Văn A")
    fighter_grant = AwardGrantFactory(award=fighter, unit=None, person=person)
    revoked = AwardGrantFactory(award=flag, unit=world.sibling)
    AwardGrant.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    AwardGrantFactory(award=flag, unit=world.own, year=2023)
    AwardGrantFactory(award=flag, unit=world.other)

    ensure_kinds()  # the migration's kinds (the suite runs without migrations)
    party = CoverageKind.objects.get(code="party")
    union = CoverageKind.objects.get(code="union")
    town = UnitFactory(code="TWN", name="Town T", parent=world.committee)
    covered = organization(town, staff_count=40, union_members=30)
    building_record(
        actor=None, organization=covered, kind=party, on=dt.date(2023, 6, 1), form="standalone"
    )
    building_record(
        actor=None, organization=covered, kind=union, on=dt.date(2023, 6, 1), form="joint_region"
    )
    bare = organization(town, kind="foreign", staff_count=12)
    gone = organization(town, staff_count=100, union_members=90)
    building_record(
        actor=None, organization=gone, kind=party, on=dt.date(2023, 6, 1), form="standalone"
    )
    status_record(actor=None, organization=gone, on=dt.date(2024, 10, 1), status="deregistered")
    return {
        "body": body,
        "clus": clus,
        "natl": natl,
        "old": old,
        "point": point,
        "flag_grant": flag_grant,
        "fighter_grant": fighter_grant,
        "covered": covered,
        "bare": bare,
        "gone": gone,
    }


register("statistics", build_statistics, needs=("world",))


@pytest.fixture
def statistics(request: pytest.FixtureRequest, world: Any) -> dict[str, Any]:
    return shared(request, "statistics", world)


def _staff(world: Any) -> Any:
    return world.users["committee_staff"]


def _figures(world: Any, family: str, year: int = 2024) -> Any:
    layout = layout_in_force(family, year)
    assert layout is not None
    return form_figures(_staff(world), layout, world.root, year)


def _records(world: Any, family: str, row: str, column: str, year: int = 2024) -> list[Any]:
    layout = layout_in_force(family, year)
    assert layout is not None
    return list(cell_records(_staff(world), layout, world.root, year, row, column))


def _grid(figures: Any) -> dict[str, dict[str, Any]]:
    return {
        row.key: {cell.column.key: cell.value for cell in cells}
        for row, cells in figures.lines
        if not row.heading
    }


# --- the layouts -------------------------------------------------------------------------


def test_every_shipped_layout_reads_and_none_is_confirmed() -> None:
    layouts = all_layouts()
    assert {lay.family for lay in layouts} == {
        "vn-movements",
        "vn-state-awards",
        "vn-body-awards",
        "cn-coverage",
    }
    assert not any(lay.confirmed for lay in layouts)


def test_the_version_in_force_by_year() -> None:
    assert layout_in_force("vn-movements", 2022).code == "0701.N/BNV-TĐKT"
    assert layout_in_force("vn-movements", 2023).code == "0601.N/BNV-TĐKT"
    assert layout_in_force("vn-movements", 2024).version == "TT02/2023"
    assert layout_in_force("vn-state-awards", 2022) is None  # no earlier version shipped
    assert layout_in_force("vn-movements", 2017) is None


def test_a_malformed_layout_is_refused_naming_the_file_and_row(tmp_path: Any) -> None:
    source = (LAYOUT_DIR / "vn-0601-2023.json").read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(source.replace('"scope": "cluster"', '"scope": "galaxy"'), "utf-8")
    with pytest.raises(ValidationError, match=r"broken.json: row 5 \(04\): unknown value 'galaxy'"):
        read_layout(broken)


# --- the figures equal the records -------------------------------------------------------


def test_movements_counted_by_level_scope_duration_and_method(world: Any, statistics: Any) -> None:
    grid = _grid(_figures(world, "vn-movements"))
    assert grid["01"] == {"total": 3, "central": 1, "body": 1, "unit": 1}
    assert grid["02"] == {"total": 1, "central": 1, "body": 0, "unit": 0}  # NATL
    assert grid["03"] == {"total": 1, "central": 0, "body": 1, "unit": 0}  # BODY
    assert grid["04"] == {"total": 1, "central": 0, "body": 0, "unit": 1}  # CLUS, in clusters
    assert grid["05"]["total"] == 0
    assert [grid[k]["total"] for k in ("06", "07", "08", "09", "10")] == [1, 1, 0, 0, 1]
    assert grid["11"]["total"] == 1 and grid["12"]["total"] == 2
    assert _records(world, "vn-movements", "04", "unit") == [statistics["clus"]]
    assert _records(world, "vn-movements", "07", "total") == [statistics["body"]]
    assert _records(world, "vn-movements", "01", "total") == [
        statistics["natl"],
        statistics["body"],
        statistics["clus"],
    ]


def test_the_2018_layout_for_2022(world: Any, statistics: Any) -> None:
    figures = _figures(world, "vn-movements", 2022)
    grid = _grid(figures)
    assert [c.key for c in figures.layout.columns] == ["total", "central", "body"]
    assert grid["01"] == {"total": 2, "central": 1, "body": 1}  # NATL and OLD
    assert grid["07"]["total"] == 1 and grid["09"]["total"] == 1  # OLD one year; NATL 3+


def test_awards_by_title_collective_and_individual(world: Any, statistics: Any) -> None:
    state = _grid(_figures(world, "vn-state-awards"))
    assert state["01"]["total-c"] == 1 and state["01"]["total-i"] == 0
    assert state["01"]["gov-flag"] == 1
    assert state["02"]["gov-flag"] == 1  # through the review point of a movement
    assert state["04"]["gov-flag"] == 0
    body = _grid(_figures(world, "vn-body-awards"))
    assert body["01"]["fighter"] == 1 and body["01"]["total-i"] == 1
    assert body["01"]["total-c"] == 0
    assert body["04"]["fighter"] == 1  # recorded outside a proposal
    assert _records(world, "vn-state-awards", "01", "gov-flag") == [statistics["flag_grant"]]
    assert _records(world, "vn-body-awards", "01", "fighter") == [statistics["fighter_grant"]]


def test_coverage_excludes_an_organization_deregistered_before_the_years_end(
    world: Any, statistics: Any
) -> None:
    figures = _figures(world, "cn-coverage")
    grid = _grid(figures)
    assert grid["01"]["operating"] == 2
    assert grid["01"]["party"] == 1 and grid["01"]["party-standalone"] == 1
    assert grid["01"]["party-rate"] == Decimal("0.5000")
    assert grid["01"]["union"] == 1 and grid["01"]["members"] == 30 and grid["01"]["staff"] == 52
    assert grid["03"]["operating"] == 1 and grid["04"]["operating"] == 1
    assert grid["08"]["operating"] == 0 and grid["08"]["party-rate"] is None
    assert _records(world, "cn-coverage", "01", "operating") == [
        statistics["covered"],
        statistics["bare"],
    ]
    # 2023: the deregistered one still operated at the year's end.
    assert _grid(_figures(world, "cn-coverage", 2023))["01"]["operating"] == 3


def test_every_figure_is_the_number_of_its_records(world: Any, statistics: Any) -> None:
    for family in ("vn-movements", "vn-state-awards", "vn-body-awards", "cn-coverage"):
        figures = _figures(world, family)
        for row, cells in figures.lines:
            for cell in cells:
                if not cell.traceable or cell.column.sum:
                    continue
                assert cell.value == len(_records(world, family, row.key, cell.column.key))


def test_a_form_is_one_query(world: Any, statistics: Any) -> None:
    layout = layout_in_force("vn-state-awards", 2024)
    user = _staff(world)
    user.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        form_figures(user, layout, world.root, 2024)
    assert len([q for q in queries if "SELECT" in q["sql"]]) <= 2  # the scope, the figures


# --- the screen, the file, the API ---------------------------------------------------------


def _page(client: Any, name: str, **params: Any) -> Any:
    return client.get(reverse(f"reports:{name}"), params)


def _movements(world: Any, **more: Any) -> dict[str, Any]:
    return {"form": "vn-movements", "year": 2024, "body": world.root.pk, **more}


def test_the_screen_shows_the_form_and_drills_into_a_figure(
    client: Any, world: Any, statistics: Any
) -> None:
    client.force_login(_staff(world))
    page = _page(client, "statistics", **_movements(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "0601.N/BNV-TĐKT" in html and "Số phong trào thi đua" in html  # its own title
    assert "Number of emulation movements" in html  # and its translation
    assert 'id="form-unconfirmed"' in html
    drill = _page(client, "statistics_records", **_movements(world, row="04", column="unit"))
    assert drill.status_code == 200
    text = drill.content.decode()
    assert "CLUS" in text and "BODY" not in text
    assert reverse("campaigns:detail", args=[statistics["clus"].pk]) in text
    link = reverse("reports:statistics_records") + "?form=vn-movements&amp;year=2024"
    assert link in html


def test_the_empty_screen_offers_the_forms_and_the_bodies(client: Any, world: Any) -> None:
    client.force_login(_staff(world))
    page = _page(client, "statistics")
    assert page.status_code == 200
    html = page.content.decode()
    assert "0601.N/BNV-TĐKT: Số phong trào thi đua (Number of emulation movements)" in html
    assert f'<option value="{world.root.pk}" selected>Province</option>' in html
    assert 'id="statistics-table"' not in html


def test_the_screen_in_chinese_shows_the_chinese_form_with_its_translation(
    client: Any, world: Any, statistics: Any
) -> None:
    client.force_login(_staff(world))
    page = client.get(
        reverse("reports:statistics"),
        {"form": "cn-coverage", "year": 2024, "body": world.root.pk},
        headers={"accept-language": "vi"},
        cookies=None,
    )
    html = page.content.decode()
    assert "非公有制经济组织和社会组织党组织、工会组织覆盖情况统计表" in html
    assert "50,00%" in html or "50.00%" in html


def test_a_drill_into_a_rate_or_an_unknown_row_is_not_found(
    client: Any, world: Any, statistics: Any
) -> None:
    client.force_login(_staff(world))
    rate = {"form": "cn-coverage", "year": 2024, "body": world.root.pk}
    assert (
        _page(client, "statistics_records", **rate, row="01", column="party-rate").status_code
        == 404
    )
    assert (
        _page(
            client, "statistics_records", **_movements(world, row="99", column="total")
        ).status_code
        == 404
    )
    assert _page(client, "statistics", **_movements(world, year=2017)).status_code == 404


def test_who_may_report_for_a_body(client: Any, world: Any, statistics: Any) -> None:
    officer = world.users["unit_officer"]
    client.force_login(officer)
    assert _page(client, "statistics_file", **_movements(world)).status_code == 404  # not seen
    own = _movements(world, body=world.own.pk)
    assert _page(client, "statistics_file", **own).status_code == 403  # seen, not staff
    client.logout()
    assert _page(client, "statistics_file", **_movements(world)).status_code == 302  # to log in


def test_a_bodys_figures_are_of_its_subtree(world: Any, statistics: Any) -> None:
    from pacesetter.accounts.models import Role
    from pacesetter.accounts.services import role_grant
    from pacesetter.accounts.tests.factories import UserFactory

    staff = UserFactory(username="own-staff")
    role_grant(actor=None, user=staff, role=Role.COMMITTEE_STAFF, unit=world.own)
    layout = layout_in_force("vn-movements", 2024)
    grid = _grid(form_figures(staff, layout, world.own, 2024))
    assert grid["01"] == {"total": 1, "central": 0, "body": 0, "unit": 1}  # CLUS only
    state = _grid(form_figures(staff, layout_in_force("vn-state-awards", 2024), world.own, 2024))
    assert state["01"]["gov-flag"] == 1


def test_the_xlsx_in_the_forms_layout(client: Any, world: Any, statistics: Any) -> None:
    client.force_login(_staff(world))
    response = _page(client, "statistics_file", **_movements(world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    cells = {
        (c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None
    }
    texts = [str(v) for v in cells.values()]
    assert any("0601.N/BNV-TĐKT" in t for t in texts)
    assert "Số phong trào thi đua" in texts
    assert any(t.startswith("Đơn vị báo cáo") for t in texts)  # the fixed words in Vietnamese
    merged = {str(r) for r in sheet.merged_cells.ranges}
    header = next(r for r, c in cells.items() if c == "Chia theo cấp phát động")
    assert f"C{header[0]}:C{header[0] + 1}" in merged  # "Tổng số" down both header rows
    assert f"D{header[0]}:F{header[0]}" in merged  # the level group over its three columns
    code_row = {v: r for (r, c), v in cells.items() if c == 2}
    row04 = code_row["04"]
    assert [sheet.cell(row=row04, column=c).value for c in range(3, 7)] == [1, 0, 0, 1]
    link = sheet.cell(row=row04, column=6).hyperlink
    records = book.worksheets[1]
    target = int(link.location.rsplit("A", 1)[1])
    assert records.cell(row=target, column=1).value == "04"
    assert records.cell(row=target + 1, column=3).value == "CLUS"
    assert any(v == "Người lập biểu" for v in texts)


def test_the_xlsx_writes_names_as_text_never_formulas(world: Any, statistics: Any) -> None:
    from pacesetter.reports.statistics.excel import render_form_xlsx

    Campaign.objects.filter(pk=statistics["body"].pk).update(code="=1+1")
    layout = layout_in_force("vn-movements", 2024)
    figures = form_figures(_staff(world), layout, world.root, 2024)
    book = openpyxl.load_workbook(io.BytesIO(render_form_xlsx(figures, _staff(world))))
    values = [c for row in book.worksheets[1].iter_rows() for c in row if c.value == "=1+1"]
    assert values and all(c.data_type == "s" for c in values)


def test_the_screens_query_count_is_fixed(
    client: Any, world: Any, statistics: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(_staff(world))
    _page(client, "statistics", **_movements(world))  # the session, warmed
    with django_assert_num_queries(QUERIES):
        _page(client, "statistics", **_movements(world))
    for n in range(3):
        _campaign(world.committee, f"MORE{n}", dt.date(2024, 2, 1), dt.date(2024, 8, 1))
    with django_assert_num_queries(QUERIES):
        _page(client, "statistics", **_movements(world))
    drill = _movements(world, row="01", column="total")
    with django_assert_num_queries(DRILL_QUERIES):
        _page(client, "statistics_records", **drill)


#: The session, the user, the scope's roles, the bell's unread count, the reporting
#: bodies, the body (seen, then staffed) and the figures.
QUERIES = 8
#: The same, without the bodies' list; the page's count and rows, the figure.
DRILL_QUERIES = 9


def test_the_api(world: Any, statistics: Any) -> None:
    from pacesetter.testing.api import ApiClient

    api = ApiClient(_staff(world))
    forms = api.get("/statistics/forms").json()
    assert {f["code"] for f in forms} >= {"0601.N/BNV-TĐKT", "0701.N/BNV-TĐKT"}
    answer = api.get("/statistics/vn-movements", year=2024, body_id=world.root.pk)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["code"] == "0601.N/BNV-TĐKT" and body["confirmed"] is False
    row04 = next(r for r in body["rows"] if r["key"] == "04")
    unit = next(c for c in row04["cells"] if c["column"] == "unit")
    assert unit["value"] == 1
    records = api.client.get(unit["records"], headers=api.headers).json()
    assert records["count"] == 1 and records["items"][0]["id"] == statistics["clus"].pk
    older = api.get("/statistics/vn-movements", year=2022, body_id=world.root.pk).json()
    assert older["code"] == "0701.N/BNV-TĐKT"
    file = api.get("/statistics/cn-coverage/file", year=2024, body_id=world.root.pk)
    assert file.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(file.content)).worksheets[0].title
    officer = ApiClient(world.users["unit_officer"])
    assert (
        officer.get("/statistics/vn-movements", year=2024, body_id=world.own.pk).status_code == 403
    )
    assert (
        officer.get("/statistics/vn-movements", year=2024, body_id=world.root.pk).status_code == 404
    )


def test_a_campaigns_organizing_level_through_the_api(world: Any) -> None:
    from pacesetter.testing.api import ApiClient

    api = ApiClient(_staff(world))
    made = api.post(
        "/campaigns",
        {
            "organizer_id": world.committee.pk,
            "code": "LVL",
            "name": "Levels",
            "start": "2024-01-01",
            "end": "2024-12-31",
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["organizing_level"] == "body"  # the default
    changed = api.patch(f"/campaigns/{made.json()['id']}", {"organizing_level": "central"})
    assert changed.status_code == 200, changed.content
    assert Campaign.objects.get(code="LVL").organizing_level == "central"
