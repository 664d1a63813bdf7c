"""JSON API of the statutory statistics: /api/v1/statistics.

The forms and their versions; a form's figures for a year and a reporting body, in its
layout (the version in force on the year's last day); the records behind one figure;
the form as .xlsx. Access as on the screens (:func:`.selectors.statistics_access`): 404
for an unknown form, a year no version covers or a body the user does not see, 403 for a
body they see but do not staff.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from pacesetter.core.api_types import Id

from .excel import render_form_xlsx
from .layouts import Layout, all_layouts, titles
from .records import record_headers, record_url, record_values
from .selectors import YEARS, cell_records, form_figures, statistics_access
from .views import XLSX

router = Router(tags=["statistics"])


class FormVersionOut(Schema):
    family: str
    country: str
    code: str
    version: str
    valid_from: dt.date
    valid_to: dt.date | None
    confirmed: bool = Field(description="Whether the layout was checked against the official text.")
    source_language: str
    title: str = Field(description="In the form's own language.")
    title_translation: str = Field(description="In ?lang='s language (English for the form's own).")


class StatisticsQuery(Schema):
    year: int = Field(ge=YEARS[0], le=YEARS[1])
    body_id: Id


class RecordsQuery(StatisticsQuery):
    row: str = Field(max_length=40)
    column: str = Field(max_length=40)
    page: int = Field(1, ge=1, le=100_000)


class ColumnOut(Schema):
    key: str
    label: str
    group: str
    kind: str = Field(description="count, sum or rate")


class CellOut(Schema):
    column: str
    value: int | Decimal | None
    records: str | None = Field(description="The API address of the records behind it.")


class RowOut(Schema):
    key: str
    label: str
    heading: bool
    cells: list[CellOut]


class FormOut(FormVersionOut):
    year: int
    body_id: int
    body: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class RecordOut(Schema):
    id: int
    url: str
    values: list[Any]


class RecordsOut(Schema):
    row: str
    column: str
    value: int | Decimal | None
    count: int
    headers: list[str]
    items: list[RecordOut]


def _version(layout: Layout) -> dict[str, Any]:
    own, translated, _language = titles(layout)
    return {
        "family": layout.family,
        "country": layout.country,
        "code": layout.code,
        "version": layout.version,
        "valid_from": layout.valid_from,
        "valid_to": layout.valid_to,
        "confirmed": layout.confirmed,
        "source_language": layout.source_language,
        "title": own,
        "title_translation": translated,
    }


@router.get("/forms", response=list[FormVersionOut])
def form_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every version of every form, by form and newest first."""
    return [_version(layout) for layout in all_layouts()]


@router.get("/{family}", response=FormOut)
def form_detail(request: HttpRequest, family: str, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """The form's figures for ``year`` and the body ``body_id``, in its layout."""
    user = request.user
    layout, year, body = statistics_access(user, family, query.year, query.body_id)
    figures = form_figures(user, layout, body, year)
    records = reverse("api-v1:statistics_records", kwargs={"family": layout.family})
    rows = []
    for line, cells in figures.lines:
        rows.append(
            {
                "key": line.key,
                "label": layout.label(line),
                "heading": line.heading,
                "cells": [
                    {
                        "column": cell.column.key,
                        "value": cell.value,
                        "records": (
                            f"{records}?year={year}&body_id={body.pk}"
                            f"&row={line.key}&column={cell.column.key}"
                            if cell.traceable
                            else None
                        ),
                    }
                    for cell in cells
                ],
            }
        )
    columns = [
        {
            "key": column.key,
            "label": layout.label(column),
            "group": layout.group(column),
            "kind": "rate" if column.rate else ("sum" if column.sum else "count"),
        }
        for column in layout.columns
    ]
    return {
        **_version(layout),
        "year": year,
        "body_id": body.pk,
        "body": body.name,
        "columns": columns,
        "rows": rows,
    }


@router.get("/{family}/records", response=RecordsOut, url_name="statistics_records")
def form_records(request: HttpRequest, family: str, query: Query[RecordsQuery]) -> dict[str, Any]:
    """The records behind one figure (``row``, ``column``), a page at a time."""
    user = request.user
    layout, year, body = statistics_access(user, family, query.year, query.body_id)
    records = cell_records(user, layout, body, year, query.row, query.column)
    cell = form_figures(user, layout, body, year).cell(query.row, query.column)
    page = Paginator(records, settings.PAGE_SIZE).get_page(query.page)
    return {
        "row": query.row,
        "column": query.column,
        "value": cell.value,
        "count": page.paginator.count,
        "headers": record_headers(layout.source),
        "items": [
            {
                "id": record.pk,
                "url": record_url(layout.source, record),
                "values": record_values(layout.source, record),
            }
            for record in page.object_list
        ],
    }


@router.get("/{family}/file")
def form_file(request: HttpRequest, family: str, query: Query[StatisticsQuery]) -> HttpResponse:
    """The form as .xlsx, in its own layout and language."""
    user = request.user
    layout, year, body = statistics_access(user, family, query.year, query.body_id)
    response = HttpResponse(
        render_form_xlsx(form_figures(user, layout, body, year), user), content_type=XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{layout.family}-{year}-{body.code}.xlsx"'
    )
    return response
