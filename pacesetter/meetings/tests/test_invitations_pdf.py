"""Invitation PDFs: the meeting, the invitee, the personal code in large type and as a QR
code that encodes just the code; who may download them."""

import os
import shutil
import subprocess

import pytest
import segno
from django.urls import reverse
from PIL import Image

from pacesetter.meetings.invitations import QR_SIZE, invitation_pdf, qr_png
from pacesetter.meetings.policies import invitation_policy
from pacesetter.meetings.services import meeting_set_state

from .conftest import make_meeting
from .factories import InvitationFactory

PASSWORD = "pacesetter-test"


def poppler(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (poppler-utils) is required on CI")
        pytest.skip(f"{tool} (poppler-utils) is not installed")


def pdf_text(data: bytes, tmp_path) -> str:
    poppler("pdftotext")
    path = tmp_path / "invitations.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    poppler("pdftotext")
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def modules(image: Image.Image, size: int, *, scale: int = 10, border: int = 4) -> list[list[int]]:
    """Read a QR symbol's modules back from its picture (1 = dark)."""
    grey = image.convert("L")

    def dark(row: int, column: int) -> int:
        x = (border + column) * scale + scale // 2
        y = (border + row) * scale + scale // 2
        value = grey.getpixel((x, y))  # one grey level in an "L" image
        assert isinstance(value, int)
        return int(value < 128)

    return [[dark(r, c) for c in range(size)] for r in range(size)]


def test_the_qr_picture_is_the_qr_code_of_the_code_alone(council):
    code = council.officer_invitation.code
    symbol = segno.make_qr(code, error="m")
    assert not symbol.is_micro  # phone scanners read full QR codes
    expected = [list(row) for row in symbol.matrix]
    assert modules(Image.open(qr_png(code)), len(expected)) == expected


def test_the_pdf_carries_the_meeting_the_invitee_and_the_code(council, tmp_path):
    invitation = council.officer_invitation
    data = invitation_pdf([invitation])
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert "9th standing council, 3rd session" in text
    assert "Changsha" in text
    assert "officer (Own unit)" in text  # the invitee: the person for the unit
    assert invitation.code in text

    # The picture on the page is the QR code of the code (read back from the PDF).
    poppler("pdfimages")
    (tmp_path / "one.pdf").write_bytes(data)
    subprocess.run(["pdfimages", "-png", str(tmp_path / "one.pdf"), str(tmp_path / "img")])
    pictures = sorted(tmp_path.glob("img-*.png"))
    assert len(pictures) == 1
    expected = [list(row) for row in segno.make_qr(invitation.code, error="m").matrix]
    assert modules(Image.open(pictures[0]), len(expected)) == expected
    assert QR_SIZE >= 40  # millimetres: large enough to scan from a phone at the door


def test_one_page_per_invitation_in_chinese_and_vietnamese(world, council, tmp_path):
    meeting = make_meeting(world, title="中国眼镜协会第九届常务理事会", place="Trường Sa, Hồ Nam")
    first = InvitationFactory(meeting=meeting, label="Nguyễn Thị Hoa")
    second = InvitationFactory(meeting=meeting, label="张伟")
    pages = pdf_pages(invitation_pdf(meeting.invitations.order_by("pk")), tmp_path)
    assert len(pages) == 2
    assert "中国眼镜协会第九届常务理事会" in pages[0] and "Trường Sa, Hồ Nam" in pages[0]
    assert "Nguyễn Thị Hoa" in pages[0] and first.code in pages[0]
    assert "张伟" in pages[1] and second.code in pages[1] and first.code not in pages[1]


def test_a_cancelled_meeting_says_so(council, tmp_path):
    meeting_set_state(actor=None, meeting=council.meeting, state="cancelled")
    text = pdf_text(invitation_pdf([council.guest_invitation]), tmp_path)
    assert "This meeting has been cancelled." in text


# --- downloads and who may make them ------------------------------------------------------


def login(client, world, key):
    client.force_login(world.users[key])


def one(invitation):
    return reverse("meetings:invitation_pdf", args=[invitation.pk])


def test_the_invitee_downloads_their_own_invitation_only(client, world, council, tmp_path):
    login(client, world, "unit_officer")
    response = client.get(one(council.officer_invitation))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert council.officer_invitation.code in pdf_text(response.content, tmp_path)
    assert client.get(one(council.unit_invitation)).status_code == 404  # the sibling unit's
    assert client.get(one(council.guest_invitation)).status_code == 404
    all_of_them = reverse("meetings:invitations_pdf", args=[council.meeting.pk])
    assert client.get(all_of_them).status_code == 403  # sees the meeting, does not manage it


def test_the_officers_of_an_invited_unit_download_its_invitation(client, world, council):
    child = InvitationFactory(meeting=council.meeting, unit=world.child)
    login(client, world, "unit_officer")  # officer of Own unit, above Child unit
    assert client.get(one(child)).status_code == 200
    login(client, world, "viewer")  # a viewer of Own unit does not represent it
    assert client.get(one(child)).status_code == 404


def test_managers_print_every_invitation_at_once(client, world, council, tmp_path):
    login(client, world, "committee_staff")
    response = client.get(reverse("meetings:invitations_pdf", args=[council.meeting.pk]))
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path)
    assert len(pages) == 3
    codes = {
        council.officer_invitation.code,
        council.unit_invitation.code,
        council.guest_invitation.code,
    }
    assert {code for code in codes for page in pages if code in page} == codes
    assert client.get(one(council.guest_invitation)).status_code == 200


def test_printing_a_meeting_without_invitations_goes_back_to_it(client, world):
    meeting = make_meeting(world, title="Nobody invited yet")
    login(client, world, "committee_staff")
    response = client.get(reverse("meetings:invitations_pdf", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[meeting.pk])


@pytest.mark.parametrize("key", ["nobody", "cluster_leader", "council_member"])
def test_others_cannot_download_an_invitation(client, world, council, key):
    login(client, world, key)
    assert client.get(one(council.officer_invitation)).status_code == 404
    status = client.get(reverse("meetings:invitations_pdf", args=[council.meeting.pk])).status_code
    # the council's members see the meeting (403); the others do not even see it (404)
    assert status == (403 if key == "council_member" else 404)


def test_the_invitation_policy_lists_what_each_user_may_download(world, council):
    visible = set(invitation_policy.visible(world.users["unit_officer"]))
    assert visible == {council.officer_invitation}
    everything = {council.officer_invitation, council.unit_invitation, council.guest_invitation}
    assert set(invitation_policy.visible(world.users["committee_staff"])) == everything
    assert set(invitation_policy.visible(world.users["superuser"])) == everything
    assert not invitation_policy.visible(world.users["nobody"]).exists()


def test_the_officers_of_a_unit_do_not_download_an_invitation_addressed_to_a_person(
    client, world, council
):
    personal = InvitationFactory(
        meeting=council.meeting, user=world.users["council_member"], unit=world.own
    )
    login(client, world, "unit_officer")  # officer of Own unit
    assert client.get(one(personal)).status_code == 404
    login(client, world, "council_member")
    assert client.get(one(personal)).status_code == 200
    login(client, world, "committee_staff")
    assert client.get(one(personal)).status_code == 200
