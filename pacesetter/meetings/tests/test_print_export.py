"""The attendance list for paper and its .xlsx: every invitation the page's search finds
(not one page of them), for those who manage the meeting only; text stays text."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.testing.exports import xlsx_cell_types, xlsx_rows

from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


def login(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_attendance_list_prints_every_invitation_not_one_page(world, council):
    from pacesetter.meetings.views import INVITATIONS_PER_PAGE

    meeting = council.meeting
    for number in range(INVITATIONS_PER_PAGE + 5):
        InvitationFactory(meeting=meeting, label=f"Guest {number:03d}", role="guest")
    staff = login(world, "committee_staff")
    detail = staff.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    url = reverse("meetings:attendance_list", args=[meeting.pk])
    assert url in detail
    page = staff.get(url).content.decode()
    # the three of the council fixture and the guests added here
    assert page.count("data-invitation=") == INVITATIONS_PER_PAGE + 5 + 3
    assert "Guest 000" in page and f"Guest {INVITATIONS_PER_PAGE + 4:03d}" in page
    assert 'class="signature"' in page
    found = staff.get(url, {"who": "guest 007"}).content.decode()
    assert found.count("data-invitation=") == 1


def test_the_attendance_list_export_holds_the_pages_rows_and_keeps_formulas_text(world, council):
    meeting = council.meeting
    InvitationFactory(meeting=meeting, label='=HYPERLINK("http://x")', role="guest")
    staff = login(world, "committee_staff")
    url = reverse("meetings:attendance_list_xlsx", args=[meeting.pk])
    rows = xlsx_rows(staff.get(url))
    assert rows[0][:2] == ["No.", "Invitee"]
    names = [row[1] for row in rows[1:]]
    assert len(names) == 4 and "Guest of honour" in names
    assert xlsx_cell_types(staff.get(url))['=HYPERLINK("http://x")'] == "s"
    searched = xlsx_rows(staff.get(url, {"who": "honour"}))
    assert [row[1] for row in searched[1:]] == ["Guest of honour"]


def test_the_attendance_list_export_is_in_the_users_language(world, council):
    staff = login(world, "committee_staff")
    staff.cookies["django_language"] = "vi"
    url = reverse("meetings:attendance_list_xlsx", args=[council.meeting.pk])
    header = xlsx_rows(staff.get(url, HTTP_ACCEPT_LANGUAGE="vi"))[0]
    assert "Invitee" not in header


@pytest.mark.parametrize("role", ["unit_officer", "council_member", "nobody"])
def test_only_those_who_manage_the_meeting_get_its_attendance_list(world, council, role):
    client = login(world, role)
    for name in ("meetings:attendance_list", "meetings:attendance_list_xlsx"):
        response = client.get(reverse(name, args=[council.meeting.pk]))
        assert response.status_code in (403, 404)
