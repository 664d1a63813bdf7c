"""Reports as .docx, .pdf and .xlsx: their :class:`Contents` (the title, the facts, the
figures as tables and the chart, in the active language) and the narrative of the
latest version.

A review report's contents are drafted from
:func:`pacesetter.reports.selectors.review_figures` (:func:`review_contents`), a work
report's from :func:`pacesetter.reports.work.work_figures`; a final report's are read
back from the figures frozen at finalize (:mod:`pacesetter.reports.frozen`). The page
and the three formats write the same contents, so what one holds the others hold too."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from docx.shared import Cm, Pt, RGBColor
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from pacesetter.core.documents import (
    bar_chart_png,
    docx_bytes,
    pdf_bytes,
    pdf_document,
    word_document,
)
from pacesetter.core.formatting import number as formatted_number
from pacesetter.core.spreadsheets import (
    FMT_PERCENT,
    FMT_VALUE,
    TITLE_FONT,
    XLSX_CONTENT_TYPE,
    add_bar_chart,
    export_workbook,
    style_header,
    workbook_bytes,
    write_cell,
)
from pacesetter.workplans.forms import STATUS_LABELS

from .models import SECTION_TITLES, SECTIONS, Report, ReportKind, ReportVersion
from .selectors import ReviewFigures

#: The files' content types by extension.
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": XLSX_CONTENT_TYPE,
}

RED = (179, 38, 30)
INK = (29, 37, 48)
GREY = (90, 90, 90)


def section_titles() -> dict[str, str]:
    """The sections' headings in the active language."""
    return {name: str(title) for name, title in SECTION_TITLES.items()}


@dataclass
class Table:
    key: str
    heading: str
    headers: list[str]
    rows: list[list[Any]]
    empty: str = ""
    #: The page links the cells of ``link_column`` to ``links`` (one address or None
    #: per row); the files write the text alone.
    link_column: int | None = None
    links: list[str | None] = field(default_factory=list)


#: A bar of the chart: its label, its percentage (None: no value) and whether it is muted.
Bar = tuple[str, Decimal | None, bool]


@dataclass
class Contents:
    """What the page and the files of a report show, in one language: plain values
    (text, whole numbers, decimals, None), so that they can be frozen as JSON."""

    kind: str  # the kind's label: the Excel sheet's name
    title: str
    author: str
    facts: list[str]
    tables: list[Table]
    #: The chart drawn under the heading of the table ``chart_table`` (the ranking).
    chart_title: str = ""
    bars: list[Bar] = field(default_factory=list)
    chart_table: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "author": self.author,
            "facts": self.facts,
            "tables": [
                {
                    "key": t.key,
                    "heading": t.heading,
                    "headers": t.headers,
                    "rows": [[_to_json(value) for value in row] for row in t.rows],
                    "empty": t.empty,
                    "link_column": t.link_column,
                    "links": t.links,
                }
                for t in self.tables
            ],
            "chart_title": self.chart_title,
            "bars": [[label, _to_json(value), muted] for label, value, muted in self.bars],
            "chart_table": self.chart_table,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contents:
        return cls(
            kind=data["kind"],
            title=data["title"],
            author=data["author"],
            facts=list(data["facts"]),
            tables=[
                Table(
                    key=t["key"],
                    heading=t["heading"],
                    headers=list(t["headers"]),
                    rows=[[_from_json(value) for value in row] for row in t["rows"]],
                    empty=t["empty"],
                    link_column=t.get("link_column"),
                    links=list(t.get("links") or []),
                )
                for t in data["tables"]
            ],
            chart_title=data.get("chart_title", ""),
            bars=[(label, _from_json(value), bool(muted)) for label, value, muted in data["bars"]],
            chart_table=data.get("chart_table", ""),
        )


