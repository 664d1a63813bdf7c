"""The printable dossier of a practice, for exchange meetings: .pdf and .docx from one
list of blocks (headings, paragraphs, facts, bullets), in the active language.

What it holds: the title, the kind and its facts, the summary, the body (the sanitized
rich text read as headings, paragraphs and list items: no tag reaches the file), the
units and fields of work, the record behind it, the vetting steps and the spread. The
reader decides the rest: a reader signed in sees the linked records their own policies
let them see, the steps' comments and who made them, and the adopting units; the public
dossier (``reader=None``: a published practice, no login) has none of those
(docs/practices.md, "Public pages").
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx.shared import Pt, RGBColor
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from pacesetter.core.documents import docx_bytes, pdf_bytes, pdf_document, word_document
from pacesetter.core.formatting import number
from pacesetter.units.models import Unit

from .models import Adoption, AdoptionOutcome, Practice, PracticeStep, WorkField
from .public_selectors import public_spread
from .selectors import (
    Links,
    Spread,
    adoptions_by_top_unit,
    adoptions_of,
    decisions_seen,
    links_seen,
    spread_of,
)

INK = (33, 37, 41)
GREY = (90, 90, 90)
ACCENT = (23, 64, 122)


@dataclass(frozen=True)
class Block:
    """One piece of the dossier: ``kind`` is "title", "subtitle", "h1", "h2", "h3", "p",
    "fact" (``label``: ``text``) or "li"."""

    kind: str
    text: str
    label: str = ""


# --- the body: sanitized HTML read as blocks ----------------------------------------------


class _BodyReader(HTMLParser):
    """Reads a body sanitized by ``richtext.sanitize``: headings, paragraphs, list items
    (numbered in an ``ol``), quotes, and table rows as one line of cells."""

    HEADINGS = {"h2": "h2", "h3": "h3", "h4": "h3"}
    BLOCKS = ("p", "blockquote", "li", "tr", *HEADINGS)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is numbered, next number]
        self.cells: list[str] = []
        self.kind = "p"

    def _flush(self) -> None:
        text = " ".join("".join(self.text).split())
        if self.cells:
            if text:
                self.cells.append(text)
            text = " | ".join(self.cells)
            self.cells = []
        if text:
            self.blocks.append(Block(self.kind, text))
        self.text = []
        self.kind = "p"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self._flush()
            self.kind = "li"
            if self.lists and self.lists[-1][0]:
                self.text.append(f"{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
        elif tag in self.HEADINGS:
            self._flush()
            self.kind = self.HEADINGS[tag]
        elif tag in ("p", "blockquote", "tr", "table"):
            self._flush()
        elif tag in ("td", "th"):
            self.text = []  # only white space between the cells
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("td", "th"):
            self.cells.append(" ".join("".join(self.text).split()))
            self.text = []
        elif tag in (*self.BLOCKS, "table"):
            self._flush()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def body_blocks(html: str) -> list[Block]:
    """The blocks of a sanitized body: ``<h2>`` a heading (under the dossier's own
    headings), ``<h3>``/``<h4>`` a subheading, ``<li>`` a bullet, every other block a
    paragraph; entities decoded."""
    reader = _BodyReader()
    reader.feed(html or "")
    reader.close()
    return reader.blocks


# --- what the dossier says ------------------------------------------------------------------


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _loaded(practice: Practice) -> Practice:
    return (
        Practice.objects.select_related("owner_unit")
        .prefetch_related(
            Prefetch("source_units", queryset=Unit.objects.order_by("code")),
            Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk")),
            Prefetch(
                "steps",
                queryset=PracticeStep.objects.select_related("actor", "decision").order_by(
                    "at", "pk"
                ),
            ),
        )
        .get(pk=practice.pk)
    )


def _facts(practice: Practice) -> list[Block]:
    facts = [(_("Kind"), str(practice.get_kind_display()))]
    if practice.subject:
        subject = str(practice.get_subject_display())
        if practice.person_name:
            subject += f": {practice.person_name}"
        facts.append((_("Model of"), subject))
    if practice.level:
        facts.append((pgettext("practice", "Level"), str(practice.get_level_display())))
    if practice.influence_scope:
        facts.append((_("Scope of influence"), str(practice.get_influence_scope_display())))
    if practice.effect:
        facts.append((_("Effect of application"), _one_line(practice.effect)))
    if practice.lead_person:
        facts.append((_("Lead person"), practice.lead_person))
    if practice.team or practice.team_size:
        team = _one_line(practice.team)
        if practice.team_size:
            size = ngettext("%(n)s person", "%(n)s people", practice.team_size) % {
                "n": number(practice.team_size)
            }
            team = f"{team} ({size})" if team else size
        facts.append((_("Team"), team))
    if practice.studio_level:
        facts.append((pgettext("practice", "Level"), str(practice.get_studio_level_display())))
    if practice.funding_amount is not None:
        facts.append(
            (_("Funding"), f"{number(practice.funding_amount)} {practice.funding_currency}")
        )
    facts += [
        (_("Year"), str(practice.year)),
        (
            _("Fields of work"),
            "; ".join(f.name for f in practice.work_fields.all()) or "—",
        ),
        (_("Kept by"), practice.owner_unit.name),
        (
            _("Source units"),
            "; ".join(u.name for u in practice.source_units.all()) or "—",
        ),
    ]
    return [Block("fact", text, label) for label, text in facts]


def _record(links: Links) -> list[Block]:
    """The linked records the reader may see (``links_seen``), one fact each."""
    facts: list[tuple[str, str]] = []
    decision = links.decision
    if decision is not None:
        facts.append(
            (
                _("Recognized by"),
                f"{decision.number} ({_date(decision.date)}, {_one_line(decision.issuer)})",
            )
        )
    if links.review_point is not None:
        point = links.review_point
        facts.append((_("Campaign review point"), f"{point.campaign.name}: {point.name}"))
    if links.grants:
        facts.append((_("Awards granted for it"), "; ".join(str(g) for g in links.grants)))
    if links.meeting is not None:
        facts.append((_("Presented at"), _one_line(links.meeting.title)))
    if links.chain is not None:
        facts.append((_("Chain"), links.chain.name))
    if links.tasks:
        facts.append((_("Key tasks"), "; ".join(_one_line(t.title) for t in links.tasks)))
    return [Block("fact", text, label) for label, text in facts]


def _steps(practice: Practice, *, full: bool, decisions: set[int]) -> list[Block]:
    """The vetting steps; ``full``: with who made them, their comments and the
    decisions of ``decisions`` (those the reader may see)."""
    out = []
    for step in practice.steps.all():
        parts = [formats.date_format(timezone.localtime(step.at), "SHORT_DATE_FORMAT"), step.label]
        if step.assessment:
            parts.append(str(step.get_assessment_display()))
        if full:
            if step.decision is not None and step.decision_id in decisions:
                parts.append(step.decision.number)
            if step.actor is not None:
                parts.append(step.actor.get_full_name() or step.actor.get_username())
            if step.comment:
                parts.append(_one_line(step.comment))
        out.append(Block("li", " — ".join(parts)))
    return out


def _spread(spread: Spread, *, units: list[tuple[Unit, list[Adoption]]] | None) -> list[Block]:
    if not spread.total:
        return [Block("p", _("No unit has adopted it yet."))]
    out = [
        Block(
            "p",
            ngettext(
                "Replicated in %(n)s unit (adopted by %(total)s in all).",
                "Replicated in %(n)s units (adopted by %(total)s in all).",
                spread.replicated,
            )
            % {"n": number(spread.replicated), "total": number(spread.total)},
        )
    ]
    outcomes = [
        (str(label), spread.by_outcome[value]) for value, label in AdoptionOutcome.choices
    ] + [(_("Not reported yet"), spread.by_outcome[""])]
    out += [Block("fact", number(count), label) for label, count in outcomes]
    out.append(Block("h2", _("By year of adoption")))
    out += [Block("li", f"{year}: {number(count)}") for year, count in spread.by_year]
    out.append(Block("h2", _("Adopting units")))
    rows = {unit.pk: adoptions for unit, adoptions in units or []}
    for group in spread.groups:
        out.append(Block("li", f"{group.unit.name}: {number(group.count)}"))
        if units is not None:
            for adoption in rows.get(group.unit.pk, []):
                line = f"{adoption.unit.name} — {_date(adoption.adopted_on)}"
                if adoption.outcome:
                    line += f" — {adoption.get_outcome_display()}"
                    if adoption.rating:
                        line += f" ({adoption.rating}/5)"
                out.append(Block("li", "   " + line))
    return out


def dossier_blocks(practice: Practice, *, reader: Any | None) -> list[Block]:
    """The dossier of ``practice`` in the active language. ``reader``: the signed-in
    user who asked (their policies decide the linked records and adoptions); ``None``:
    the public dossier of a published practice."""
    practice = _loaded(practice)
    public = reader is None
    out = [
        Block("title", practice.title),
        Block(
            "subtitle",
            " · ".join(
                [
                    str(practice.get_kind_display()),
                    str(practice.get_state_display()),
                    str(practice.year),
                ]
            ),
        ),
    ]
    if practice.summary:
        out.append(Block("p", _one_line(practice.summary)))
    out += [Block("h1", _("The practice")), *_facts(practice)]
    body = body_blocks(practice.body)
    if body:
        out += [Block("h1", _("The practice in full")), *body]
    decisions: set[int] = set()
    if not public:
        decisions = decisions_seen(
            reader, [practice.decision_id, *(step.decision_id for step in practice.steps.all())]
        )
        record = _record(links_seen(practice, reader))
        out += [Block("h1", _("The record behind it"))]
        out += record or [Block("p", "—")]
    steps = _steps(practice, full=not public, decisions=decisions)
    if steps:
        out += [Block("h1", _("Vetting")), *steps]
    if public:
        spread, units = public_spread(practice), None
    else:  # the signed-in dossier names every adopting unit under its top unit
        adoptions = adoptions_of(reader, practice)
        spread, units = spread_of(adoptions), adoptions_by_top_unit(adoptions)
    out += [Block("h1", _("Spread")), *_spread(spread, units=units)]
    return out


# --- files ----------------------------------------------------------------------------


def _language() -> str:
    return translation.get_language() or "en"


def dossier_title(practice: Practice) -> str:
    return _("Dossier: %(title)s") % {"title": _one_line(practice.title)}


def render_docx(practice: Practice, *, reader: Any | None) -> bytes:
    """The dossier as a Word document, in the active language."""
    blocks = dossier_blocks(practice, reader=reader)
    document = word_document(
        language=_language(),
        title=dossier_title(practice),
        author=practice.owner_unit.name,
        revision=1,
    )
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "subtitle":
            run = document.add_paragraph().add_run(block.text)
            run.font.color.rgb = RGBColor(*GREY)
        elif block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        elif block.kind == "h3":
            document.add_heading(block.text, level=3)
        elif block.kind == "fact":
            paragraph = document.add_paragraph()
            label = paragraph.add_run(f"{block.label}: ")
            label.bold = True
            paragraph.add_run(block.text)
        elif block.kind == "li":
            document.add_paragraph(block.text.strip(), style="List Bullet")
        else:
            document.add_paragraph(block.text)
    footer = document.sections[0].footer.paragraphs[0]
    run = footer.add_run(dossier_title(practice))
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(*GREY)
    return docx_bytes(document)


def render_pdf(practice: Practice, *, reader: Any | None) -> bytes:
    """The dossier as a PDF (A4 portrait), in the active language: Noto Sans with Noto
    Sans CJK as the fallback, so Vietnamese and Chinese print."""
    blocks = dossier_blocks(practice, reader=reader)
    pdf = pdf_document(
        language=_language(),
        author=practice.owner_unit.name,
        title=dossier_title(practice),
        orientation="P",
        format="A4",
    )
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=18)
    width = pdf.epw

    def footer() -> None:
        pdf.set_y(-13)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(w=width, h=5, text=f"{pdf.page_no()} / {{nb}}", align=Align.C)

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()

    def write(text: str, *, size: float, colour: tuple[int, int, int], **kwargs: Any) -> None:
        pdf.set_font_size(size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(
            w=width, h=size * 0.5, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, **kwargs
        )

    def table(rows: list[Block]) -> None:
        pdf.set_font_size(10)
        pdf.set_text_color(*INK)
        with pdf.table(
            col_widths=(1, 2),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            text_align=(Align.L, Align.L),
            line_height=5,
            padding=1.2,
        ) as grid:
            for row in rows:
                line = grid.row()
                line.cell(row.label, style=FontFace(color=GREY))
                line.cell(row.text or "—")
        pdf.ln(1)

    facts: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "title":
            write(block.text, size=18, colour=ACCENT, align=Align.C)
        elif block.kind == "subtitle":
            write(block.text, size=10, colour=GREY, align=Align.C)
            pdf.ln(3)
        elif block.kind == "h1":
            pdf.ln(4)
            write(block.text, size=13.5, colour=ACCENT)
            pdf.ln(1)
        elif block.kind == "h2":
            pdf.ln(2)
            write(block.text, size=11.5, colour=INK)
            pdf.ln(0.5)
        elif block.kind == "h3":
            pdf.ln(1)
            write(block.text, size=10.5, colour=GREY)
        elif block.kind == "fact":
            facts.append(block)
            if index + 1 == len(blocks) or blocks[index + 1].kind != "fact":
                table(facts)
                facts = []
        elif block.kind == "li":
            indent = 8 if block.text.startswith("   ") else 2
            pdf.set_font_size(10.5)
            pdf.set_text_color(*INK)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(w=5, h=5.25, text="•" if indent == 2 else "–")
            pdf.multi_cell(
                w=width - indent - 5,
                h=5.25,
                text=block.text.strip(),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        else:
            write(block.text, size=10.5, colour=INK)
            pdf.ln(0.8)
    return pdf_bytes(pdf)


def dossier_file_name(practice: Practice, extension: str) -> str:
    return f"practice-{practice.pk}-dossier.{extension}"
