""" "One form per enterprise": an organization's printable form (PDF), with its facts,
each kind's current state and its history of periods, in the reader's language (the
fonts of :mod:`pacesetter.core.documents` cover Vietnamese and Chinese)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from pacesetter.core.documents import pdf_bytes, pdf_document

from .models import Building, CoverageKind, Form, Organization, StatusPeriod

INK = (33, 37, 41)
GREY = (91, 102, 117)
RED = (176, 0, 32)
HEAD_FILL = (232, 236, 241)


def _date(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def organization_form(organization: Organization, *, language: str, author: str = "") -> bytes:
    """The organization's form as PDF bytes; call with ``language`` active."""
    org = (
        Organization.objects.select_related("town", "site", "industry")
        .prefetch_related(
            Prefetch(
                "buildings",
                queryset=Building.objects.select_related("kind").order_by(
                    "kind__position", "kind_id", "valid_from"
                ),
            ),
            Prefetch("status_periods", queryset=StatusPeriod.objects.order_by("valid_from")),
        )
        .get(pk=organization.pk)
    )
    title = _("One form per enterprise")
    pdf = pdf_document(language=language, author=author or "Pacesetter", title=org.name)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(4)
        pdf.set_font_size(13)
        pdf.set_text_color(*RED)
        pdf.multi_cell(w=width, h=7, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)
        pdf.set_font_size(9.5)

    pdf.set_font_size(10)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(w=width, h=5, text=title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font_size(18)
    pdf.set_text_color(*INK)
    pdf.multi_cell(w=width, h=9, text=org.name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    facts = [
        (_("Unified social credit code"), org.credit_code),
        (_("Kind"), str(org.get_kind_display())),
        (_("Industry"), str(org.industry) if org.industry else ""),
        (_("Town or street"), org.town.name),
        (_("Park or building"), org.site.name if org.site else ""),
        (_("Registered on"), _date(org.registered_on)),
        (_("Status"), str(org.get_status_display())),
        (_("Staff"), str(org.staff_count)),
        (_("Annual revenue"), str(org.get_revenue_band_display()) if org.revenue_band else ""),
        (_("Above designated size"), _yes(org.above_designated_size)),
        (
            _("Investor or legal representative is a party member"),
            _yes(org.investor_is_party_member),
        ),
        (_("Full party members"), str(org.party_members_full)),
        (_("Probationary party members"), str(org.party_members_probationary)),
        (_("Union members"), str(org.union_members)),
    ]
    pdf.set_font_size(9.5)
    with pdf.table(
        col_widths=(2, 3),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        text_align=(Align.L, Align.L),
        line_height=5,
        padding=1.2,
    ) as table:
        for label, value in facts:
            row = table.row()
            row.cell(label, style=FontFace(color=GREY))
            row.cell(value or "—")

    by_kind: dict[int, tuple[CoverageKind, list[Building]]] = {}
    for period in org.buildings.all():
        by_kind.setdefault(period.kind_id, (period.kind, []))[1].append(period)
    for kind, periods in by_kind.values():
        current = periods[-1]
        heading(kind.name)
        lines = [(_("Now"), str(current.get_form_display()))]
        if current.form != Form.NOT_BUILT:
            lines += [
                (_("Founded on"), _date(current.founded_on)),
                (_("Reports to"), current.reports_to),
                (_("Secretary or chair"), current.leader_name),
                (_("Members"), str(current.member_count)),
            ]
            if current.instructor_name:
                lines.append((_("Instructor or liaison"), current.instructor_name))
        else:
            reason = str(current.get_reason_not_built_display()) if current.reason_not_built else ""
            if current.reason_text:
                reason = f"{reason}: {current.reason_text}" if reason else current.reason_text
            lines += [
                (_("Reason not built"), reason),
                (_("Planned for"), _date(current.planned_on)),
            ]
        with pdf.table(
            col_widths=(2, 3),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.NONE,
            text_align=(Align.L, Align.L),
            line_height=5,
            padding=0.8,
        ) as table:
            for label, value in lines:
                row = table.row()
                row.cell(label, style=FontFace(color=GREY))
                row.cell(value or "—")
        pdf.ln(2)
        with pdf.table(
            col_widths=(1.3, 1.3, 1.8, 2.2, 1.8, 0.8),
            headings_style=FontFace(emphasis="", color=INK, fill_color=HEAD_FILL),
            line_height=4.6,
            padding=1,
        ) as table:
            table.row(
                [
                    _("From"),
                    _("Until"),
                    _("Event"),
                    _("Form"),
                    _("Secretary or chair"),
                    _("Members"),
                ]
            )
            for period in periods:
                table.row(
                    [
                        _date(period.valid_from),
                        _date(period.valid_to),
                        str(period.get_event_display()),
                        str(period.get_form_display()),
                        period.leader_name or period.instructor_name,
                        str(period.member_count) if period.form != Form.NOT_BUILT else "",
                    ]
                )

    heading(_("Status"))
    with pdf.table(
        col_widths=(1, 1, 2, 2),
        headings_style=FontFace(emphasis="", color=INK, fill_color=HEAD_FILL),
        line_height=4.6,
        padding=1,
    ) as table:
        table.row([_("From"), _("Until"), _("Event"), _("Status")])
        for status in org.status_periods.all():
            table.row(
                [
                    _date(status.valid_from),
                    _date(status.valid_to),
                    str(status.get_event_display()),
                    str(status.get_status_display()),
                ]
            )
    pdf.ln(6)
    pdf.set_font_size(8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        w=width,
        h=4,
        text=_("Printed on %(date)s.") % {"date": _date(timezone.localdate())},
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return pdf_bytes(pdf)