def _to_json(value: Any) -> Any:
    """A decimal as {"decimal": "440.00"} (JSON has no exact decimals: a float would
    turn 0.1 into 0.1000000000000000055…); text, whole numbers and None as they are."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, float):  # a database that answers a sum as a float
        return {"decimal": str(Decimal(str(value)))}
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        return Decimal(value["decimal"])
    return value


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _percent(value: Decimal | None) -> Any:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _share(value: Decimal | None) -> Any:
    """A share of 1 (coverage rates) as a percentage with one decimal."""
    return None if value is None else (Decimal(value) * 100).quantize(Decimal("0.1"))


def facts(figures: ReviewFigures) -> list[str]:
    lines = [
        _("Campaign: %(campaign)s") % {"campaign": figures.campaign.name},
        _("Review point: %(review)s") % {"review": figures.review_point.name},
        _("Period: %(start)s – %(end)s")
        % {"start": _date(figures.period_start), "end": _date(figures.period_end)},
        _("Participants: %(count)s") % {"count": formatted_number(figures.participants)},
        _("Units that met or beat plan: %(met)s of %(count)s")
        % {
            "met": formatted_number(len(figures.met_plan)),
            "count": formatted_number(len(figures.units)),
        },
    ]
    if figures.cluster is not None:
        lines.insert(2, _("Cluster: %(cluster)s") % {"cluster": figures.cluster.name})
    comparison = figures.comparison
    if comparison is not None:
        lines.append(
            _(
                "Same period of the predecessor campaign (%(campaign)s, %(review)s): "
                "%(count)s participants, %(met)s met plan."
            )
            % {
                "campaign": comparison.review_point.campaign.name,
                "review": comparison.review_point.name,
                "count": formatted_number(comparison.participants),
                "met": formatted_number(comparison.met_plan),
            }
        )
    if not figures.ranking.published:
        lines.append(_("The ranking is not published yet: its figures may still change."))
    return lines


def tables(figures: ReviewFigures) -> list[Table]:
    """The figures as tables, the same in every format."""
    out = [
        Table(
            "participants",
            _("Participants by cluster"),
            [_("Cluster"), _("Participants")],
            [[row.name, row.participants] for row in figures.by_cluster],
        )
    ]
    previous = figures.comparison is not None
    headers = [
        _("Group"),
        _("Criterion"),
        _("Unit of measure"),
        _("Units assigned"),
        _("Units that met the target"),
        _("Registered target"),
        _("Actual"),
        _("Actual / target"),
    ]
    if previous:
        headers.append(_("Actual, same period last year"))
    rows = []
    for group in figures.groups:
        for criterion in group.criteria:
            row = [
                group.title,
                f"{criterion.code} {criterion.title}",
                criterion.measure,
                criterion.assigned,
                criterion.met,
                criterion.target,
                criterion.actual,
                criterion.achieved,
            ]
            if previous:
                row.append(criterion.previous_actual)
            rows.append(row)
    out.append(
        Table(
            "targets",
            _("Registered targets against actuals"),
            headers,
            rows,
            _("No quantitative criterion."),
        )
    )
    out.append(
        Table(
            "ranking",
            _("Scores and ranking"),
            [_("Rank in cluster"), _("Unit"), _("Cluster"), _("Total"), _("Percentage"), _("Veto")],
            [
                [
                    row["rank_in_cluster"],
                    row["unit_name"],
                    row["cluster_name"] or "",
                    row["total"],
                    _percent(row["percentage"]),
                    _("yes") if row["veto"] else "",
                ]
                for row in figures.ranking.rows
            ],
            _("No ranking to show yet."),
        )
    )
    out.append(
        Table(
            "plan",
            _("Targets met by unit"),
            [_("Unit"), _("Cluster"), _("Targets assigned"), _("Targets met"), _("Met plan")],
            [
                [u.name, u.cluster, u.assigned, u.met, _("yes") if u.met_plan else _("no")]
                for u in figures.units
            ],
        )
    )
    out.append(
        Table(
            "awards",
            _("Awards proposed and decided"),
            [_("Award"), _("Cluster"), _("State"), _("Candidates"), _("Granted")],
            [[a.award, a.cluster, a.state, a.candidates, a.granted] for a in figures.awards],
            _("No award has been proposed from this campaign."),
        )
    )
    out.append(
        Table(
            "meetings",
            _("Meetings held in the period"),
            [_("Date"), _("Meeting"), _("Kind"), _("Organizer")],
            [[_date(m.date), m.title, m.kind, m.organizer] for m in figures.meetings],
            _("No meeting was held in the period."),
        )
    )
    out.extend(_work_tables(figures))
    coverage = _coverage_table(figures)
    if coverage is not None:
        out.append(coverage)
    return out


def _work_tables(figures: ReviewFigures) -> list[Table]:
    """The key tasks of the period with their counts by status, and the practices found."""
    counts = figures.task_counts
    return [
        Table(
            "tasks",
            _("Key tasks of the period"),
            [
                _("Work plan"),
                _("Code"),
                _("Key task"),
                _("Lead unit"),
                _("Due"),
                _("Progress (%)"),
                _("Status at the period's end"),
            ],
            [
                [
                    t.plan,
                    t.code,
                    t.title,
                    t.lead_unit,
                    _date(t.due) if t.due else None,
                    t.progress,
                    t.status_label,
                ]
                for t in figures.tasks
            ],
            _("No key task of a work plan falls in the period."),
        ),
        Table(
            "task_status",
            _("Key tasks by status"),
            [_("Status at the period's end"), _("Key tasks")],
            [[str(label), counts[code]] for code, label in STATUS_LABELS.items()]
            if figures.tasks
            else [],
            _("No key task of a work plan falls in the period."),
        ),
        Table(
            "practices",
            _("Advanced models and good practices found"),
            [_("Practice"), _("Kind"), _("State"), _("Year"), _("Kept by")],
            [[p.title, p.kind, p.state, str(p.year), p.owner] for p in figures.practices],
            _("No practice is linked to this review point."),
        ),
    ]


def _coverage_table(figures: ReviewFigures) -> Table | None:
    """Coverage in the organizer's towns, at the period's end beside its start; None
    (no section) when the organizer keeps no coverage register."""
    coverage = figures.coverage
    if coverage is None:
        return None
    lines = [*coverage.towns, coverage.total]
    return Table(
        "coverage",
        _("Coverage of new economic and social organizations (%(start)s – %(end)s)")
        % {"start": _date(coverage.start), "end": _date(coverage.end)},
        [
            _("Town or street"),
            _("Operating at the end"),
            _("Organization coverage at the start (%)"),
            _("Organization coverage at the end (%)"),
            _("Change (points)"),
            _("Work coverage at the end (%)"),
            _("Union coverage at the start (%)"),
            _("Union coverage at the end (%)"),
            _("Newly built"),
        ],
        [
            [
                line.town,
                line.operating,
                _share(line.organized_before),
                _share(line.organized),
                _share(line.organized_change),
                _share(line.work),
                _share(line.union_before),
                _share(line.union),
                line.newly_built,
            ]
            for line in lines
        ]
        if coverage.towns
        else [],
        _("No organization of the register operates in the organizer's towns."),
    )


def cell_text(value: Any) -> str:
    """A table's value as the page and the documents show it (numbers localized)."""
    if value is None:
        return "—"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return formatted_number(value)
    return str(value)


