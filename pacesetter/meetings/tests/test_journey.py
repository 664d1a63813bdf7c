"""The council meeting in Debian's Chromium: check people in at the door, pass a
resolution whose key tasks land on the plan board, report on one and see the roll-up
move."""

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.meetings.models import Invitation, MeetingKind
from pacesetter.meetings.services import (
    invitation_add,
    invitations_add_body_members,
    meeting_create,
)
from pacesetter.workplans.models import Task
from pacesetter.workplans.services import plan_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_council_check_in_resolution_plan_board_roll_up(live_server, page, world):
    from playwright.sync_api import expect

    staff = world.users["committee_staff"]
    now = timezone.now()
    today = timezone.localdate()
    meeting = meeting_create(
        actor=staff,
        kind=MeetingKind.COUNCIL,
        title="Standing council, second half-year",
        organizer_unit=world.committee,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=3),
        place="Changsha",
        body=world.council,
    )
    invitations_add_body_members(actor=staff, meeting=meeting)
    guest = invitation_add(actor=staff, meeting=meeting, label="Local chamber", role="guest")
    seat = Invitation.objects.get(meeting=meeting, unit=world.own)
    plan = plan_create(
        actor=staff,
        body=world.council,
        name="Key tasks of the half-year",
        kind="half_year",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=150),
    )
    base = live_server.url

    # Committee staff open the meeting and go to the door.
    log_in(page, base, "staff")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.locator("main h1")).to_contain_text("Standing council")
    page.get_by_role("link", name="Check-in at the door").click()

    # Codes are typed (or scanned) with spaces and in lower case; a wrong one is refused.
    code_box = page.locator("main input[name=code]")
    code_box.fill("ZZZZ-ZZZZ")
    code_box.press("Enter")
    expect(page.locator("main")).to_contain_text("No invitation has the code ZZZZZZZZ")
    code_box.fill(seat.code.lower()[:4] + " " + seat.code.lower()[4:])
    code_box.press("Enter")
    expect(page.locator("main")).to_contain_text("Own unit")
    code_box.fill(guest.code)
    code_box.press("Enter")
    expect(page.locator("main")).to_contain_text("Local chamber")
    seat.refresh_from_db()
    assert seat.checked_in_at is not None

    # Back on the meeting page: present counts and the quorum.
    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Present")

    # Pass a resolution that creates two key tasks in the plan.
    page.get_by_role("link", name="New resolution with key tasks").click()
    page.locator("#id_text_en").fill("The council assigns the key tasks of the half-year.")
    page.locator("#id_plan").select_option(str(plan.pk))
    due = (today + dt.timedelta(days=60)).isoformat()
    for row, title in enumerate(("Prepare the optics fair", "Run the skills competition")):
        page.locator(f"#id_tasks-{row}-title").fill(title)
        page.locator(f"#id_tasks-{row}-lead_unit").select_option(str(world.own.pk))
        page.locator(f"#id_tasks-{row}-due").fill(due)
    page.get_by_role("button", name="Record the resolution and its tasks").click()
    expect(page.locator("main")).to_contain_text("Prepare the optics fair")
    assert Task.objects.filter(plan=plan, resolution__meeting=meeting).count() == 2

    # The tasks are on the plan board, at 0%.
    page.goto(f"{base}/workplans/{plan.pk}/")
    expect(page.locator("#plan-progress")).to_have_text("0.0%")
    expect(page.locator("#board-tasks")).to_contain_text("Run the skills competition")

    # Report 50% on one of them from its task page; the plan's roll-up follows.
    page.locator("#board-tasks").get_by_role("link", name="Prepare the optics fair").click()
    report = page.locator("#report form")
    report.get_by_label("Progress", exact=False).first.fill("50")
    report.get_by_role("button", name="Save the report").click()
    expect(page.locator("main")).to_contain_text("50")
    page.goto(f"{base}/workplans/{plan.pk}/")
    expect(page.locator("#plan-progress")).to_have_text("25.0%")
