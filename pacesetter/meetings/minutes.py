"""The minutes of a meeting: their text drafted from the record, and the .docx and .pdf
rendered from it. Drafting, editing and finalizing are services
(``minutes_draft``, ``minutes_update``, ``minutes_finalize`` in
:mod:`pacesetter.meetings.services`).

The minutes are plain text, the one source for the screen's preview and both files:
``# `` starts a heading, ``## `` a subheading, ``- `` a bullet (indented two spaces or
more: a bullet under a bullet); every other non-empty line is a paragraph. Whatever the
editor changes is what the files say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx.shared import Pt, RGBColor
from fpdf.enums import Align, XPos, YPos

from pacesetter.ballots.models import PollKind, PollState
from pacesetter.core.documents import docx_bytes, pdf_bytes, pdf_document, word_document
from pacesetter.core.formatting import number as formatted_number
from pacesetter.core.shares import share_display
from pacesetter.core.translations import ordered
from pacesetter.workplans.models import Task

from .models import (
    Finding,
    InviteeRole,
    Meeting,
    MeetingKind,
    MeetingPoll,
    MeetingState,
    Minutes,
    Resolution,
)
from .selectors import agenda_tree, attendance, local

RED = (150, 27, 27)
INK = (33, 37, 41)
GREY = (90, 90, 90)

# Word's language tags for each site language (East Asian text needs its own tag).


# --- the text's structure -----------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One line of the minutes: ``kind`` is "h1", "h2", "p", "li" or "li2"."""

    kind: str
    text: str


def blocks(text: str) -> list[Block]:
    """The minutes' lines with what each one is; blank lines only separate."""
    out = []
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            continue
        if line.startswith("## "):
            out.append(Block("h2", line[3:].strip()))
        elif line.startswith("# "):
            out.append(Block("h1", line[2:].strip()))
        elif stripped.startswith(("- ", "• ")):
            indented = len(line) - len(stripped) >= 2
            out.append(Block("li2" if indented else "li", stripped[2:].strip()))
        else:
            out.append(Block("p", stripped))
    return out


@dataclass
class Section:
    """Consecutive blocks as the preview shows them: a heading, a paragraph, or a list."""

    kind: str
    text: str = ""
    items: list[Block] = field(default_factory=list)


def sections(text: str) -> list[Section]:
    """The blocks with consecutive bullets gathered into one list (for HTML)."""
    out: list[Section] = []
    for block in blocks(text):
        if block.kind in ("li", "li2"):
            if not out or out[-1].kind != "list":
                out.append(Section("list"))
            out[-1].items.append(block)
        else:
            out.append(Section(block.kind, block.text))
    return out


def _one_line(text: str) -> str:
    """Record text inside a line of the minutes (a title with a line break stays one line)."""
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    """A multi-line record text (a resolution) as its non-empty lines; its own bullets
    stay bullets."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- drafting from the record -----------------------------------------------------------


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _when(meeting: Meeting) -> str:
    """The meeting's date and time on the clocks of its place, with the zone named."""
    start = local(meeting, meeting.starts_at)
    text = formats.date_format(start, "DATETIME_FORMAT")
    if meeting.ends_at:
        end = local(meeting, meeting.ends_at)
        if end.date() == start.date():
            text += " – " + formats.time_format(end, "TIME_FORMAT")
        else:
            text += " – " + formats.date_format(end, "DATETIME_FORMAT")
    return f"{text} ({meeting.time_zone})"


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _number(value: Any) -> str:
    return formatted_number(value or 0)


def _task_line(task: Task) -> str:
    parts = [_one_line(task.title), _("lead: %(unit)s") % {"unit": task.lead_unit.name}]
    if task.lead_person_id is not None:
        parts[-1] += f" ({_person(task.lead_person)})"
    if task.due:
        parts.append(_("due %(date)s") % {"date": _date(task.due)})
    return " — ".join(parts)


def _facts(meeting: Meeting) -> list[str]:
    lines = [
        _("Kind: %(kind)s") % {"kind": meeting.get_kind_display()},
        _("Date and time: %(when)s") % {"when": _when(meeting)},
    ]
    if meeting.place:
        lines.append(_("Place: %(place)s") % {"place": _one_line(meeting.place)})
    if meeting.chair:
        lines.append(_("Chair: %(chair)s") % {"chair": _one_line(meeting.chair)})
    lines.append(_("Organizer: %(unit)s") % {"unit": meeting.organizer_unit.name})
    if meeting.body is not None:
        lines.append(_("Body: %(body)s") % {"body": meeting.body.name})
    if meeting.chain is not None:
        lines.append(_("Chain: %(chain)s") % {"chain": meeting.chain.name})
    if meeting.state == MeetingState.CANCELLED:
        lines.append(_("The meeting was cancelled."))
    return lines


