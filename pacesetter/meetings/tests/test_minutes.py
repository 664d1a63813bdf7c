"""Minutes drafted from the record, edited, finalized and locked; the .docx and .pdf."""

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal as D

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.ballots.services import ballot_cast, poll_close, poll_open, poll_publish
from pacesetter.core.errors import ConflictError
from pacesetter.meetings.minutes import blocks, minutes_text_from_record, render_docx, render_pdf
from pacesetter.meetings.models import InviteeRole, MeetingKind, Minutes, MinutesState
from pacesetter.meetings.services import (
    TaskSpec,
    agenda_item_add,
    check_in,
    document_add,
    finding_add,
    finding_follow_up,
    invitation_add,
    meeting_create,
    meeting_poll_create,
    meeting_set_state,
    minutes_draft,
    minutes_finalize,
    minutes_update,
    registration_set,
    resolution_create,
    visited_units_set,
)
from pacesetter.workplans.services import plan_create

PASSWORD = "pacesetter-test"
STARTS = dt.datetime(2021, 5, 26, 9, 0, tzinfo=dt.UTC)


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text through poppler's pdftotext (required on CI, skipped elsewhere)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def plan(world):
    return plan_create(
        actor=None,
        body=world.council,
        name="Second half-year 2021",
        kind="half_year",
        period_start=dt.date(2021, 6, 1),
        period_end=dt.date(2021, 12, 31),
    )


@pytest.fixture
def record(world, plan):
    """The council meeting with everything the minutes report on."""
    staff, officer = world.users["committee_staff"], world.users["unit_officer"]
    meeting = meeting_create(
        actor=staff,
        kind=MeetingKind.COUNCIL,
        title="9th standing council, 3rd session",
        organizer_unit=world.committee,
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=2, minutes=30),
        place="Changsha, Hunan",
        chair="Trần Văn Bình",
        body=world.council,
        quorum=D("0.5"),
    )
    mine = invitation_add(actor=staff, meeting=meeting, user=officer, unit=world.own)
    invitation_add(actor=staff, meeting=meeting, unit=world.sibling)
    invitation_add(actor=staff, meeting=meeting, label="Guest of honour", role=InviteeRole.GUEST)
    registration_set(actor=officer, invitation=mine, registered=True)
    check_in(actor=staff, meeting=meeting, code=mine.code, at=STARTS + dt.timedelta(minutes=5))

    agenda_item_add(actor=staff, meeting=meeting, title="Opening", duration_minutes=10)
    report = agenda_item_add(
        actor=staff, meeting=meeting, title="Work report of the half-year", duration_minutes=30
    )
    agenda_item_add(
        actor=staff,
        meeting=meeting,
        title="Standardization committee",
        duration_minutes=15,
        parent=report,
        speaker="Lê Thị Mai",
        speaker_unit=world.own,
    )
    document_add(
        actor=staff,
        meeting=meeting,
        title="Half-year work report",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"),
        agenda_item=report,
    )

    poll = meeting_poll_create(
        actor=staff,
        meeting=meeting,
        title="Approve the key tasks",
        kind="yes_no",
        options=["Key tasks of the second half-year"],
    )
    poll_open(actor=staff, poll=poll)
    option = poll.options.get()
    ballot_cast(voter=officer, poll=poll, choices={option.pk: "yes"})
    poll_close(actor=staff, poll=poll)
    poll_publish(actor=staff, poll=poll)
    meeting_poll_create(
        actor=staff, meeting=meeting, title="Elect the deputy chair", kind="yes_no", options=["A"]
    )

    resolution_create(
        actor=staff,
        meeting=meeting,
        text="The council adopts the seven key tasks of the second half-year.",
        adopted_on=dt.date(2021, 5, 26),
        poll=poll,
        plan=plan,
        tasks=[
            TaskSpec(
                title="Hold the optometry skills competition",
                lead_unit=world.own,
                due=dt.date(2021, 10, 31),
                lead_person=officer,
            ),
            TaskSpec(
                title="Set up the standardization technical committee",
                lead_unit=world.sibling,
                due=dt.date(2021, 12, 15),
            ),
        ],
    )
    return meeting


