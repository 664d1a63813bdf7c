"""Certificates of granted awards as PDF: one A4 landscape page per grant, drawn from the
layout of the award's country (:mod:`pacesetter.awards.layouts`, data in
``certificate_layouts/``) with its fixed words in the chosen language and the award's,
recipient's and decision's texts in that language (else in their source language).

The output depends only on the grants and the language, apart from the PDF's creation
date. Fonts are embedded as subsets (see :mod:`pacesetter.core.documents`), so Vietnamese and
Chinese text print correctly on any machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from pacesetter.core.documents import document_language, pdf_bytes, pdf_document
from pacesetter.units.selectors import unit_country

from .layouts import Block, Layout, date_parts, layout_for
from .models import AwardGrant
from .presets import award_country

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 28.0  # text stays inside the double border
TEXT_W = PAGE_W - 2 * MARGIN
PT = 0.3528  # millimetres per point

RED = (150, 27, 27)
GOLD = (184, 134, 11)
INK = (33, 37, 41)
GREY = (90, 90, 90)
COLOURS = {"red": RED, "gold": GOLD, "ink": INK, "grey": GREY}


# Inside a sentence ("Decision No. 12 of …"): Vietnamese DATE_FORMAT starts with "Ngày".
INLINE_DATE_FORMATS = {"vi": "d/m/Y"}


def local_date(value: Any, *, inline: bool = False) -> str:
    """A date in the active language, standing alone or inside a sentence."""
    language = translation.get_language() or ""
    if inline and language in INLINE_DATE_FORMATS:
        return dateformat.format(value, INLINE_DATE_FORMATS[language])
    return formats.date_format(value, "DATE_FORMAT")


def fitted_lines(
    pdf: FPDF, text: str, *, width: float, sizes: Sequence[float], max_lines: int
) -> tuple[float, list[str]]:
    """The largest of ``sizes`` at which ``text`` wraps into at most ``max_lines`` lines
    (the smallest size, cut with an ellipsis, when none does)."""
    lines: list[str] = []
    for size in sizes:
        pdf.set_font_size(size)
        lines = cast(
            list[str],
            pdf.multi_cell(
                w=width, h=size * PT, text=text, dry_run=True, output=MethodReturnValue.LINES
            ),
        )
        if len(lines) <= max_lines:
            return size, lines
    kept = lines[:max_lines]
    kept[-1] = kept[-1].rstrip()[:-1].rstrip() + "…"
    return sizes[-1], kept


def centred(
    pdf: FPDF,
    text: str,
    *,
    sizes: Sequence[float],
    colour: tuple[int, int, int] = INK,
    max_lines: int = 1,
    gap: float = 0.0,
    leading: float = 1.35,
    x: float = MARGIN,
    width: float = TEXT_W,
    align: Align = Align.C,
) -> None:
    """Write ``text`` across the column from ``x`` (the page's width unless given) from
    the current line, centred unless ``align`` says otherwise, shrinking it to fit."""
    if not text:
        return
    size, lines = fitted_lines(pdf, text, width=width, sizes=sizes, max_lines=max_lines)
    pdf.set_font_size(size)
    pdf.set_text_color(*colour)
    for line in lines:
        pdf.set_x(x)
        pdf.cell(
            w=width,
            h=size * PT * leading,
            text=line,
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(gap)


def frame(pdf: FPDF) -> None:
    """A double border (red, then gold) with small gold squares in the inner corners."""
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.4)
    pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, PAGE_W - 28, PAGE_H - 28)
    pdf.set_fill_color(*GOLD)
    for x, y in ((14, 14), (PAGE_W - 14, 14), (14, PAGE_H - 14), (PAGE_W - 14, PAGE_H - 14)):
        pdf.rect(x - 2, y - 2, 4, 4, style="F")


def rule(pdf: FPDF, width: float = 70.0, colour: tuple[int, int, int] = GOLD) -> None:
    """A short line centred under the current line."""
    y = pdf.get_y() + 1.5
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.5)
    pdf.line((PAGE_W - width) / 2, y, (PAGE_W + width) / 2, y)
    pdf.set_y(y + 4)


def recipient_texts(grant: AwardGrant) -> tuple[str, str, str]:
    """The recipient's name, and a person's position and unit ("" for a unit)."""
    if grant.person_id is not None:
        person = grant.person
        assert person is not None
        # The position held when the award was decided, else the current one.
        position = person.position_on(grant.decision.date) or person.position_on(
            timezone.localdate()
        )
        unit = position.unit if position is not None else person.unit
        title = position.title if position is not None else ""
        return person.full_name, title, unit.name
    assert grant.unit is not None
    return grant.unit.name, "", ""


def fill(template: str, **values: Any) -> str:
    return template.format_map(values)


#: Where a block is written: its left edge, its width and its alignment.
Column = tuple[float, float, Align]
FULL_WIDTH: Column = (MARGIN, TEXT_W, Align.C)


class Page:
    """One grant's page in one layout and language: each block kind draws its part, or
    nothing when the grant lacks what it needs (no achievement, no signer recorded)."""

    def __init__(self, pdf: FPDF, layout: Layout, grant: AwardGrant, language: str) -> None:
        self.pdf, self.layout, self.grant, self.language = pdf, layout, grant, language

    def text(self, block: Block, name: str = "text") -> str:
        return self.layout.text(block.texts[name], self.language) if name in block.texts else ""

    def write(
        self,
        block: Block,
        text: str,
        *,
        sizes: Sequence[float] = (11,),
        column: Column = FULL_WIDTH,
    ) -> None:
        if block.option("upper", False):
            text = text.upper()
        size = block.option("size", sizes)
        x, width, align = column
        centred(
            self.pdf,
            text,
            sizes=size if isinstance(size, list) else (size,),
            colour=COLOURS[block.option("colour", "ink")],
            max_lines=block.option("max_lines", 1),
            gap=block.option("gap", 0),
            x=x,
            width=width,
            align=align,
        )

    def draw(self, block: Block, column: Column = FULL_WIDTH) -> None:
        grant, decision, award = self.grant, self.grant.decision, self.grant.award
        kind = block.kind
        if kind == "text":
            self.write(block, self.text(block), column=column)
        elif kind == "rule":
            colour = COLOURS[block.option("colour", "gold")]
            rule(self.pdf, block.option("width", 70.0), colour)
            self.pdf.ln(block.option("gap", 0))
        elif kind == "issuer":
            issuer = award.issuer if block.option("of", "award") == "award" else decision.issuer
            template = self.text(block) or "{issuer}"
            self.write(block, fill(template, issuer=issuer), sizes=(13, 11), column=column)
        elif kind == "award":
            template = self.text(block) or "{award}"
            self.write(block, fill(template, award=award.name, year=grant.year), column=column)
        elif kind == "recipient":
            self.recipient(block, column)
        elif kind == "achievement":
            if grant.achievement:
                line = fill(self.text(block), achievement=grant.achievement, year=grant.year)
            else:
                line = fill(self.text(block, "without"), year=grant.year)
            self.write(block, line, column=column)
        elif kind == "year":
            self.write(block, fill(self.text(block), year=grant.year), column=column)
        elif kind == "place_date":
            self.place_date(block, column)
        elif kind == "decision":
            line = fill(
                self.text(block),
                number=decision.number,
                date=local_date(decision.date, inline=True),
                issuer=decision.issuer,
            )
            self.write(block, line, column=column)
        elif kind == "register":
            if grant.certificate_number:
                line = fill(self.text(block), number=grant.certificate_number)
                self.write(block, line, column=column)
        elif kind == "signer":
            self.signer(block, column)
        else:  # the reader refuses any other kind
            raise AssertionError(kind)

    def recipient(self, block: Block, column: Column) -> None:
        name, position, unit = recipient_texts(self.grant)
        template = self.text(block)
        if self.grant.person_id is not None:
            template = self.text(block, "person_text") or template
        gap = block.option("gap", 0)
        main = Block(block.kind, block.texts, {**block.options, "gap": 0}, block.where)
        self.write(main, fill(template or "{name}", name=name), sizes=(24, 20, 16), column=column)
        if unit:
            if position:
                below = fill(
                    self.text(block, "below") or "{position}, {unit}",
                    **{"position": position, "unit": unit},
                )
            else:
                below = unit
            size = block.option("below_size", [14, 12])
            line = Block(block.kind, {}, {"size": size}, block.where)
            self.write(line, below, column=column)
        self.pdf.ln(gap)

    def place_date(self, block: Block, column: Column) -> None:
        decision = self.grant.decision
        values = {
            **date_parts(decision.date, block.option("date_style", "plain")),
            "date": local_date(decision.date),
        }
        if decision.place:
            line = fill(self.text(block), place=decision.place, **values)
        else:
            line = fill(self.text(block, "without_place"), **values)
        self.write(block, line, column=column)

    def signer(self, block: Block, column: Column) -> None:
        """Signing for (KT. CHỦ TỊCH), the signer's title, room to sign, the name."""
        decision = self.grant.decision
        size = block.option("size", 13)
        upper = block.option("upper", True)
        style = Block(block.kind, {}, {"size": size, "upper": upper}, block.where)
        for line in (decision.signed_for, decision.signer_title):
            self.write(style, line, column=column)
        if decision.signer_name:
            self.pdf.ln(block.option("space", 20))
            plain = Block(block.kind, {}, {"size": size}, block.where)
            self.write(plain, decision.signer_name, column=column)

    def render(self) -> None:
        pdf, layout = self.pdf, self.layout
        pdf.add_page()
        frame(pdf)
        pdf.set_y(layout.top)
        for block in layout.body:
            self.draw(block)
        # The foot: two columns side by side, each from the same line down; a revoked
        # grant says so under the left one (the right one ends with the signer's name).
        half = TEXT_W / 2
        left: Column = (MARGIN, half - 6, Align.L)
        for blocks, column in ((layout.left, left), (layout.right, (MARGIN + half, half, Align.C))):
            pdf.set_y(layout.foot_top)
            for block in blocks:
                self.draw(block, column)
            if column == left:
                self.revocation(column)

    def revocation(self, column: Column) -> None:
        grant = self.grant
        if grant.revoked_at is None:
            return
        text = fill(
            self.layout.text(self.layout.revoked, self.language),
            date=local_date(timezone.localtime(grant.revoked_at), inline=True),
            reason=grant.revoke_reason,
        )
        self.pdf.ln(3)
        x, width, align = column
        centred(
            self.pdf,
            text,
            sizes=(11, 10, 9),
            colour=RED,
            max_lines=4,
            x=x,
            width=width,
            align=align,
        )


def grant_country(grant: AwardGrant, countries: dict[int, str]) -> str:
    """Where the grant's certificate is from: its award's catalog country, else the
    country of the unit that recorded its decision (one lookup per decision)."""
    country = award_country(grant.award)
    if country:
        return country
    if grant.decision_id not in countries:
        countries[grant.decision_id] = unit_country(grant.decision.owner_unit)
    return countries[grant.decision_id]


def certificate_pdf(grants: Sequence[AwardGrant], language: str) -> bytes:
    """The certificates of ``grants`` (one page each, in the order given) in ``language``
    ("en", "vi" or "zh-hans"): a single grant, or every grant of a decision at once.
    Each page has the layout of its award's country (its catalog's, else that of the
    unit that recorded the decision; the default layout where neither is known).

    A revoked grant still prints, with the revocation stated on its page.
    """
    if isinstance(grants, QuerySet):
        grants = grants.select_related("award", "decision__owner_unit", "unit", "person__unit")
    grants = list(grants)
    if not grants:
        raise ValidationError(_("There is no granted award to print."))
    language = document_language(language)
    countries: dict[int, str] = {}
    with translation.override(language):
        first = grants[0]
        pdf = pdf_document(
            language=language,
            author=first.decision.issuer,
            title=_("Certificates: decision No. %(number)s") % {"number": first.decision.number}
            if len(grants) > 1
            else f"{_('Certificate')} {first.certificate_number}".strip(),
            orientation="L",
            format="A4",
        )
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        for grant in grants:
            layout = layout_for(grant_country(grant, countries))
            Page(pdf, layout, grant, language).render()
        return pdf_bytes(pdf)