def _attendance_lines(meeting: Meeting) -> list[str]:
    counts = attendance(meeting)
    lines = [
        _("Invited: %(expected)s; registered: %(registered)s; present: %(present)s.")
        % {
            "expected": _number(counts.expected),
            "registered": _number(counts.registered),
            "present": _number(counts.present),
        },
        _("Voting members: %(expected)s invited, %(present)s present.")
        % {
            "expected": _number(counts.voting_expected),
            "present": _number(counts.voting_present),
        },
    ]
    if counts.delegations_expected:
        lines.append(
            _("Delegations (units): %(expected)s invited, %(present)s present.")
            % {
                "expected": _number(counts.delegations_expected),
                "present": _number(counts.delegations_present),
            }
        )
        delegations = (
            meeting.invitations.filter(delegation_size__isnull=False, checked_in_at__isnull=False)
            .select_related("unit", "user")
            .order_by("label", ordered("unit__name"), "pk")
        )
        for invitation in delegations:
            line = _("%(who)s: %(present)s of %(size)s") % {
                "who": _one_line(invitation.display_name),
                "present": _number(invitation.present_count or 0),
                "size": _number(invitation.delegation_size or 0),
            }
            if invitation.head:
                line += " (" + _("head: %(head)s") % {"head": _one_line(invitation.head)} + ")"
            lines.append(f"- {line}")
    if meeting.quorum > 0:
        lines.append(
            _("Quorum: %(share)s of the voting members, that is %(needed)s present: %(met)s.")
            % {
                "share": share_display(meeting.quorum),
                "needed": _number(counts.quorum_needed),
                "met": _("met") if counts.quorum_met else _("not met"),
            }
        )
    else:
        lines.append(_("No quorum is set for this meeting."))
    return lines


def _agenda(meeting: Meeting) -> tuple[list[str], dict[int, str]]:
    """The agenda as an outline ("1", "1.1", numbered as on the meeting's page) with
    durations and speakers, and each item's number by id."""
    nodes, total = agenda_tree(meeting)
    lines: list[str] = []
    numbers: dict[int, str] = {}
    for node in nodes:
        item = node.item
        numbers[item.pk] = node.number
        parts = [f"{node.number}. {_one_line(item.title)}"]
        if node.total_minutes:
            parts.append(_("%(minutes)s min") % {"minutes": node.total_minutes})
        speaker = _one_line(item.speaker)
        if item.speaker_unit is not None:
            unit = item.speaker_unit.name
            speaker = f"{speaker} ({unit})" if speaker else unit
        if speaker:
            parts.append(_("speaker: %(speaker)s") % {"speaker": speaker})
        lines.append(("  - " if node.depth else "- ") + " — ".join(parts))
    if total:
        lines.append(_("Planned time: %(minutes)s min.") % {"minutes": total})
    return lines, numbers


def _documents(meeting: Meeting, numbers: dict[int, str]) -> list[str]:
    lines = []
    for document in meeting.documents.select_related("agenda_item").order_by(
        "agenda_item__position", "agenda_item", "pk"
    ):
        line = f"- {_one_line(document.title)} ({document.get_kind_display()})"
        item = document.agenda_item
        if item is not None:
            line += " — " + _("agenda item %(number)s. %(title)s") % {
                "number": numbers.get(item.pk, ""),
                "title": _one_line(item.title),
            }
        lines.append(line)
    return lines


def _ballots(meeting: Meeting) -> list[str]:
    lines = []
    for link in MeetingPoll.objects.filter(meeting=meeting).select_related("poll").order_by("pk"):
        poll = link.poll
        lines += ["", f"## {_one_line(poll.title)}"]
        result: dict[str, Any] | None = poll.result
        if poll.state != PollState.PUBLISHED or not result:
            lines.append(_("The result has not been published yet."))
            continue
        lines.append(
            _("Voted: %(voted)s of %(entitled)s entitled votes. Quorum %(met)s.")
            % {
                "voted": _number(result.get("voted")),
                "entitled": _number(result.get("entitled")),
                "met": _("met") if result.get("quorum_met") else _("not met"),
            }
        )
        if not result.get("valid"):
            lines.append(_("The quorum was not met: the poll is invalid and nothing passes."))
        elected = set(result.get("elected") or [])
        for option in result.get("options", []):
            if poll.kind == PollKind.APPROVAL:
                lines.append(
                    "- "
                    + _("%(option)s: %(yes)s approvals — %(outcome)s")
                    % {
                        "option": _one_line(option["label"]),
                        "yes": _number(option["yes"]),
                        "outcome": (
                            _("elected") if option["option"] in elected else _("not elected")
                        ),
                    }
                )
            else:
                lines.append(
                    "- "
                    + _("%(option)s: yes %(yes)s, no %(no)s, abstain %(abstain)s — %(outcome)s")
                    % {
                        "option": _one_line(option["label"]),
                        "yes": _number(option["yes"]),
                        "no": _number(option["no"]),
                        "abstain": _number(option["abstain"]),
                        "outcome": _("carried") if option["passed"] else _("not carried"),
                    }
                )
    return lines