def test_the_draft_holds_what_the_record_holds(record):
    text = minutes_text_from_record(record)
    local = timezone.localtime(STARTS)
    assert text.startswith("# Minutes: 9th standing council, 3rd session\n")
    assert formats.date_format(local, "DATE_FORMAT") in text
    assert "Place: Changsha, Hunan" in text
    assert "Chair: Trần Văn Bình" in text
    assert "Organizer: Committee" in text and "Body: Council" in text
    # attendance: 3 invited, the officer registered and checked in; 2 voting members,
    # quorum 50% → 1 present needed
    assert "Invited: 3; registered: 1; present: 1." in text
    assert "Voting members: 2 invited, 1 present." in text
    assert "Quorum: 50% of the voting members, that is 1 present: met." in text
    # the agenda as an outline with durations (an item counts its sub-items) and speakers
    assert "- 1. Opening — 10 min" in text
    assert "- 2. Work report of the half-year — 45 min" in text
    assert "  - 2.1. Standardization committee — 15 min — speaker: Lê Thị Mai (Own unit)" in text
    assert "Planned time: 55 min." in text
    assert "- Half-year work report (Report) — agenda item 2. Work report of the half-year" in text
    # ballots: the published result, and one not published yet
    assert "## Approve the key tasks" in text
    assert "Voted: 1 of 1 entitled votes. Quorum met." in text
    assert "- Key tasks of the second half-year: yes 1, no 0, abstain 0 — carried" in text
    assert "## Elect the deputy chair\nThe result has not been published yet." in text
    # the resolution and the tasks it created
    assert "The council adopts the seven key tasks of the second half-year." in text
    assert "Adopted by the ballot “Approve the key tasks”." in text
    assert (
        "- Hold the optometry skills competition — lead: Own unit (officer) — due "
        + formats.date_format(dt.date(2021, 10, 31), "DATE_FORMAT")
    ) in text
    assert "- Set up the standardization technical committee — lead: Sibling unit" in text
    assert "Research visit" not in text


def test_the_draft_of_a_research_visit_holds_its_findings_and_follow_ups(world, plan):
    staff = world.users["committee_staff"]
    visit = meeting_create(
        actor=staff,
        kind=MeetingKind.RESEARCH_VISIT,
        title="Research visit to Hunan",
        organizer_unit=world.committee,
        starts_at=STARTS,
        topics="Skills training\nParty building",
    )
    invitation_add(actor=staff, meeting=visit, label="Nguyễn Văn An", role=InviteeRole.TEAM)
    visited_units_set(actor=staff, meeting=visit, units=[world.own, world.sibling])
    finding = finding_add(
        actor=staff,
        meeting=visit,
        unit=world.own,
        topic="Skills training",
        text="Apprentices learn on the job only.",
    )
    finding_follow_up(
        actor=staff,
        finding=finding,
        plan=plan,
        spec=TaskSpec(title="Run a training course", lead_unit=world.own, due=dt.date(2021, 9, 30)),
    )
    text = minutes_text_from_record(visit)
    assert "# Research visit" in text
    assert "Visiting team: Nguyễn Văn An" in text
    assert "Visited units: Own unit; Sibling unit" in text
    assert "- Skills training\n- Party building" in text
    assert "## Own unit\n- Skills training: Apprentices learn on the job only." in text
    assert "  - Follow-up: Run a training course — lead: Own unit" in text
    assert "No quorum is set for this meeting." in text


