"""Minutes of a vote: the result and the paper entries, never who voted what."""

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal as D

import docx
import pytest
from django.core.exceptions import ValidationError

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots.minutes import minutes_docx, minutes_pdf
from pacesetter.ballots.models import Majority
from pacesetter.ballots.services import (
    ballot_cast,
    paper_tally_enter,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
)
from pacesetter.bodies.services import body_member_add
from pacesetter.clusters.services import cluster_member_add
from pacesetter.units.tests.factories import UnitFactory


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


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    """All the document's text, and its tables as rows of cell texts."""
    document = docx.Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join("\n".join(cell for row in t for cell in row) for t in tables)
    props = document.core_properties
    text += "\n".join([props.author or "", props.title or "", props.last_modified_by or ""])
    return text, tables


@pytest.fixture
def voters(world):
    """Cluster A's three member units, each voting through a named officer."""
    third = UnitFactory(code="THIRD", name="Third unit", parent=world.root)
    cluster_member_add(actor=None, cluster=world.cluster, unit=third, start=dt.date(2024, 1, 1))
    people = {"own": world.users["unit_officer"]}
    people["own"].first_name, people["own"].last_name = "Trần", "Văn Bình"
    people["own"].save()
    for key, unit, name in (("sibling", world.sibling, "Lê"), ("third", third, "Phạm")):
        people[key] = UserFactory(username=f"voter.{key}", first_name=name, last_name="Thị Mai")
        role_grant(actor=None, user=people[key], role=Role.UNIT_OFFICER, unit=unit)
    return people


@pytest.fixture
def published_poll(world, voters):
    """A cluster vote on two candidates with two electronic and two paper ballots."""
    poll = poll_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        title="Cờ thi đua cấp tỉnh 2024",
        kind="yes_no",
        options=["Own unit", "Sibling unit"],
        cluster=world.cluster,
        quorum=D("0.5"),
        majority=Majority.ABSOLUTE,
        base="cast",
    )
    poll = poll_open(actor=world.users["committee_staff"], poll=poll)
    own, sibling = poll.options.order_by("position").values_list("pk", flat=True)
    ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes", sibling: "no"})
    ballot_cast(voter=voters["sibling"], poll=poll, choices={own: "yes", sibling: "abstain"})
    staff = world.users["committee_staff"]
    staff.first_name, staff.last_name = "Hoàng", "Kiểm Phiếu"
    staff.save()
    paper_tally_enter(
        actor=staff, poll=poll, ballots=1, totals={own: (1, 0, 0), sibling: (0, 1, 0)}
    )
    poll_close(actor=staff, poll=poll)
    return poll_publish(actor=staff, poll=poll)


def test_the_docx_minutes_hold_the_result_table_and_no_voter(published_poll, voters):
    text, tables = docx_text(minutes_docx(published_poll, "en"))
    result = next(t for t in tables if t[0][:4] == ["Candidate or motion", "Yes", "No", "Abstain"])
    assert result[1] == ["Own unit", "3", "0", "0", "Carried"]  # 2 online + 1 on paper
    assert result[2] == ["Sibling unit", "0", "2", "1", "Not carried"]
    assert published_poll.digest in text
    assert "Cluster A" in text and "Committee" in text
    assert "Hoàng Kiểm Phiếu" in text  # who entered the paper totals
    assert "The quorum was met" in text
    assert "50% of the entitled weight must vote: met" in text
    for voter in voters.values():
        assert voter.get_full_name() not in text
        assert voter.username not in text


def test_the_docx_minutes_in_vietnamese(published_poll):
    text, tables = docx_text(minutes_docx(published_poll, "vi"))
    assert "Cờ thi đua cấp tỉnh 2024" in text
    assert any(row[1:4] == ["3", "0", "0"] for t in tables for row in t)
    assert "Có" in text  # the "Yes" column, translated


def test_the_pdf_minutes_open_and_read(published_poll, voters, tmp_path):
    data = minutes_pdf(published_poll, "zh-hans")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data, tmp_path)
    assert "Cờ thi đua cấp tỉnh 2024" in text and "Own unit" in text
    assert published_poll.digest[:32] in text.replace(" ", "")
    assert "是" in text  # the "Yes" column in Chinese
    for voter in voters.values():
        assert voter.get_full_name() not in text


def test_an_approval_vote_states_the_elected_and_the_tie(world, tmp_path):
    people = [UserFactory(username=f"councillor{i}") for i in range(3)]
    for person in people:
        body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 1, 1))
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Two of three",
        kind="approval",
        options=["A", "B", "C"],
        body=world.council,
        max_choices=2,
    )
    poll = poll_open(actor=None, poll=poll)
    a, b, c = poll.options.order_by("position").values_list("pk", flat=True)
    # Each candidate gets two of three approvals: three carry for two seats.
    for person, pair in zip(people, ((a, b), (b, c), (a, c)), strict=True):
        ballot_cast(voter=person, poll=poll, choices=dict.fromkeys(pair, "yes"))
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    text, tables = docx_text(minutes_docx(poll, "en"))
    assert "tie at the last seat" in text
    result = next(t for t in tables if t[0][0] == "Candidate or motion")
    assert result[0] == ["Candidate or motion", "Approvals", "Not chosen", "Outcome"]
    assert [row[3] for row in result[1:]].count("Elected") == 2
    assert "tie at the last seat" in pdf_text(minutes_pdf(poll, "en"), tmp_path)


def test_a_poll_not_yet_published_has_no_minutes(world, published_poll):
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Not yet",
        kind="yes_no",
        options=["A"],
        cluster=world.cluster,
    )
    for render in (minutes_docx, minutes_pdf):
        with pytest.raises(ValidationError, match="published"):
            render(poll, "en")