def _task_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "tasks",
        queryset=Task.objects.select_related("lead_unit", "lead_person").order_by("position", "pk"),
    )


def _resolutions(meeting: Meeting) -> list[str]:
    lines = []
    for resolution in (
        Resolution.objects.filter(meeting=meeting)
        .select_related("poll")
        .prefetch_related(_task_prefetch())
        .order_by("number")
    ):
        heading = _("Resolution No. %(number)s of %(date)s") % {
            "number": resolution.number,
            "date": _date(resolution.adopted_on),
        }
        lines += ["", f"## {heading}"]
        lines += _lines(resolution.text)
        if resolution.poll is not None:
            lines.append(
                _("Adopted by the ballot “%(poll)s”.") % {"poll": _one_line(resolution.poll.title)}
            )
        tasks = list(resolution.tasks.all())
        if tasks:
            lines.append(_("Key tasks:"))
            lines += [f"- {_task_line(task)}" for task in tasks]
    return lines


def _research(meeting: Meeting) -> list[str]:
    lines = []
    team = [
        invitation.display_name
        for invitation in meeting.invitations.filter(role=InviteeRole.TEAM).select_related(
            "user", "unit"
        )
    ]
    if team:
        lines.append(_("Visiting team: %(names)s") % {"names": "; ".join(team)})
    visited = [unit.name for unit in meeting.visited_units.order_by("path")]
    if visited:
        lines.append(_("Visited units: %(names)s") % {"names": "; ".join(visited)})
    topics = meeting.topic_list
    if topics:
        lines.append(_("Topics:"))
        lines += [f"- {_one_line(topic)}" for topic in topics]
    findings = (
        Finding.objects.filter(meeting=meeting)
        .select_related("unit")
        .prefetch_related(_task_prefetch())
        .order_by("unit__path", "position", "pk")
    )
    current_unit = None
    for finding in findings:
        if finding.unit_id != current_unit:
            current_unit = finding.unit_id
            lines += ["", f"## {finding.unit.name}"]
        lines.append(f"- {_one_line(finding.topic)}: {_one_line(finding.text)}")
        for task in finding.tasks.all():
            lines.append("  - " + _("Follow-up: %(task)s") % {"task": _task_line(task)})
    return lines


def minutes_text_from_record(meeting: Meeting) -> str:
    """The draft of the minutes from what the record holds, in the active language:
    the facts, attendance and quorum, the agenda, documents, ballots and their results,
    resolutions with the key tasks they created and, for a research visit, the team,
    visited units, topics, findings and follow-up tasks."""
    meeting = Meeting.objects.select_related("organizer_unit", "body", "chain").get(pk=meeting.pk)
    out = ["# " + _("Minutes: %(title)s") % {"title": _one_line(meeting.title)}]
    out += _facts(meeting)
    out += ["", "# " + _("Attendance"), *_attendance_lines(meeting)]
    agenda, numbers = _agenda(meeting)
    if agenda:
        out += ["", "# " + _("Agenda"), *agenda]
    documents = _documents(meeting, numbers)
    if documents:
        out += ["", "# " + _("Documents"), *documents]
    ballots = _ballots(meeting)
    if ballots:
        out += ["", "# " + _("Ballots"), *ballots]
    resolutions = _resolutions(meeting)
    if resolutions:
        out += ["", "# " + _("Resolutions"), *resolutions]
    if meeting.kind == MeetingKind.RESEARCH_VISIT:
        research = _research(meeting)
        if research:
            out += ["", "# " + _("Research visit"), *research]
    return "\n".join(out) + "\n"


# --- files ------------------------------------------------------------------------------


def header_line(minutes: Minutes) -> str:
    """The line at the top of every page: the meeting, its date and the state."""
    meeting = minutes.meeting
    mark = _("Final") if minutes.is_locked else _("Draft")
    date = _date(local(meeting, meeting.starts_at))
    return f"{_one_line(meeting.title)} · {date} · {mark}"


