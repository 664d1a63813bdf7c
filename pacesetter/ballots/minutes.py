"""Minutes of a published vote, as .docx (python-docx) and .pdf (fpdf2).

Both formats render the same content, built once by :func:`minutes_content` from the
published result stored on the poll: participation as counts, the quorum and majority
rules, each option's votes and outcome, the digest, and who entered the paper totals.
The minutes never say who voted, nor what anyone voted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from pacesetter.core.documents import (
    document_language,
    docx_bytes,
    pdf_bytes,
    pdf_document,
    word_document,
)
from pacesetter.core.formatting import number as formatted_number
from pacesetter.core.shares import share_display

from .models import Base, Majority, PaperBallots, Poll, PollKind, PollState, Verification

RED = (150, 27, 27)
INK = (33, 37, 41)
GREY = (90, 90, 90)
HEAD_FILL = (236, 230, 222)

# Word's language tags for each site language (East Asian text needs its own tag).


@dataclass
class Minutes:
    """What the minutes say, already translated; rendered by both formats."""

    language: str
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[str]]
    outcome: list[str]
    result_heading: str
    paper_heading: str
    paper: list[str] = field(default_factory=list)
    digest: tuple[str, str] = ("", "")
    signatures: tuple[str, str] = ("", "")
    author: str = ""


def number(value: Any) -> str:
    """A vote count or weight without trailing zeros, in the language's format."""
    return formatted_number(value or 0)


