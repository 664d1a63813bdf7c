"""The statutory statistics' screens: choose a form, a year and a reporting body and see
the figures in the form's layout; drill into the records behind a figure; download the
form as .xlsx. Reads only (selectors), access through :func:`.selectors.statistics_access`."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from pacesetter.core.views import paginate

from .excel import render_form_xlsx, unconfirmed_note
from .forms import StatisticsForm
from .layouts import Layout, titles, versions_of
from .records import record_headers, record_url, record_values
from .selectors import cell_records, form_figures, reporting_bodies, statistics_access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(layout_family: str, year: int, body_pk: int, **more: str) -> str:
    return urlencode({"form": layout_family, "year": year, "body": body_pk, **more})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    bodies = list(reporting_bodies(user))
    data = request.GET if "form" in request.GET else None
    initial = {"year": timezone.localdate().year - 1, "body": bodies[0].pk if bodies else None}
    form = StatisticsForm(data, bodies=bodies, initial=initial)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        layout, year, body = statistics_access(
            user, form.cleaned_data["form"], form.cleaned_data["year"], form.cleaned_data["body"]
        )
        figures = form_figures(user, layout, body, year)
        own_title, translated, language = titles(layout)
        records_url = reverse("reports:statistics_records")
        rows = []
        for line, cells in figures.lines:
            shown = []
            for cell in cells:
                link = ""
                if cell.traceable:
                    query = _query(
                        layout.family, year, body.pk, row=line.key, column=cell.column.key
                    )
                    link = f"{records_url}?{query}"
                shown.append((cell, link, _shown(cell.value)))
            rows.append((line, layout.label(line), shown))
        context.update(
            figures=figures,
            layout=layout,
            rows=rows,
            groups=_groups(layout),
            grouped_labels=[layout.label(c) for c in layout.columns if layout.group(c)],
            width=2 + len(layout.columns),
            key_label=layout.text("columns_key_label"),
            code_label=layout.text("code_label"),
            own_title=own_title,
            translated_title=translated,
            translation_language=language,
            versions=versions_of(layout.family),
            note="" if layout.confirmed else unconfirmed_note(layout),
            file_url=f"{reverse('reports:statistics_file')}?{_query(layout.family, year, body.pk)}",
        )
    return render(request, "reports/statistics/form.html", context)


def _shown(value: int | Decimal | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{number_format(value * 100, 2)}%"
    return number_format(value)


def _groups(layout: Layout) -> list[tuple[str, int, bool]]:
    """The header's first row: (text, span, grouped) for each run of columns."""
    heads: list[tuple[str, int, bool]] = []
    for column in layout.columns:
        group = layout.group(column)
        if group and heads and heads[-1][0] == group and heads[-1][2]:
            text, span, _grouped = heads[-1]
            heads[-1] = (text, span + 1, True)
        else:
            heads.append((group or layout.label(column), 1, bool(group)))
    return heads


@login_required
def statistics_records(request: HttpRequest) -> HttpResponse:
    user = request.user
    layout, year, body = statistics_access(
        user, request.GET.get("form"), request.GET.get("year"), request.GET.get("body")
    )
    row_key, column_key = request.GET.get("row", ""), request.GET.get("column", "")
    records = cell_records(user, layout, body, year, row_key, column_key)
    figures = form_figures(user, layout, body, year)
    cell = figures.cell(row_key, column_key)
    page = paginate(request, records)
    lines = [
        (record_url(layout.source, record), record_values(layout.source, record))
        for record in page.object_list
    ]
    return render(
        request,
        "reports/statistics/records.html",
        {
            "layout": layout,
            "figures": figures,
            "cell": cell,
            "row_label": layout.label(cell.row),
            "column_label": " / ".join(
                x for x in (layout.group(cell.column), layout.label(cell.column)) if x
            ),
            "headers": record_headers(layout.source),
            "lines": lines,
            "page_obj": page,
            "back_url": f"{reverse('reports:statistics')}?{_query(layout.family, year, body.pk)}",
        },
    )


@login_required
def statistics_file(request: HttpRequest) -> HttpResponse:
    user = request.user
    layout, year, body = statistics_access(
        user, request.GET.get("form"), request.GET.get("year"), request.GET.get("body")
    )
    content = render_form_xlsx(form_figures(user, layout, body, year), user)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{layout.family}-{year}-{body.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