def finalized_by_name(minutes: Minutes) -> str:
    """Who finalized the minutes, for the page and the files: "unknown" when no person
    did (the system, such as the demo loader, finalizes with no user)."""
    return _person(minutes.finalized_by) or _("unknown")


def finalized_line(minutes: Minutes) -> str:
    if not minutes.is_locked or minutes.finalized_at is None:
        return ""
    return _("Finalized on %(date)s by %(user)s.") % {
        "date": formats.date_format(
            local(minutes.meeting, minutes.finalized_at), "DATETIME_FORMAT"
        ),
        "user": finalized_by_name(minutes),
    }


def _language() -> str:
    return translation.get_language() or "en"


def _minutes_with_meeting(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_related("meeting__organizer_unit", "finalized_by").get(
        pk=minutes.pk
    )


def render_docx(minutes: Minutes) -> bytes:
    """The minutes as a Word document, in the active language, from their text."""
    minutes = _minutes_with_meeting(minutes)
    meeting = minutes.meeting
    document = word_document(
        language=_language(),
        title=_("Minutes: %(title)s") % {"title": _one_line(meeting.title)},
        author=meeting.organizer_unit.name,
        revision=minutes.version,
    )

    header = document.sections[0].header.paragraphs[0]
    run = header.add_run(header_line(minutes))
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(*(RED if not minutes.is_locked else GREY))

    styles = {"li": "List Bullet", "li2": "List Bullet 2"}
    for block in blocks(minutes.text):
        if block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        else:
            document.add_paragraph(block.text, style=styles.get(block.kind))
    finalized = finalized_line(minutes)
    if finalized:
        closing = document.add_paragraph().add_run(finalized)
        closing.italic = True
        closing.font.color.rgb = RGBColor(*GREY)

    return docx_bytes(document)


def render_pdf(minutes: Minutes) -> bytes:
    """The minutes as a PDF (A4 portrait), in the active language, from their text.
    Noto Sans with Noto Sans CJK as the fallback: Vietnamese and Chinese print."""
    minutes = _minutes_with_meeting(minutes)
    meeting = minutes.meeting
    pdf = pdf_document(
        language=_language(),
        author=meeting.organizer_unit.name,
        title=_("Minutes: %(title)s") % {"title": _one_line(meeting.title)},
        orientation="P",
        format="A4",
    )
    pdf.set_margins(20, 22, 20)
    pdf.set_auto_page_break(True, margin=18)
    top = header_line(minutes)
    mark_colour = GREY if minutes.is_locked else RED
    width = pdf.epw

    def header() -> None:
        pdf.set_y(10)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*mark_colour)
        pdf.cell(w=width, h=5, text=top, align=Align.R)
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        pdf.line(pdf.l_margin, 16, pdf.l_margin + width, 16)
        pdf.set_y(22)

    def footer() -> None:
        pdf.set_y(-13)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(w=width, h=5, text=f"{pdf.page_no()} / {{nb}}", align=Align.C)

    # FPDF calls these on every new page; the instance attributes stand in for a subclass.
    pdf.header = header  # type: ignore[method-assign]
    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()

    def write(text: str, *, size: float, colour: tuple[int, int, int], indent: float = 0) -> None:
        pdf.set_font_size(size)
        pdf.set_text_color(*colour)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            w=width - indent, h=size * 0.5, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def bullet(text: str, *, indent: float, mark: str) -> None:
        pdf.set_font_size(10.5)
        pdf.set_text_color(*INK)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(w=5, h=5.25, text=mark)
        pdf.multi_cell(w=width - indent - 5, h=5.25, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    first = True
    for block in blocks(minutes.text):
        if block.kind == "h1":
            if first:
                pdf.set_font_size(17)
                pdf.set_text_color(*RED)
                pdf.multi_cell(
                    w=width,
                    h=8.5,
                    text=block.text,
                    align=Align.C,
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
                pdf.ln(3)
            else:
                pdf.ln(4)
                write(block.text, size=13.5, colour=RED)
                pdf.ln(1)
        elif block.kind == "h2":
            pdf.ln(2)
            write(block.text, size=11.5, colour=INK)
            pdf.ln(0.5)
        elif block.kind == "li":
            bullet(block.text, indent=2, mark="•")
        elif block.kind == "li2":
            bullet(block.text, indent=8, mark="–")
        else:
            write(block.text, size=10.5, colour=INK)
            pdf.ln(0.8)
        first = False
    finalized = finalized_line(minutes)
    if finalized:
        pdf.ln(6)
        write(finalized, size=9.5, colour=GREY)
    return pdf_bytes(pdf)


def minutes_file_name(minutes: Minutes, extension: str) -> str:
    return f"meeting-{minutes.meeting_id}-minutes.{extension}"