def chart_bars(figures: ReviewFigures) -> list[Bar]:
    return [
        (
            row["unit_name"],
            Decimal(row["percentage"]) if row["percentage"] is not None else None,
            bool(row["veto"]),
        )
        for row in figures.ranking.rows
    ]


def chart_title(figures: ReviewFigures) -> str:
    return _("Percentage of assigned points — %(name)s") % {"name": figures.review_point.name}


def review_contents(figures: ReviewFigures) -> Contents:
    """The review report's contents in the active language."""
    return Contents(
        kind=_("Review report"),
        title=figures.title,
        author=figures.campaign.organizer.name,
        facts=facts(figures),
        tables=tables(figures),
        chart_title=chart_title(figures),
        bars=chart_bars(figures),
        chart_table="ranking",
    )


def _png(contents: Contents) -> bytes:
    bars = [(label, None if v is None else float(v), muted) for label, v, muted in contents.bars]
    return bar_chart_png(bars, title=contents.chart_title)


def state_line(report: Report) -> str:
    if report.is_locked and report.finalized_at is not None:
        who = report.finalized_by
        name = (who.get_full_name() or who.get_username()) if who is not None else _("unknown")
        return _("Final, version %(version)s, finalized on %(date)s by %(user)s.") % {
            "version": report.version,
            # The day in the site's zone (the stored moment is UTC).
            "date": formats.date_format(timezone.localtime(report.finalized_at), "DATE_FORMAT"),
            "user": name,
        }
    return _("Draft, version %(version)s.") % {"version": report.version}


def _language() -> str:
    return translation.get_language() or "en"


# --- Word -------------------------------------------------------------------------------


