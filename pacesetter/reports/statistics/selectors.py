"""The figures of a statutory form for a reporting body and a year, and the records behind
each figure: one aggregate query per form (every figure a ``Count`` or ``Sum`` with its
row's and column's filters, :mod:`.measures`), and the drill-down the same queryset with
the same filters, so a figure is always the number of the records listed behind it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.core.policies import Actor, signed_in
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .layouts import Layout, Line, layout_in_force
from .measures import SOURCES, measure_q

#: The years a form may be asked for.
YEARS = (2000, 2100)


def statistics_access(user: Any, family: Any, year: Any, body_pk: Any) -> tuple[Layout, int, Unit]:
    """The layout of ``family`` in force in ``year`` and the reporting body (a unit whose
    committee staff the user is: ``unit_policy``'s ``manage``; 404 for a unit they do not
    see, 403 for one they see but do not staff). 404 for an unknown form, a year out of
    range or one no version of the form covers."""
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404(_("Not found."))
    layout = layout_in_force(str(family), year)
    if layout is None:
        raise Http404(_("No version of this form is in force in that year."))
    body = unit_policy.access(user, body_pk, "manage")
    return layout, year, body


def reporting_bodies(user: Any) -> QuerySet[Unit]:
    """The units the user may report for, at the top of each subtree they staff (all the
    roots, for a superuser); one query."""
    if not signed_in(user):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.filter(parent__isnull=True).order_by("path")
    paths = Actor.of(user).scope.staff_paths
    return Unit.objects.filter(path__in=paths).order_by("path")


@dataclass
class Cell:
    row: Line
    column: Line
    value: int | Decimal | None
    #: Whether the figure lists records (a count or a sum; a rate does not).
    traceable: bool


@dataclass
class FormFigures:
    layout: Layout
    year: int
    body: Unit
    #: One list of cells per row of the layout (empty for a heading row).
    lines: list[tuple[Line, list[Cell]]]

    def cell(self, row_key: str, column_key: str) -> Cell:
        for row, cells in self.lines:
            if row.key == row_key:
                for cell in cells:
                    if cell.column.key == column_key:
                        return cell
        raise KeyError((row_key, column_key))


def _aggregate(column: Line, q: Q) -> Any:
    if column.sum:
        return Coalesce(Sum(column.sum, filter=q or None), 0)
    return Count("pk", filter=q or None)


def form_figures(user: Any, layout: Layout, body: Unit, year: int) -> FormFigures:
    """Every figure of the form: one query."""
    source = SOURCES[layout.source]
    records = source.records(user, body, year).order_by()
    aggregates = {}
    for i, row in enumerate(layout.rows):
        if row.heading:
            continue
        for j, column in enumerate(layout.columns):
            if column.rate is None:
                aggregates[f"c{i}_{j}"] = _aggregate(
                    column, measure_q(source, row.measure, column.measure)
                )
    values = records.aggregate(**aggregates) if aggregates else {}
    lines: list[tuple[Line, list[Cell]]] = []
    for i, row in enumerate(layout.rows):
        if row.heading:
            lines.append((row, []))
            continue
        by_key: dict[str, Any] = {}
        for j, column in enumerate(layout.columns):
            if column.rate is None:
                by_key[column.key] = int(values.get(f"c{i}_{j}") or 0)
        cells = []
        for column in layout.columns:
            if column.rate is not None:
                part, whole = (by_key[k] for k in column.rate)
                share = (
                    (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None
                )
                cells.append(Cell(row, column, share, traceable=False))
            else:
                cells.append(Cell(row, column, by_key[column.key], traceable=True))
        lines.append((row, cells))
    return FormFigures(layout=layout, year=year, body=body, lines=lines)


def cell_records(
    user: Any, layout: Layout, body: Unit, year: int, row_key: str, column_key: str
) -> QuerySet[Any]:
    """The records behind one figure (404 for a row or column the form does not have, or
    a rate); each record once, in the source's order, with what the list shows."""
    row, column = layout.row(str(row_key)), layout.column(str(column_key))
    if row is None or column is None or column.rate is not None:
        raise Http404(_("Not found."))
    source = SOURCES[layout.source]
    records = source.records(user, body, year).filter(
        measure_q(source, row.measure, column.measure)
    )
    related = {
        "campaigns": ("organizer",),
        "grants": ("award", "unit", "person__unit", "decision"),
        "organizations": ("town",),
    }[layout.source]
    return records.select_related(*related).order_by(*source.order)
