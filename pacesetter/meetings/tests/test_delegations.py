"""Delegations: a unit's invitation with the people expected, checked in at the door with
the number who came; attendance counts people and units, the quorum voting members; and
the door's camera (a photo or a frame of the QR code, decoded on the server)."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import pytest
import segno
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from pacesetter.audit.models import AuditEntry
from pacesetter.meetings import selectors, views
from pacesetter.meetings.minutes import minutes_text_from_record
from pacesetter.meetings.models import Invitation, MeetingKind
from pacesetter.meetings.services import (
    check_in,
    check_in_undo,
    invitation_add,
    registration_set,
    self_check_in,
)
from pacesetter.testing.api import ApiClient, assert_error_shape

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def login(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def exchange(world: Any, **extra: Any) -> Any:
    """An exchange activity of the committee, running now, with no quorum."""
    return make_meeting(
        world, kind=MeetingKind.EXCHANGE, title="Demonstration exchange", body=None, **extra
    )


def qr_photo(text: str, kind: str = "png") -> SimpleUploadedFile:
    """A photo-like image of a QR code: the code on a wider grey page, as a JPEG or PNG."""
    qr = io.BytesIO()
    segno.make_qr(text, error="m").save(qr, kind="png", scale=8, border=4)
    qr.seek(0)
    page = Image.new("L", (800, 600), 200)
    page.paste(Image.open(qr).convert("L"), (220, 140))
    out = io.BytesIO()
    page.save(out, format="JPEG" if kind == "jpeg" else "PNG")
    return SimpleUploadedFile(f"photo.{kind}", out.getvalue(), content_type=f"image/{kind}")


def blank_photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 190, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("frame.jpg", out.getvalue(), content_type="image/jpeg")


# --- invitations ---------------------------------------------------------------------------


def test_a_unit_is_invited_as_a_delegation_with_its_size_and_head(world):
    meeting = exchange(world)
    delegation = invitation_add(
        actor=None, meeting=meeting, unit=world.own, delegation_size=5, head="Chair of the union"
    )
    assert delegation.is_delegation and (delegation.delegation_size, delegation.head) == (
        5,
        "Chair of the union",
    )
    # An organization outside the tree is a delegation by its name.
    named = invitation_add(actor=None, meeting=meeting, label="Eyewear Co.", delegation_size=2)
    assert named.display_name == "Eyewear Co." and named.delegation_size == 2


def test_a_delegation_is_of_a_unit_of_one_to_999_people(world):
    meeting = exchange(world)
    refusals = {
        "user": {"user": world.users["unit_officer"], "unit": world.own, "delegation_size": 3},
        "delegation_size": {"unit": world.own, "delegation_size": 0},
        "head": {"unit": world.sibling, "head": "Someone"},
    }
    for field, kwargs in refusals.items():
        with pytest.raises(ValidationError) as refused:
            invitation_add(actor=None, meeting=meeting, **kwargs)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError):
        invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=1000)
    assert not meeting.invitations.exists()
    # The database holds the rule as well.
    with transaction.atomic(), pytest.raises(IntegrityError):
        Invitation.objects.create(
            meeting=meeting, user=world.users["viewer"], delegation_size=2, code="ZZZZ2222"
        )


# --- check-in at the door -------------------------------------------------------------------


def test_a_delegation_checks_in_with_the_number_who_came(world):
    meeting = exchange(world)
    delegation = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    whole = invitation_add(actor=None, meeting=meeting, unit=world.sibling, delegation_size=4)
    person = invitation_add(actor=None, meeting=meeting, label="Labour model")
    staff = world.users["committee_staff"]

    checked = check_in(actor=staff, meeting=meeting, code=delegation.code, present=3)
    assert (checked.present_count, checked.checked_in_by) == (3, staff)
    # Without a number, the whole delegation came.
    assert check_in(actor=staff, meeting=meeting, code=whole.code).present_count == 4
    assert check_in(actor=staff, meeting=meeting, code=person.code).present_count is None
    entry = AuditEntry.objects.filter(action="meeting.check_in", target_id=str(delegation.pk))
    assert entry.get().changes["present_count"] == [None, 3]


def test_a_number_is_for_delegations_only_and_within_range(world):
    meeting = exchange(world)
    person = invitation_add(actor=None, meeting=meeting, label="Guest")
    delegation = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    with pytest.raises(ValidationError) as refused:
        check_in(actor=None, meeting=meeting, code=person.code, present=4)
    assert refused.value.rule_code == "not_a_delegation"
    with pytest.raises(ValidationError) as refused:
        check_in(actor=None, meeting=meeting, code=delegation.code, present=1000)
    assert refused.value.rule_code == "present_range"
    assert not meeting.invitations.filter(checked_in_at__isnull=False).exists()


def test_a_second_scan_changes_nothing_and_says_how_many_came(world):
    meeting = exchange(world)
    delegation = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    check_in(actor=None, meeting=meeting, code=delegation.code, present=3)
    before = selectors.attendance(meeting)
    audit = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as again:
        check_in(actor=None, meeting=meeting, code=delegation.code, present=5)

    assert again.value.rule_code == "already_checked_in"
    assert "3 of 5 people" in again.value.messages[0]
    assert selectors.attendance(meeting) == before
    assert AuditEntry.objects.count() == audit
    delegation.refresh_from_db()
    assert delegation.present_count == 3


def test_undoing_a_delegations_check_in_forgets_its_number(world):
    meeting = exchange(world)
    delegation = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    check_in(actor=None, meeting=meeting, code=delegation.code, present=2)
    undone = check_in_undo(actor=None, invitation=delegation, reason="Counted twice")
    assert (undone.checked_in_at, undone.present_count) == (None, None)
    assert check_in(actor=None, meeting=meeting, code=delegation.code, present=5).present_count == 5


def test_a_delegation_does_not_check_itself_in(world):
    meeting = exchange(world)
    invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    with pytest.raises(ValidationError) as refused:
        self_check_in(user=world.users["unit_officer"], meeting=meeting)
    assert refused.value.code == "delegation_at_door"


# --- attendance and quorum ------------------------------------------------------------------


def test_attendance_counts_people_and_units_in_one_query(world, django_assert_num_queries):
    meeting = exchange(world)
    own = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    sibling = invitation_add(actor=None, meeting=meeting, unit=world.sibling, delegation_size=4)
    invitation_add(actor=None, meeting=meeting, label="Eyewear Co.", delegation_size=2)
    guest = invitation_add(actor=None, meeting=meeting, label="Labour model", role="guest")
    registration_set(actor=None, invitation=sibling, registered=True)
    check_in(actor=None, meeting=meeting, code=own.code, present=3)
    check_in(actor=None, meeting=meeting, code=guest.code)

    with django_assert_num_queries(1):
        counts = selectors.attendance(meeting)

    assert (counts.expected, counts.registered, counts.present) == (12, 4, 4)
    assert (counts.delegations_expected, counts.delegations_present) == (3, 1)


def test_a_councils_quorum_counts_member_units_not_the_size_of_their_delegations(world):
    # Two-thirds of three member units: two units make the quorum, whatever their size.
    meeting = make_meeting(world, quorum=Fraction(2, 3))
    big = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=20)
    small = invitation_add(actor=None, meeting=meeting, unit=world.sibling, delegation_size=2)
    invitation_add(actor=None, meeting=meeting, unit=world.child, delegation_size=3)
    guests = invitation_add(
        actor=None, meeting=meeting, label="Observers", delegation_size=30, role="guest"
    )
    check_in(actor=None, meeting=meeting, code=guests.code)
    check_in(actor=None, meeting=meeting, code=big.code, present=20)
    counts = selectors.attendance(meeting)
    assert counts.present == 50 and (counts.voting_present, counts.quorum_needed) == (1, 2)
    assert not counts.quorum_met

    check_in(actor=None, meeting=meeting, code=small.code, present=1)

    counts = selectors.attendance(meeting)
    assert (counts.voting_expected, counts.voting_present) == (3, 2) and counts.quorum_met
    assert counts.present == 51 and counts.delegations_present == 3


# --- the door page ----------------------------------------------------------------------------


def test_the_door_checks_a_delegation_in_with_its_number(world):
    meeting = exchange(world)
    delegation = invitation_add(
        actor=None, meeting=meeting, unit=world.own, delegation_size=5, head="Chair"
    )
    staff = login(world, "committee_staff")
    url = reverse("meetings:checkin", args=[meeting.pk])

    html = staff.post(
        url, {"code": delegation.code, "present": "4"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'id="checkin-delegation"' in html and "4 of 5 people" in html and "Chair" in html
    assert 'id="count-units"' in html and 'id="count-people"' in html
    assert "(4 people)" in html  # the last checked in
    again = staff.post(url, {"code": delegation.code}, headers={"HX-Request": "true"})
    assert "already checked in" in again.content.decode() and "4 of 5" in again.content.decode()
    page = staff.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Delegation of 5 people" in page and "4 of 5" in page


def test_the_door_page_offers_the_camera_and_a_photo(world):
    meeting = exchange(world)
    html = login(world, "committee_staff").get(reverse("meetings:checkin", args=[meeting.pk]))
    page = html.content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert reverse("meetings:checkin_scan", args=[meeting.pk]) in page
    assert "meetings/door.js" in page and "<script>" not in page


# --- the camera: decoding on the server -------------------------------------------------------


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_photo_of_the_qr_code_checks_the_invitee_in(world, kind):
    meeting = exchange(world)
    delegation = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=5)
    url = reverse("meetings:checkin_scan", args=[meeting.pk])

    response = login(world, "committee_staff").post(
        url, {"scan-photo": qr_photo(delegation.code, kind), "scan-present": "3"}
    )

    assert response.status_code == 200 and response["X-Check-In"] == "checked_in"
    assert 'id="checkin-ok"' in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.checked_in_at is not None and delegation.present_count == 3


def test_a_frame_without_a_code_is_a_clear_refusal_and_the_camera_keeps_looking(world):
    meeting = exchange(world)
    url = reverse("meetings:checkin_scan", args=[meeting.pk])
    staff = login(world, "committee_staff")

    frame = staff.post(url, {"scan-photo": blank_photo()}, headers={"HX-Request": "true"})

    assert frame["X-Check-In"] == "no_code"
    assert "No QR code was found in the photo" in frame.content.decode()
    text = staff.post(url, {"scan-photo": SimpleUploadedFile("notes.jpg", b"not an image at all")})
    assert text["X-Check-In"] == "not_an_image" and "not a photo" in text.content.decode()
    stranger = staff.post(url, {"scan-photo": qr_photo("ZZZZ2222")})
    assert stranger["X-Check-In"] == "unknown_code"
    assert "No invitation has the code ZZZZ2222." in stranger.content.decode()


def test_the_decoder_is_for_the_door_keepers_only(world):
    meeting = exchange(world)
    invited = invitation_add(actor=None, meeting=meeting, unit=world.own, delegation_size=2)
    url = reverse("meetings:checkin_scan", args=[meeting.pk])
    # The unit officer sees the meeting (their unit is invited) but does not keep the door.
    officer = login(world, "unit_officer")
    assert officer.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 200
    assert officer.post(url, {"scan-photo": qr_photo(invited.code)}).status_code == 403
    assert login(world, "nobody").post(url, {"scan-photo": qr_photo(invited.code)}).status_code == (
        404
    )
    assert login(world, "committee_staff").get(url).status_code == 405
    invited.refresh_from_db()
    assert invited.checked_in_at is None


def test_the_decoder_needs_the_csrf_token(world):
    meeting = exchange(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["committee_staff"])
    url = reverse("meetings:checkin_scan", args=[meeting.pk])
    assert client.post(url, {"scan-photo": blank_photo()}).status_code == 403


def test_the_decoder_is_rate_limited(world, monkeypatch):
    monkeypatch.setattr(views, "SCAN_RATE", "2/m")
    meeting = exchange(world)
    url = reverse("meetings:checkin_scan", args=[meeting.pk])
    staff = login(world, "committee_staff")
    outcomes = [staff.post(url, {"scan-photo": blank_photo()}) for _ in range(3)]
    assert [r.status_code for r in outcomes] == [200, 200, 429]
    assert outcomes[-1]["X-Check-In"] == "throttled"


# --- lists and exports ------------------------------------------------------------------------


def test_the_minutes_and_the_list_show_delegations(world):
    meeting = exchange(world)
    own = invitation_add(
        actor=None, meeting=meeting, unit=world.own, delegation_size=5, head="Chair"
    )
    invitation_add(actor=None, meeting=meeting, label="Eyewear Co.", delegation_size=2)
    check_in(actor=None, meeting=meeting, code=own.code, present=4)

    text = minutes_text_from_record(meeting)

    assert "Invited: 7; registered: 0; present: 4." in text
    assert "Delegations (units): 2 invited, 1 present." in text
    assert "- Own unit: 4 of 5 (head: Chair)" in text
    listing = login(world, "committee_staff").get(reverse("meetings:meeting_list"))
    row = listing.content.decode().split("Demonstration exchange", 1)[1]
    assert '<td class="num">7</td>' in row and '<td class="num">4</td>' in row


def test_the_api_invites_and_checks_in_a_delegation(world):
    meeting = exchange(world)
    staff = ApiClient(world.users["committee_staff"])
    created = staff.post(
        f"/meetings/{meeting.pk}/invitations",
        {"unit_id": world.own.pk, "delegation_size": 6, "head": "Chair", "role": "member"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["delegation_size"], body["head"], body["present_count"]) == (6, "Chair", None)

    result = staff.post(f"/meetings/{meeting.pk}/check-in", {"code": body["code"], "present": 5})

    assert result.status_code == 200, result.content
    assert result.json()["invitation"]["present_count"] == 5
    assert result.json()["attendance"]["present"] == 5
    assert result.json()["attendance"]["delegations_present"] == 1
    refused = staff.post(
        f"/meetings/{meeting.pk}/invitations",
        {"user_id": world.users["viewer"].pk, "delegation_size": 2},
    )
    assert "user" in str(assert_error_shape(refused, 422)["detail"])


def test_the_meeting_page_invites_a_delegation(world):
    meeting = exchange(world)
    staff = login(world, "committee_staff")
    url = reverse("meetings:invitation_add", args=[meeting.pk])
    form = {"invite-unit": world.own.pk, "invite-role": "member", "invite-delegation_size": "7"}

    response = staff.post(url, {**form, "invite-head": "Chair"}, follow=True)

    assert "is invited" in response.content.decode()
    invited = meeting.invitations.get(unit=world.own)
    assert (invited.delegation_size, invited.head) == (7, "Chair")
    refused = staff.post(
        url,
        {**form, "invite-unit": world.sibling.pk, "invite-user": world.users["viewer"].pk},
    )
    assert "name its head instead" in refused.content.decode()
    assert not meeting.invitations.filter(unit=world.sibling).exists()
