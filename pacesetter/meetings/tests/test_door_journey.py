"""The door of an exchange activity in Debian's Chromium, without a camera: a person
checked in by the typed code, a unit's delegation with the number who came (a second
scan changes nothing), and a photo of a QR code through the file input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.meetings.models import Invitation, MeetingKind
from pacesetter.meetings.services import invitation_add, meeting_create

from .test_delegations import qr_photo
from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_door_checks_in_people_and_delegations_by_typed_code_and_photo(
    live_server, page, world, tmp_path
):
    from playwright.sync_api import expect

    staff = world.users["committee_staff"]
    now = timezone.now()
    meeting = meeting_create(
        actor=staff,
        kind=MeetingKind.EXCHANGE,
        title="Demonstration exchange in Danyang",
        organizer_unit=world.committee,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=3),
        place="Danyang, Jiangsu",
    )
    model = invitation_add(actor=staff, meeting=meeting, label="Labour-model representative")
    own = invitation_add(
        actor=staff, meeting=meeting, unit=world.own, delegation_size=5, head="Chair"
    )
    sibling = invitation_add(actor=staff, meeting=meeting, unit=world.sibling, delegation_size=2)
    photo = tmp_path / "qr.png"
    photo.write_bytes(qr_photo(sibling.code).read())
    base = live_server.url

    log_in(page, base, "staff")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Check-in at the door").click()
    main = page.locator("main")
    expect(main.locator("#count-units")).to_have_text("0 of 2")
    expect(main.locator("#count-people")).to_have_text("0 of 8")

    # A person: the code typed, loosely.
    code = main.locator("input[name=code]")
    code.fill(model.code.lower()[:4] + " " + model.code.lower()[4:])
    code.press("Enter")
    expect(main.locator("#checkin-ok")).to_contain_text("Labour-model representative")

    # A delegation: its code and the number who came; the counts follow.
    code.fill(own.code)
    main.get_by_label("A delegation: number who came").first.fill("4")
    main.get_by_role("button", name="Check in", exact=True).click()
    expect(main.locator("#checkin-delegation")).to_contain_text("4 of 5 people")
    expect(main.locator("#checkin-delegation")).to_contain_text("Chair")
    expect(main.locator("#count-units")).to_have_text("1 of 2")
    expect(main.locator("#count-people")).to_have_text("5 of 8")
    expect(main.locator("#recent")).to_contain_text("Own unit (4 people)")
    # The form is empty again, the cursor in the code.
    expect(code).to_have_value("")
    expect(code).to_be_focused()

    # A second scan of the same code changes nothing and says what was recorded.
    code.fill(own.code)
    code.press("Enter")
    expect(main.locator("#checkin-error")).to_contain_text("already checked in")
    expect(main.locator("#checkin-error")).to_contain_text("4 of 5 people")
    expect(main.locator("#count-people")).to_have_text("5 of 8")

    # The camera is offered (the browser has one to ask for); a photo works without it.
    expect(main.get_by_role("button", name="Scan with the camera")).to_be_visible()
    main.get_by_label("Or take a photo of the QR code").set_input_files(str(photo))
    main.get_by_role("button", name="Check in from the photo").click()
    expect(page.locator("#checkin-ok")).to_contain_text("Sibling unit")
    expect(page.locator("#count-units")).to_have_text("2 of 2")
    expect(page.locator("#count-people")).to_have_text("7 of 8")

    # The meeting's page lists the delegations with their numbers.
    page.goto(f"{base}/meetings/{meeting.pk}/")
    row = page.locator(f"tr[data-invitation='{own.pk}']")
    expect(row).to_contain_text("Delegation of 5 people")
    expect(row).to_contain_text("4 of 5")
    assert Invitation.objects.get(pk=own.pk).present_count == 4
