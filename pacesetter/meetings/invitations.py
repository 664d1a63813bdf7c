"""Invitations as PDF: one A5 page per invitee with the meeting's facts and the personal
check-in code, printed large and as a QR code that encodes just the code (a scanner app
at the door types it followed by Enter into the check-in page).

Also who may download one invitation: the invitee, the officers of an invited unit, and
the meeting's managers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import segno
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from pacesetter.core.documents import pdf_bytes, pdf_document
from pacesetter.core.formatting import number

from .models import Invitation, MeetingState
from .selectors import local

PAGE_W, PAGE_H = 148.0, 210.0  # A5 portrait
MARGIN = 14.0
TEXT_W = PAGE_W - 2 * MARGIN
QR_SIZE = 50.0

RED = (150, 27, 27)
INK = (33, 37, 41)
GREY = (90, 90, 90)


def qr_png(code: str) -> io.BytesIO:
    """The QR code of ``code`` as a PNG: a full QR symbol (phone scanners do not all read
    Micro QR), medium error correction, with its quiet zone."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


def _centred(pdf: FPDF, text: str, *, size: float, colour: tuple[int, int, int]) -> None:
    if not text:
        return
    pdf.set_font_size(size)
    pdf.set_text_color(*colour)
    pdf.set_x(MARGIN)
    pdf.multi_cell(
        w=TEXT_W,
        h=size * 0.5,
        text=text,
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _when(invitation: Invitation) -> str:
    """The meeting's date and time on the clocks of its place, with the zone named."""
    meeting = invitation.meeting
    start = local(meeting, meeting.starts_at)
    text = formats.date_format(start, "DATETIME_FORMAT")
    if meeting.ends_at:
        end = local(meeting, meeting.ends_at)
        same_day = end.date() == start.date()
        text += " – " + (
            formats.time_format(end, "TIME_FORMAT")
            if same_day
            else formats.date_format(end, "DATETIME_FORMAT")
        )
    return f"{text} ({meeting.time_zone})"


def _page(pdf: FPDF, invitation: Invitation) -> None:
    meeting = invitation.meeting
    pdf.add_page()
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.rect(7, 7, PAGE_W - 14, PAGE_H - 14)

    pdf.set_y(14)
    _centred(pdf, meeting.organizer_unit.name.upper(), size=9.5, colour=GREY)
    pdf.ln(2)
    _centred(pdf, _("Invitation").upper(), size=20, colour=RED)
    pdf.ln(2)
    _centred(pdf, meeting.title, size=14, colour=INK)
    _centred(pdf, meeting.get_kind_display(), size=9.5, colour=GREY)
    pdf.ln(3)
    _centred(pdf, _when(invitation), size=11, colour=INK)
    _centred(pdf, meeting.place, size=11, colour=INK)
    if meeting.state == MeetingState.CANCELLED:
        pdf.ln(1)
        _centred(pdf, _("This meeting has been cancelled."), size=11, colour=RED)
    pdf.ln(4)
    _centred(pdf, _("Invited"), size=9, colour=GREY)
    _centred(pdf, invitation.display_name, size=13, colour=INK)
    _centred(pdf, invitation.get_role_display(), size=9, colour=GREY)
    if invitation.delegation_size is not None:
        _centred(
            pdf,
            ngettext(
                "A delegation of %(count)s person",
                "A delegation of %(count)s people",
                invitation.delegation_size,
            )
            % {"count": number(invitation.delegation_size)},
            size=10,
            colour=INK,
        )
        if invitation.head:
            _centred(
                pdf,
                _("Head of delegation: %(head)s") % {"head": invitation.head},
                size=9,
                colour=GREY,
            )

    # The code at the foot of the page, whatever the length of the text above.
    top = max(pdf.get_y() + 4, PAGE_H - 22 - QR_SIZE - 22)
    pdf.set_y(top)
    _centred(pdf, _("Your check-in code"), size=9, colour=GREY)
    _centred(pdf, invitation.code, size=24, colour=INK)
    pdf.image(qr_png(invitation.code), x=(PAGE_W - QR_SIZE) / 2, y=pdf.get_y() + 1, w=QR_SIZE)
    pdf.set_y(pdf.get_y() + QR_SIZE + 2)
    _centred(
        pdf,
        _("Show this code or its QR code at the door, or check in yourself on the meeting's page."),
        size=8,
        colour=GREY,
    )


def invitation_pdf(invitations: Iterable[Invitation]) -> bytes:
    """One A5 page per invitation, in the order given and in the active language.
    The invitations are read afresh (with their meeting) in one query."""
    order = [invitation.pk for invitation in invitations]
    fresh = Invitation.objects.select_related("meeting__organizer_unit", "user", "unit").in_bulk(
        order
    )
    rows = [fresh[pk] for pk in order if pk in fresh]
    if not rows:
        raise ValidationError(_("There is no invitation to print."))
    # A5 by its size: fpdf2 warns about the "A5" name since it corrected its dimensions.
    meeting = rows[0].meeting
    pdf = pdf_document(
        language=translation.get_language() or "en",
        author=meeting.organizer_unit.name,
        title=_("Invitation: %(title)s") % {"title": meeting.title},
        orientation="P",
        format=(PAGE_W, PAGE_H),
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for invitation in rows:
        _page(pdf, invitation)
    return pdf_bytes(pdf)