def moment(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


def who(user: Any) -> str:
    if user is None:
        return _("unknown")
    return user.get_full_name() or user.get_username()


def verbose(name: str) -> str:
    model_field = Poll._meta.get_field(name)
    return str(capfirst(getattr(model_field, "verbose_name", name)))


def minutes_content(poll: Poll, language: str) -> Minutes:
    """The translated content of the minutes of ``poll`` in ``language``.

    Raises ValidationError unless the poll is published: before that there is no result.
    """
    poll = Poll.objects.select_related("owner_unit", "cluster", "body").get(pk=poll.pk)
    if poll.state != PollState.PUBLISHED or not poll.result:
        raise ValidationError(_("Only a published poll has minutes."))
    result: dict[str, Any] = poll.result or {}
    approval = poll.kind == PollKind.APPROVAL
    with translation.override(document_language(language)):
        language = translation.get_language() or language
        if poll.cluster_id is not None:
            assert poll.cluster is not None
            body = (verbose("cluster"), poll.cluster.name)
        else:
            assert poll.body is not None
            body = (verbose("body"), poll.body.name)
        roll = poll.entitlements.aggregate(total=Count("pk"))
        facts = [
            (verbose("title"), poll.title),
            (verbose("owner_unit"), poll.owner_unit.name),
            body,
            (verbose("kind"), poll.get_kind_display()),
        ]
        if approval:
            facts.append((verbose("max_choices"), str(poll.max_choices)))
        facts += [
            (verbose("opened_at"), moment(poll.opened_at)),
            (verbose("closed_at"), moment(poll.closed_at)),
            (verbose("published_at"), moment(poll.published_at)),
            (
                _("Entitled to vote"),
                _("%(count)s voters, total weight %(weight)s")
                % {"count": number(roll["total"]), "weight": number(result.get("entitled"))},
            ),
            (
                _("Voted"),
                _("total weight %(weight)s: %(electronic)s electronic ballots, %(paper)s paper")
                % {
                    "weight": number(result.get("voted")),
                    "electronic": number(result.get("electronic_ballots")),
                    "paper": number(result.get("paper_ballots")),
                },
            ),
            (
                _("Quorum"),
                _("%(share)s of the entitled weight must vote: %(met)s")
                % {
                    "share": share_display(poll.quorum),
                    "met": _("met") if result.get("quorum_met") else _("not met"),
                },
            ),
            (verbose("majority"), str(Majority(poll.majority).label)),
            (verbose("base"), str(Base(poll.base).label)),
            (verbose("verification"), str(Verification(poll.verification).label)),
        ]

        elected = set(result.get("elected") or [])
        if approval:
            columns = [_("Candidate or motion"), _("Approvals"), _("Not chosen"), _("Outcome")]
        else:
            columns = [
                _("Candidate or motion"),
                _("Yes"),
                _("No"),
                _("Abstain"),
                _("Outcome"),
            ]
        rows = []
        for option in result.get("options", []):
            if approval:
                outcome = _("Elected") if option["option"] in elected else _("Not elected")
                rows.append([option["label"], number(option["yes"]), number(option["no"]), outcome])
            else:
                outcome = _("Carried") if option["passed"] else _("Not carried")
                rows.append(
                    [
                        option["label"],
                        number(option["yes"]),
                        number(option["no"]),
                        number(option["abstain"]),
                        outcome,
                    ]
                )

        if result.get("valid"):
            outcome_lines = [_("The quorum was met: the poll is valid.")]
        else:
            outcome_lines = [_("The quorum was not met: the poll is invalid and nothing passes.")]
        if approval and result.get("valid"):
            labels = [o["label"] for o in result.get("options", []) if o["option"] in elected]
            outcome_lines.append(
                _("Elected: %(names)s.") % {"names": "; ".join(labels)}
                if labels
                else _("No candidate was elected.")
            )
            if result.get("tie_at_the_last_seat"):
                outcome_lines.append(
                    _("There is a tie at the last seat; the body must resolve it.")
                )

        if poll.receipt_free:
            outcome_lines.append(
                _(
                    "The poll is receipt-free: no voter got a receipt, so no list of ballots "
                    "by receipt is published and nobody can prove how they voted."
                )
            )

        paper = []
        paper_ballots = PaperBallots.objects.filter(poll=poll).select_related("entered_by").first()
        if paper_ballots is not None:
            paper.append(
                _("Paper ballots cast: %(count)s, entered by %(user)s.")
                % {"count": number(paper_ballots.count), "user": who(paper_ballots.entered_by)}
            )
        for tally in poll.paper_tallies.select_related("option", "entered_by").order_by(
            "option__position", "option__pk"
        ):
            paper.append(
                _(
                    "%(option)s: yes %(yes)s, no %(no)s, abstain %(abstain)s; "
                    "entered by %(user)s on %(date)s."
                )
                % {
                    "option": tally.option.label,
                    "yes": number(tally.yes),
                    "no": number(tally.no),
                    "abstain": number(tally.abstain),
                    "user": who(tally.entered_by),
                    "date": moment(tally.entered_at),
                }
            )

        return Minutes(
            language=language,
            title=_("Minutes of the vote"),
            subtitle=poll.title,
            facts=facts,
            columns=columns,
            rows=rows,
            outcome=outcome_lines,
            result_heading=_("Result of the vote"),
            paper_heading=_("Paper ballots"),
            paper=paper,
            digest=(
                _("Digest (SHA-256) of every ballot's choices")
                if poll.receipt_free
                else _("Digest (SHA-256) of the published receipts and choices"),
                poll.digest,
            ),
            signatures=(_("The chair"), _("The secretary")),
            author=poll.owner_unit.name,
        )


# --- .docx ------------------------------------------------------------------------------


def minutes_docx(poll: Poll, language: str) -> bytes:
    """The minutes of a published ``poll`` as a Word document in ``language``."""
    content = minutes_content(poll, language)
    document = word_document(
        language=content.language,
        title=f"{content.title}: {content.subtitle}",
        author=content.author,
        revision=1,
    )
    properties = document.core_properties
    if poll.published_at:
        properties.created = properties.modified = poll.published_at

    heading = document.add_heading(content.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = subtitle.add_run(content.subtitle)
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor(*RED)

    facts = document.add_table(rows=0, cols=2)
    for label, value in content.facts:
        cells = facts.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].font.color.rgb = RGBColor(*GREY)
        cells[1].text = value

    document.add_heading(content.result_heading, level=1)
    table = document.add_table(rows=1, cols=len(content.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, content.columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in content.rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if 0 < i < len(row) - 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in content.outcome:
        document.add_paragraph(line)

    if content.paper:
        document.add_heading(content.paper_heading, level=1)
        for line in content.paper:
            document.add_paragraph(line, style="List Bullet")

    document.add_heading(content.digest[0], level=2)
    digest = document.add_paragraph().add_run(content.digest[1])
    digest.font.name = "Courier New"
    digest.font.size = Pt(9)

    signatures = document.add_table(rows=1, cols=2)
    for cell, text in zip(signatures.rows[0].cells, content.signatures, strict=True):
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True

    return docx_bytes(document)


# --- .pdf -------------------------------------------------------------------------------


def minutes_pdf(poll: Poll, language: str) -> bytes:
    """The minutes of a published ``poll`` as a PDF (A4 portrait) in ``language``."""
    content = minutes_content(poll, language)
    pdf = pdf_document(
        language=content.language,
        author=content.author,
        title=f"{content.title}: {content.subtitle}",
        orientation="P",
        format="A4",
    )
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def paragraph(text: str, *, size: float = 10.5, colour: tuple[int, int, int] = INK) -> None:
        pdf.set_font_size(size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(w=width, h=size * 0.52, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        pdf.ln(4)
        paragraph(text, size=13, colour=RED)
        pdf.ln(1)

    pdf.set_font_size(20)
    pdf.set_text_color(*RED)
    pdf.multi_cell(w=width, h=10, text=content.title, align=Align.C, new_x=XPos.LMARGIN)
    pdf.set_font_size(13)
    pdf.set_text_color(*INK)
    pdf.multi_cell(
        w=width, h=7, text=content.subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(5)

    pdf.set_font_size(10)
    with pdf.table(
        col_widths=(1, 2),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        text_align=(Align.L, Align.L),
        line_height=5,
        padding=1.5,
    ) as table:
        for label, value in content.facts:
            row = table.row()
            row.cell(label, style=FontFace(color=GREY))
            row.cell(value)

    heading(content.result_heading)
    numeric = [Align.R] * (len(content.columns) - 2)
    pdf.set_font_size(10.5)
    pdf.set_text_color(*INK)
    with pdf.table(
        col_widths=(3,) + (1.2,) * (len(content.columns) - 2) + (1.6,),
        headings_style=FontFace(emphasis="", color=INK, fill_color=HEAD_FILL),
        text_align=(Align.L, *numeric, Align.L),
        line_height=5.5,
        padding=1.5,
    ) as table:
        table.row(content.columns)
        for values in content.rows:
            table.row(values)
    pdf.ln(3)
    for line in content.outcome:
        paragraph(line)

    if content.paper:
        heading(content.paper_heading)
        for line in content.paper:
            paragraph(f"• {line}")

    heading(content.digest[0])
    pdf.set_font_size(8.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(w=width, h=5, text=content.digest[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(12)
    pdf.set_font_size(11)
    half = width / 2
    y = pdf.get_y()
    for i, text in enumerate(content.signatures):
        pdf.set_xy(pdf.l_margin + i * half, y)
        pdf.cell(w=half, h=6, text=text, align=Align.C)
    return pdf_bytes(pdf)
