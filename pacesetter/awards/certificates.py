"""Certificates of granted awards as PDF: one A4 landscape page per grant, with the fixed
wording translated into the chosen language and the award's own name in that language.

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

from .models import AwardGrant

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 28.0  # text stays inside the double border
TEXT_W = PAGE_W - 2 * MARGIN
PT = 0.3528  # millimetres per point

RED = (150, 27, 27)
GOLD = (184, 134, 11)
INK = (33, 37, 41)
GREY = (90, 90, 90)


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
) -> None:
    """Write ``text`` centred across the page from the current line, shrinking it to fit."""
    if not text:
        return
    size, lines = fitted_lines(pdf, text, width=TEXT_W, sizes=sizes, max_lines=max_lines)
    pdf.set_font_size(size)
    pdf.set_text_color(*colour)
    for line in lines:
        pdf.set_x(MARGIN)
        pdf.cell(
            w=TEXT_W,
            h=size * PT * leading,
            text=line,
            align=Align.C,
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


def rule(pdf: FPDF, width: float = 70.0) -> None:
    """A short gold line centred under the current line."""
    y = pdf.get_y() + 1.5
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.line((PAGE_W - width) / 2, y, (PAGE_W + width) / 2, y)
    pdf.set_y(y + 4)


def recipient_lines(grant: AwardGrant) -> tuple[str, str]:
    """The main recipient line and the line under it (a person's position and unit)."""
    if grant.person_id is not None:
        person = grant.person
        assert person is not None
        # The position held when the award was decided, else the current one.
        position = person.position_on(grant.decision.date) or person.position_on(
            timezone.localdate()
        )
        unit = position.unit if position is not None else person.unit
        if position is not None and position.title:
            below = _("%(position)s, %(unit)s") % {"position": position.title, "unit": unit.name}
        else:
            below = unit.name
        return person.full_name, below
    assert grant.unit is not None
    return grant.unit.name, ""


def page(pdf: FPDF, grant: AwardGrant) -> None:
    award, decision = grant.award, grant.decision
    pdf.add_page()
    frame(pdf)
    pdf.set_y(24)
    centred(pdf, award.issuer.upper(), sizes=(13, 11, 9), colour=INK, max_lines=2)
    rule(pdf)
    centred(pdf, _("Certificate").upper(), sizes=(34, 28), colour=RED, gap=2)
    centred(pdf, award.name, sizes=(24, 20, 16), colour=RED, max_lines=2, gap=6)
    centred(pdf, _("is awarded to"), sizes=(13,), colour=GREY, gap=2)
    name, below = recipient_lines(grant)
    centred(pdf, name, sizes=(24, 20, 16), colour=INK, max_lines=2)
    centred(pdf, below, sizes=(14, 12), colour=INK, max_lines=1)
    pdf.ln(5)
    if grant.achievement:
        centred(
            pdf,
            grant.achievement,
            sizes=(13, 12, 11),
            colour=GREY,
            max_lines=4,
            leading=1.4,
            gap=3,
        )
    centred(pdf, _("Year %(year)s") % {"year": grant.year}, sizes=(14,), colour=INK)

    # The foot: the decision on the left, the signature block on the right.
    half = TEXT_W / 2
    top = 154.0
    left = [
        _("Decision No. %(number)s of %(date)s")
        % {"number": decision.number, "date": local_date(decision.date, inline=True)},
        _("Issued by %(issuer)s") % {"issuer": decision.issuer},
    ]
    if grant.certificate_number:
        left.append(_("Certificate No. %(number)s") % {"number": grant.certificate_number})
    pdf.set_text_color(*INK)
    pdf.set_font_size(10)
    pdf.set_xy(MARGIN, top)
    for line in left:
        pdf.set_x(MARGIN)
        pdf.multi_cell(w=half - 6, h=5, text=line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(MARGIN + half, top)
    pdf.set_font_size(11)
    pdf.cell(w=half, h=6, text=local_date(decision.date), align=Align.C)
    if decision.signer_title:
        pdf.set_xy(MARGIN + half, top + 7)
        pdf.set_font_size(13)
        pdf.multi_cell(w=half, h=6, text=decision.signer_title.upper(), align=Align.C)

    if grant.revoked_at is not None:
        pdf.set_xy(MARGIN, PAGE_H - 26)
        pdf.set_text_color(*RED)
        pdf.set_font_size(11)
        text = _("Revoked on %(date)s: %(reason)s") % {
            "date": local_date(timezone.localtime(grant.revoked_at), inline=True),
            "reason": grant.revoke_reason,
        }
        centred(pdf, text, sizes=(11, 9), colour=RED, max_lines=1)


def certificate_pdf(grants: Sequence[AwardGrant], language: str) -> bytes:
    """The certificates of ``grants`` (one page each, in the order given) in ``language``
    ("en", "vi" or "zh-hans"): a single grant, or every grant of a decision at once.

    A revoked grant still prints, with the revocation stated on its page.
    """
    if isinstance(grants, QuerySet):
        grants = grants.select_related("award", "decision", "unit", "person__unit")
    grants = list(grants)
    if not grants:
        raise ValidationError(_("There is no granted award to print."))
    language = document_language(language)
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
            page(pdf, grant)
        return pdf_bytes(pdf)
