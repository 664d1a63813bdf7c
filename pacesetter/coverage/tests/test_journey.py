"""The coverage register in Debian's Chromium: the district's staff import a town's
registration list into the template, find the new blind spots with the rules they fail,
make follow-up tasks of them in a work plan, record that one party organization was
built, and watch the town's organizational coverage move."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation
from openpyxl import load_workbook

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.coverage import rules as rule_engine
from pacesetter.coverage.models import Building, FollowUp, Organization
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .factories import credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def day(value: dt.date) -> str:
    """A date as the rules' sentences write it in English."""
    with translation.override("en"):
        return formats.date_format(value, "DATE_FORMAT")


def fill_template(template: Path, rows: list[dict[str, object]], target: Path) -> None:
    """The downloaded template with ``rows`` under its headers, as a town's officer would
    copy a market regulator's list into it."""
    workbook = load_workbook(template)
    sheet = workbook["Register"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for number, row in enumerate(rows, start=2):
        for key, value in row.items():
            sheet.cell(row=number, column=columns[key], value=value)
    workbook.save(target)


def test_import_blind_spots_follow_up_build_and_the_rate_moves(live_server, page, tmp_path):
    from playwright.sync_api import expect

    for path in rule_engine.shipped_files():
        rule_engine.load_rules(path)
    district = UnitFactory(
        code="HD", name="Huadu District", unit_type=UnitTypeFactory(code="district")
    )
    town = UnitFactory(
        code="XH", name="Xinhua Town", parent=district, unit_type=UnitTypeFactory(code="town")
    )
    staff = UserFactory(username="staff.huadu")
    role_grant(actor=None, user=staff, role=Role.COMMITTEE_STAFF, unit=district)
    plan = WorkPlanFactory(
        body=BodyFactory(name="District party-building group", owner_unit=district),
        name="Two coverages this year",
    )
    today = timezone.localdate()
    leather_registered = today - dt.timedelta(days=200)
    printing_registered = today - dt.timedelta(days=150)
    base = live_server.url

    # The staff find the import page from the register and download its template.
    log_in(page, base, "staff.huadu")
    page.locator("#main-nav").get_by_role("link", name="Coverage", exact=True).click()
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.locator("h1")).to_have_text("Import into the coverage register")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (.xlsx)").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # Three organizations of one town: the leather works, registered 200 days ago with
    # 4 full party members and no party organization, is overdue for the 90-day rule.
    upload = tmp_path / "xinhua.xlsx"
    fill_template(
        template,
        [
            {
                "credit_code": credit_code(),
                "name": "Shiling Leather Goods",
                "kind": "Private enterprise",
                "town": "XH",
                "registered_on": leather_registered,
                "staff_count": 8,
                "party_members_full": 4,
                "party_form": "Not built",
            },
            {
                "credit_code": credit_code(),
                "name": "Xinhua Printing",
                "kind": "Private enterprise",
                "town": "XH",
                "registered_on": printing_registered,
                "staff_count": 6,
                "party_members_full": 1,
            },
            {
                "credit_code": credit_code(),
                "name": "Huadong Trading",
                "kind": "Individual business",
                "town": "XH",
                "registered_on": today - dt.timedelta(days=30),
                "staff_count": 3,
            },
        ],
        upload,
    )
    page.get_by_label("Workbook (.xlsx) or CSV file").set_input_files(upload)
    page.get_by_role("button", name="Upload and import").click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("3 organizations registered.")
    expect(result).to_contain_text("0 organizations changed.")
    expect(result).to_contain_text("0 rows as in the register.")
    assert Organization.objects.filter(town=town).count() == 3

    # The town's organizational coverage: none of the three has a party organization.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Coverage rates").click()
    filters = page.get_by_role("search", name="Filters")
    filters.get_by_label("Town or street", exact=True).select_option(label="Xinhua Town (XH)")
    filters.get_by_role("button", name="Show").click()
    town_row = page.locator(f"#rates tbody tr[data-key='{town.pk}']")
    expect(town_row.locator("th")).to_have_text("Xinhua Town")
    expect(town_row.locator("td").nth(0)).to_have_text("3")
    expect(town_row.locator("td").nth(1)).to_have_text("0% (0)\nnot built")

    # The blind spots: the two with party members, the overdue one first, each with the
    # sentences of the rules it fails; the trader has no party member and is not one.
    page.goto(f"{base}/coverage/")
    page.get_by_role("link", name="Blind spots").click()
    expect(page.locator("#as-of")).to_contain_text("2 blind spots as of")
    spots = page.locator("#blind-spots tbody tr")
    expect(spots).to_have_count(2)
    expect(spots.nth(0)).to_contain_text("Shiling Leather Goods")
    expect(spots.nth(0)).to_contain_text(
        "4 full party members: a standalone Party organization should be built; it is not built."
    )
    overdue_since = day(leather_registered + dt.timedelta(days=91))
    expect(spots.nth(0)).to_contain_text(
        f"Registered on {day(leather_registered)}: the Party organization should be built "
        f"within 90 days; it is not built, overdue since {overdue_since}."
    )
    expect(spots.nth(1)).to_contain_text("Xinhua Printing")
    expect(spots.nth(1)).to_contain_text(f"Registered on {day(printing_registered)}")
    expect(page.locator("#blind-spots")).not_to_contain_text("Huadong Trading")

    # Tick both and make their follow-up tasks in the work plan.
    page.get_by_label("Shiling Leather Goods", exact=True).check()
    page.get_by_label("Xinhua Printing", exact=True).check()
    follow_up = page.locator("#follow-up fieldset")
    follow_up.get_by_label("Work plan").select_option(label="Two coverages this year")
    follow_up.get_by_label("Due").fill((today + dt.timedelta(days=30)).isoformat())
    follow_up.get_by_role("button", name="Create follow-up tasks").click()
    expect(page.locator(".messages")).to_contain_text(
        "2 follow-up tasks created in “Two coverages this year”."
    )
    expect(spots.filter(has_text="followed up")).to_have_count(2)
    assert FollowUp.objects.filter(task__plan=plan).count() == 2

    # On the plan board: one task per organization, led by the town.
    page.locator("#main-nav").get_by_role("link", name="Work plans", exact=True).click()
    page.get_by_role("link", name="Two coverages this year").click()
    tasks = page.locator("#tasks tbody tr.task")
    expect(tasks).to_have_count(2)
    leather_task = tasks.filter(has_text="Cover the blind spot: Shiling Leather Goods")
    expect(leather_task).to_contain_text("Xinhua Town")
    leather_task.get_by_role("link", name="Cover the blind spot: Shiling Leather Goods").click()
    expect(page.locator("h1")).to_contain_text("Cover the blind spot: Shiling Leather Goods")
    expect(page.locator("#lead-unit")).to_have_text("Xinhua Town")
    expect(page.locator("main")).to_contain_text("a standalone Party organization should be built")

    # The leather works' party organization is built, standalone, today.
    page.locator("#main-nav").get_by_role("link", name="Coverage", exact=True).click()
    page.get_by_role("link", name="Shiling Leather Goods").click()
    party = page.locator("#kind-party")
    expect(party.locator("h2")).to_have_text("Party organization: Not built")
    party.get_by_role("link", name="Record a change").click()
    expect(page.get_by_label("Date of the change")).to_have_value(today.isoformat())
    page.get_by_role("combobox", name="Form", exact=True).select_option(label="Standalone")
    page.get_by_label("Secretary or chair").fill("Li Ming")
    page.get_by_label("Members", exact=True).fill("4")
    page.get_by_role("button", name="Record the change").click()
    expect(page.locator(".messages")).to_contain_text(
        "Party organization of “Shiling Leather Goods” recorded."
    )
    expect(party.locator("h2")).to_have_text("Party organization: Standalone")
    expect(party).to_contain_text("Li Ming")
    current = Building.objects.get(
        organization__name_en="Shiling Leather Goods", kind__code="party", valid_to__isnull=True
    )
    assert (current.form, current.valid_from) == ("standalone", today)

    # The town's rate has moved: one of three, against none yesterday.
    page.goto(f"{base}/coverage/rates/?town={town.pk}")
    grouping = page.locator("form[aria-label=Grouping]")
    grouping.get_by_label("Change since").fill((today - dt.timedelta(days=1)).isoformat())
    grouping.get_by_role("button", name="Show").click()
    expect(town_row.locator("td").nth(1)).to_contain_text("33.3% (1)")
    expect(town_row.locator("td").nth(1)).to_contain_text("[0%]")
    expect(town_row.locator("td").nth(3)).to_contain_text("33.3% (1)")  # standalone
    expect(town_row.locator("td").nth(6)).to_have_text("1")  # newly built

    # And the leather works is no longer a blind spot; the printer still is.
    page.goto(f"{base}/coverage/blind-spots/")
    expect(page.locator("#as-of")).to_contain_text("1 blind spot as of")
    expect(spots).to_have_count(1)
    expect(spots.first).to_contain_text("Xinhua Printing")
    expect(page.locator("#blind-spots")).not_to_contain_text("Shiling Leather Goods")
