"""The statistics tables (layouts as versioned data) and the printable form (PDF)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pacesetter.coverage.exports import LayoutError, check_layout, statistics_layouts
from pacesetter.coverage.models import CoverageKind
from pacesetter.coverage.selectors import CoverageFilters, coverage_rates
from pacesetter.coverage.services import building_record, status_record

from .factories import organization

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def towns(world):
    """Own unit: 5 operating (2 standalone, 1 joint, 1 instructor, 1 not built) and one
    built only after the date; Sibling unit: 1 not built, 1 deregistered before the date."""
    party = CoverageKind.objects.get(code="party")

    def built(town, form, on=D(2023, 6, 1), **details):
        org = organization(town, registered_on=D(2023, 1, 1))
        building_record(actor=None, organization=org, kind=party, on=on, form=form, **details)
        return org

    built(world.own, "standalone")
    built(world.own, "standalone")
    built(world.own, "joint_region")
    built(world.own, "work_only", instructor_name="Liu")
    organization(world.own, registered_on=D(2023, 1, 1))
    built(world.own, "standalone", on=D(2024, 6, 1))
    organization(world.sibling, registered_on=D(2023, 1, 1))
    gone = organization(world.sibling, registered_on=D(2023, 1, 1))
    status_record(actor=None, organization=gone, on=D(2023, 9, 1), status="deregistered")
    return party


def sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_town_by_form_table_counts_and_rates_at_a_date(client, world, towns):
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/statistics/rates-town-form.xlsx?at=2024-01-01")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[0][0] == "Party organization coverage by town or street and form"
    assert "2024-01-01" in rows[1][0] and "rates-town-form" in rows[1][0]
    assert rows[3] == (
        "Town or street",
        "Standalone",
        "Joint",
        "Instructor or liaison",
        "Not built",
        "Operating",
        "Organization coverage",
        "Work coverage",
        "Standalone rate",
    )
    by_label = {row[0]: row[1:] for row in rows[4:]}
    assert by_label["Own unit"] == (2, 1, 1, 2, 6, 0.5, 0.6667, 0.3333)
    assert by_label["Sibling unit"] == (0, 0, 0, 1, 1, 0, 0, 0)
    assert by_label["Total"] == (2, 1, 1, 3, 7, 0.4286, 0.5714, 0.2857)
    # The same figures as the rates page.
    rates = coverage_rates(world.users["committee_staff"], CoverageFilters(at=D(2024, 1, 1)))
    assert rates.total.organized_rate == Decimal("0.4286")
    assert rates.total.work_rate == Decimal("0.5714")


def test_the_later_date_sees_the_organization_built_since(client, world, towns):
    client.force_login(world.users["committee_staff"])
    rows = sheet_rows(client.get("/coverage/statistics/rates-town-form.xlsx").content)
    by_label = {row[0]: row[1:] for row in rows[4:]}
    assert by_label["Own unit"][:5] == (3, 1, 1, 1, 6)


def test_the_industry_table_and_an_officer_sees_its_own_town(client, world, towns):
    client.force_login(world.users["unit_officer"])
    response = client.get("/api/v1/coverage/statistics/rates-industry-form.xlsx?at=2024-01-01")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[3][0] == "Industry"
    by_label = {row[0]: row[1:] for row in rows[4:]}
    assert by_label == {
        "Not given": (2, 1, 1, 2, 6, 0.5, 0.6667, 0.3333),
        "Total": by_label["Total"],
    }
    assert by_label["Total"][4] == 6
    assert client.get("/coverage/statistics/nothing.xlsx").status_code == 404


def test_the_layout_titles_follow_the_language(client, world, towns):
    client.force_login(world.users["committee_staff"])
    response = client.get(
        "/coverage/statistics/rates-town-form.xlsx", headers={"accept-language": "zh-hans"}
    )
    assert sheet_rows(response.content)[0][0] == "各镇街党组织覆盖情况（按组建形式）"
    page = client.get("/coverage/statistics/").content.decode()
    assert "/coverage/statistics/rates-industry-form.xlsx" in page


def test_the_shipped_layouts_are_checked_and_a_bad_one_refused():
    codes = sorted(layout["code"] for layout in statistics_layouts())
    assert codes == ["rates-industry-form", "rates-town-form"]
    bad = {**statistics_layouts()[0], "columns": [{"forms": ["pyramid"], "title": "x"}]}
    with pytest.raises(LayoutError):
        check_layout(bad, "bad.json")


# --- the printable form -------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.fixture
def leather(world):
    party = CoverageKind.objects.get(code="party")
    org = organization(
        world.own,
        source_language="zh-hans",
        name_zh_hans="狮岭皮具有限公司",
        name_en="Shiling Leather Goods",
        registered_on=D(2022, 3, 1),
        staff_count=120,
    )
    building_record(
        actor=None,
        organization=org,
        kind=party,
        on=D(2023, 5, 4),
        form="joint_region",
        leader_name="Chen Jie",
        member_count=5,
    )
    building_record(actor=None, organization=org, kind=party, on=D(2024, 7, 1), form="standalone")
    return org


def test_the_form_holds_the_facts_each_kind_and_its_history(client, world, leather, tmp_path):
    client.force_login(world.users["unit_officer"])
    page = client.get(f"/coverage/{leather.pk}/").content.decode()
    assert f"/coverage/{leather.pk}/form.pdf" in page
    response = client.get(f"/coverage/{leather.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "One form per enterprise" in text and "Shiling Leather Goods" in text
    assert leather.credit_code in text
    assert "Party organization" in text and "Trade union" in text
    # Now standalone; the history: not built, built joint, then the form changed.
    assert "Now Standalone" in text and "Chen Jie" in text
    assert "Registered" in text and "Built" in text and "Form changed" in text
    assert text.index("Built") < text.index("Form changed")


def test_the_form_is_in_the_readers_language_with_its_fonts(client, world, leather, tmp_path):
    client.force_login(world.users["unit_officer"])
    response = client.get(
        f"/coverage/{leather.pk}/form.pdf", headers={"accept-language": "zh-hans"}
    )
    text = pdf_text(response.content, tmp_path)
    assert "狮岭皮具有限公司" in text and "状态" in text


def test_the_form_is_for_those_who_see_the_organization(client, world, leather):
    client.force_login(world.users["nobody"])
    assert client.get(f"/coverage/{leather.pk}/form.pdf").status_code == 404
    client.force_login(world.users["viewer"])
    assert client.get(f"/coverage/{leather.pk}/form.pdf").status_code == 200
    response = client.get(f"/api/v1/coverage/organizations/{leather.pk}/form.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.logout()
    assert client.get(f"/api/v1/coverage/organizations/{leather.pk}/form.pdf").status_code == 401