def test_draft_edit_and_a_stale_version(world, record):
    staff = world.users["committee_staff"]
    minutes = minutes_draft(actor=staff, meeting=record)
    assert minutes.state == MinutesState.DRAFT and minutes.version == 1
    assert "Hold the optometry skills competition" in minutes.text

    edited = minutes_update(
        actor=staff,
        minutes=minutes,
        text=minutes.text + "The meeting closed at 11:30.\n",
        version=1,
    )
    assert edited.version == 2
    with pytest.raises(ConflictError):
        minutes_update(actor=staff, minutes=minutes, text="Someone else's text", version=1)
    assert Minutes.objects.get(pk=minutes.pk).text.endswith("closed at 11:30.\n")
    with pytest.raises(ValidationError) as exc:
        minutes_update(actor=staff, minutes=minutes, text="  \n", version=2)
    assert "text" in exc.value.message_dict

    # A redraft replaces the text; over a newer edit it is refused.
    with pytest.raises(ConflictError):
        minutes_draft(actor=staff, meeting=record, version=1)
    redrafted = minutes_draft(actor=staff, meeting=record, version=2)
    assert redrafted.version == 3 and "closed at 11:30" not in redrafted.text
    actions = list(
        AuditEntry.objects.filter(target_type="meetings.minutes")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["minutes.draft", "minutes.update", "minutes.redraft"]


def test_finalizing_locks_the_minutes_and_the_record(world, record):
    staff = world.users["committee_staff"]
    minutes = minutes_draft(actor=staff, meeting=record)
    with pytest.raises(ValidationError, match="held before finalizing"):
        minutes_finalize(actor=staff, minutes=minutes, version=1)
    assert not Minutes.objects.get(pk=minutes.pk).is_locked
    meeting_set_state(actor=staff, meeting=record, state="held")
    with pytest.raises(ConflictError):
        minutes_finalize(actor=staff, minutes=minutes, version=7)
    final = minutes_finalize(actor=staff, minutes=minutes, version=1)
    assert final.state == MinutesState.FINAL and final.is_locked
    assert final.finalized_by == staff and final.finalized_at is not None

    with pytest.raises(ValidationError, match="final"):
        minutes_update(actor=staff, minutes=final, text="changed", version=final.version)
    with pytest.raises(ValidationError, match="final"):
        minutes_draft(actor=staff, meeting=record)
    with pytest.raises(ValidationError, match="final"):
        minutes_finalize(actor=staff, minutes=final, version=final.version)
    # the meeting's record is locked with them, its state too
    with pytest.raises(ValidationError, match="final"):
        agenda_item_add(actor=staff, meeting=record, title="Late item")
    with pytest.raises(ValidationError, match="minutes are final"):
        meeting_set_state(actor=staff, meeting=record, state="cancelled")


def test_minutes_of_a_meeting_not_held_are_not_finalized_on_the_page(client, world, record):
    client.force_login(world.users["committee_staff"])
    url = reverse("meetings:minutes", args=[record.pk])
    client.post(url, {"action": "draft"})
    minutes = Minutes.objects.get(meeting=record)
    response = client.post(
        url, {"action": "finalize", "text": minutes.text + "Signed.\n", "version": 1}
    )
    assert response.status_code == 200
    assert b"Mark the meeting as held before finalizing its minutes." in response.content
    minutes.refresh_from_db()
    assert not minutes.is_locked and minutes.version == 1  # the text was not saved either


def test_a_cancelled_meeting_has_no_minutes(world, record):
    meeting_set_state(actor=None, meeting=record, state="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        minutes_draft(actor=None, meeting=record)
    assert not Minutes.objects.exists()


def test_blocks_read_the_text_structure():
    text = "# Title\nA paragraph\n\n## Sub\n- one\n  - under one\n• two\n"
    assert [(b.kind, b.text) for b in blocks(text)] == [
        ("h1", "Title"),
        ("p", "A paragraph"),
        ("h2", "Sub"),
        ("li", "one"),
        ("li2", "under one"),
        ("li", "two"),
    ]


def test_the_docx_opens_and_says_what_the_text_says(world, record):
    staff = world.users["committee_staff"]
    minutes = minutes_draft(actor=staff, meeting=record)
    minutes = minutes_update(
        actor=staff, minutes=minutes, text=minutes.text + "Closing words by the chair.\n", version=1
    )
    text = docx_text(render_docx(minutes))
    assert "9th standing council, 3rd session" in text
    assert "Draft" in text.splitlines()[0]  # the header line
    assert "Hold the optometry skills competition" in text
    assert "Closing words by the chair." in text
    meeting_set_state(actor=staff, meeting=record, state="held")

    document = docx.Document(io.BytesIO(render_docx(minutes)))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Attendance"] == "Heading 1"
    assert styles["Approve the key tasks"] == "Heading 2"
    assert styles["1. Opening — 10 min"] == "List Bullet"

    final = minutes_finalize(actor=staff, minutes=minutes, version=minutes.version)
    text = docx_text(render_docx(final))
    assert "Final" in text.splitlines()[0]
    assert "Finalized on" in text


def test_the_pdf_prints_vietnamese_and_chinese(world, record, tmp_path):
    staff = world.users["committee_staff"]
    record.title_en = "中国眼镜协会第九届常务理事会"
    record.save(update_fields=["title_en"])
    minutes = minutes_draft(actor=staff, meeting=record)
    data = render_pdf(minutes)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data, tmp_path)
    assert "中国眼镜协会第九届常务理事会" in text
    assert "Trần Văn Bình" in text and "Lê Thị Mai" in text
    assert "Hold the optometry skills competition" in text
    assert "Draft" in text


# --- the screen -------------------------------------------------------------------------


def login(client, world, key):
    client.force_login(world.users[key])


def test_managers_draft_edit_and_finalize_on_the_page(client, world, record):
    login(client, world, "committee_staff")
    url = reverse("meetings:minutes", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Draft from the record" in page.content

    client.post(url, {"action": "draft"})
    minutes = Minutes.objects.get(meeting=record)
    page = client.get(url)
    assert b"<textarea" in page.content and b"Hold the optometry skills" in page.content

    text = minutes.text + "Closing words.\r\n"
    response = client.post(url, {"action": "save", "text": text, "version": 1})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.version == 2 and minutes.text.endswith("Closing words.\n")  # LF only

    # Someone saves on the old version: nothing is saved, their text stays in the form.
    response = client.post(url, {"action": "save", "text": "Mine", "version": 1})
    assert response.status_code == 200
    assert b"Someone else saved these minutes" in response.content
    assert b">Mine</textarea>" in response.content
    assert b'name="version" value="2"' in response.content
    minutes.refresh_from_db()
    assert minutes.version == 2 and minutes.text.endswith("Closing words.\n")

    # Finalizing saves what was typed first.
    meeting_set_state(actor=None, meeting=record, state="held")
    response = client.post(
        url, {"action": "finalize", "text": minutes.text + "Signed.\n", "version": 2}
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_locked and minutes.text.endswith("Signed.\n")
    page = client.get(url)
    assert b"<textarea" not in page.content and b"Finalized on" in page.content
    client.post(url, {"action": "save", "text": "after", "version": minutes.version})
    minutes.refresh_from_db()
    assert minutes.text.endswith("Signed.\n")


def test_the_live_preview(client, world, record):
    login(client, world, "committee_staff")
    url = reverse("meetings:minutes_preview", args=[record.pk])
    response = client.post(url, {"text": "# Heading\n- item"}, HTTP_HX_REQUEST="true")
    assert b"<h2>Heading</h2>" in response.content and b"<li>item</li>" in response.content
    login(client, world, "unit_officer")
    assert client.post(url, {"text": "x"}).status_code == 403


@pytest.mark.parametrize("key", ["unit_officer", "council_member", "viewer"])
def test_who_may_see_the_meeting_reads_and_downloads_but_does_not_edit(client, world, record, key):
    minutes_draft(actor=None, meeting=record)
    login(client, world, key)
    page = client.get(reverse("meetings:minutes", args=[record.pk]))
    assert page.status_code == 200
    assert b"<textarea" not in page.content and b"Hold the optometry skills" in page.content
    response = client.get(reverse("meetings:minutes_docx", args=[record.pk]))
    assert response.status_code == 200
    assert "Hold the optometry skills" in docx_text(response.content)
    response = client.get(reverse("meetings:minutes_pdf", args=[record.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    url = reverse("meetings:minutes", args=[record.pk])
    assert client.post(url, {"action": "draft"}).status_code == 403


@pytest.mark.parametrize("key", ["nobody", "cluster_leader"])
def test_others_do_not_see_the_minutes(client, world, record, key):
    minutes_draft(actor=None, meeting=record)
    login(client, world, key)
    for name in ("meetings:minutes", "meetings:minutes_docx", "meetings:minutes_pdf"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404


def test_downloads_before_any_draft_go_back_to_the_page(client, world, record):
    login(client, world, "committee_staff")
    response = client.get(reverse("meetings:minutes_pdf", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:minutes", args=[record.pk])


def _failing_audit(*args, **kwargs):
    raise RuntimeError("the audit chain is unavailable")


def test_each_minutes_service_writes_its_audit_entry(world, record):
    staff = world.users["committee_staff"]
    minutes = minutes_draft(actor=staff, meeting=record)
    minutes = minutes_update(actor=staff, minutes=minutes, text="# Minutes\n", version=1)
    meeting_set_state(actor=staff, meeting=record, state="held")
    minutes_finalize(actor=staff, minutes=minutes, version=minutes.version)
    entries = AuditEntry.objects.filter(target_type="meetings.minutes", target_id=str(minutes.pk))
    by_action = {e.action: e for e in entries}
    assert set(by_action) == {"minutes.draft", "minutes.update", "minutes.finalize"}
    assert all(e.actor_id == staff.pk for e in entries)
    assert by_action["minutes.update"].changes["text"][1] == "# Minutes\n"
    assert by_action["minutes.finalize"].changes["state"] == ["draft", "final"]


def test_a_minutes_service_that_fails_saves_nothing(world, record, monkeypatch):
    staff = world.users["committee_staff"]
    monkeypatch.setattr("pacesetter.audit.services.audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        minutes_draft(actor=staff, meeting=record)
    assert not Minutes.objects.exists()
    monkeypatch.undo()

    minutes = minutes_draft(actor=staff, meeting=record)
    meeting_set_state(actor=staff, meeting=record, state="held")
    monkeypatch.setattr("pacesetter.audit.services.audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        minutes_update(actor=staff, minutes=minutes, text="changed\n", version=1)
    with pytest.raises(RuntimeError):
        minutes_finalize(actor=staff, minutes=minutes, version=1)
    stored = Minutes.objects.get(pk=minutes.pk)
    assert (stored.text, stored.version, stored.state) == (minutes.text, 1, MinutesState.DRAFT)


def test_minutes_finalized_by_the_system_show_on_the_page_and_in_the_files(client, world, record):
    # The demo loader finalizes with no user: ``finalized_by`` is None (the page used to
    # fail on it).
    meeting_set_state(actor=None, meeting=record, state="held")
    minutes = minutes_draft(actor=None, meeting=record)
    minutes_finalize(actor=None, minutes=minutes, version=minutes.version)
    login(client, world, "committee_staff")
    page = client.get(reverse("meetings:minutes", args=[record.pk]))
    assert page.status_code == 200
    assert b"by unknown. The minutes are locked" in page.content
    docx_file = client.get(reverse("meetings:minutes_docx", args=[record.pk]))
    assert "by unknown." in docx_text(docx_file.content)


def test_finalizing_with_the_text_typed_saves_it_first(world, record):
    staff = world.users["committee_staff"]
    minutes = minutes_draft(actor=staff, meeting=record)
    with pytest.raises(ValidationError) as refused:
        minutes_finalize(actor=staff, minutes=minutes, version=1, text="# Signed\n")
    assert refused.value.error_list[0].code == "not_held"
    assert Minutes.objects.get(pk=minutes.pk).version == 1  # the text was not saved either

    meeting_set_state(actor=staff, meeting=record, state="held")
    final = minutes_finalize(actor=staff, minutes=minutes, version=1, text="# Signed\n")
    assert (final.text, final.version, final.state) == ("# Signed\n", 3, MinutesState.FINAL)
    actions = list(
        AuditEntry.objects.filter(target_type="meetings.minutes")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["minutes.draft", "minutes.update", "minutes.finalize"]


def test_a_first_draft_over_minutes_drafted_meanwhile_is_stale(world, record):
    # Two managers on the page without minutes both press "Draft from the record".
    minutes_draft(actor=None, meeting=record)
    with pytest.raises(ConflictError):
        minutes_draft(actor=world.users["committee_staff"], meeting=record)
    assert Minutes.objects.get(meeting=record).version == 1