def render_docx(report: Report, version: ReportVersion, contents: Contents) -> bytes:
    document = word_document(
        language=_language(), title=contents.title, author=contents.author, revision=version.number
    )
    header = document.sections[0].header.paragraphs[0]
    run = header.add_run(state_line(report))
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(*(GREY if report.is_locked else RED))
    document.add_heading(contents.title, level=0)
    for line in contents.facts:
        document.add_paragraph(line)
    titles = section_titles()
    texts = version.sections()
    for table in contents.tables:
        document.add_heading(table.heading, level=1)
        if table.key == contents.chart_table and table.rows and contents.bars:
            document.add_picture(io.BytesIO(_png(contents)), width=Cm(16))
        if not table.rows:
            document.add_paragraph(table.empty)
            continue
        grid = document.add_table(rows=1, cols=len(table.headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
            cell.text = text
            for paragraph in cell.paragraphs:
                for piece in paragraph.runs:
                    piece.bold = True
        for values in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = cell_text(value)
    for name in SECTIONS:
        document.add_heading(titles[name], level=1)
        _word_text(document, texts[name])
    return docx_bytes(document)


def _word_text(document: Any, text: str) -> None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        document.add_paragraph("—")
    for line in lines:
        if line.startswith(("- ", "• ")):
            document.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            document.add_paragraph(line)


# --- PDF --------------------------------------------------------------------------------


def render_pdf(report: Report, version: ReportVersion, contents: Contents) -> bytes:
    pdf = pdf_document(
        language=_language(),
        author=contents.author,
        title=contents.title,
        orientation="L",
        format="A4",
    )
    pdf.set_margins(15, 18, 15)
    pdf.set_auto_page_break(True, margin=15)
    top = state_line(report)
    width = pdf.epw

    def header() -> None:
        pdf.set_y(8)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*(GREY if report.is_locked else RED))
        pdf.cell(w=width, h=5, text=top, align=Align.R)
        pdf.set_y(18)

    def footer() -> None:
        pdf.set_y(-12)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(w=width, h=5, text=f"{pdf.page_no()} / {{nb}}", align=Align.C)

    pdf.header = header  # type: ignore[method-assign]
    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()

    def write(text: str, *, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        pdf.set_font_size(size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(w=width, h=size * 0.5, text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write(contents.title, size=16, colour=RED)
    pdf.ln(2)
    for line in contents.facts:
        write(line)
    titles = section_titles()
    texts = version.sections()
    for table in contents.tables:
        pdf.ln(4)
        write(table.heading, size=13, colour=RED)
        pdf.ln(1)
        if not table.rows:
            write(table.empty)
            continue
        if table.key == contents.chart_table and contents.bars:
            pdf.image(io.BytesIO(_png(contents)), w=min(width, 200))
            pdf.ln(2)
        pdf.set_font_size(9)
        pdf.set_text_color(*INK)
        with pdf.table(
            text_align="LEFT",
            line_height=4.5,
            headings_style=FontFace(emphasis=None, fill_color=(232, 236, 241)),
        ) as grid:
            head = grid.row()
            for text in table.headers:
                head.cell(text)
            for values in table.rows:
                row = grid.row()
                for value in values:
                    row.cell(cell_text(value))
    for name in SECTIONS:
        pdf.ln(4)
        write(titles[name], size=13, colour=RED)
        write(texts[name].strip() or "—")
    return pdf_bytes(pdf)


# --- Excel ------------------------------------------------------------------------------


def render_xlsx(report: Report, version: ReportVersion, contents: Contents) -> bytes:
    workbook = export_workbook(contents.kind, contents.title)
    sheet = workbook.active
    write_cell(sheet, 1, 1, contents.title).font = TITLE_FONT
    write_cell(sheet, 2, 1, state_line(report))
    row = 3
    for line in contents.facts:
        write_cell(sheet, row, 1, line)
        row += 1
    sheet.column_dimensions["A"].width = 30
    for column in "BCDEFGHI":
        sheet.column_dimensions[column].width = 18
    for table in contents.tables:
        row += 1
        write_cell(sheet, row, 1, table.heading).font = TITLE_FONT
        row += 1
        if not table.rows:
            write_cell(sheet, row, 1, table.empty)
            row += 1
            continue
        header_row = row
        append_at(sheet, row, table.headers)
        style_header(sheet[row])
        for values in table.rows:
            row += 1
            append_at(sheet, row, values)
            for index, value in enumerate(values, start=1):
                if isinstance(value, Decimal):
                    sheet.cell(row=row, column=index).number_format = FMT_VALUE
        if table.key == contents.chart_table and contents.bars:
            for number in range(header_row + 1, row + 1):
                value = sheet.cell(row=number, column=5).value
                if value is not None:  # a share of 1, shown as a percentage
                    write_cell(sheet, number, 5, Decimal(value) / 100).number_format = FMT_PERCENT
            add_bar_chart(
                sheet,
                title=contents.chart_title,
                labels=(2, header_row + 1, row),
                values=(5, header_row, row),
                anchor=f"K{header_row}",
            )
        row += 1
    notes = workbook.create_sheet(_("Narrative")[:31])
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 100
    titles = section_titles()
    for index, name in enumerate(SECTIONS, start=1):
        write_cell(notes, index, 1, titles[name]).font = TITLE_FONT
        write_cell(notes, index, 2, version.sections()[name])
    return workbook_bytes(workbook)


def append_at(sheet: Any, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        write_cell(sheet, row, column, value)


def report_file_name(report: Report, extension: str) -> str:
    if report.kind == ReportKind.WORK:
        return f"work-report-{report.plan_id}-{report.as_of}-v{report.version}.{extension}"
    suffix = f"-cluster-{report.cluster_id}" if report.cluster_id else ""
    return f"review-report-{report.review_point_id}{suffix}-v{report.version}.{extension}"
