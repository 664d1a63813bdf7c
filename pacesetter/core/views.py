"""Small helpers the server-rendered screens share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

from .forms import place_constraint_errors


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    breadcrumb: list[dict[str, str]],
    submit_label: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """A page with one form ("core/form_page.html"): its title, a way back, a trail."""
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "breadcrumb": breadcrumb,
            "submit_label": submit_label,
            **extra,
        },
    )


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows and one more: a search matching a quarter of a large
    table is not counted to the end on every request. ``capped`` says that there were
    more; the pages then list the first ``cap`` rows (the list says to narrow the search)."""

    def __init__(self, object_list: Any, per_page: int, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a subquery of at most cap + 1 rows, unordered: it stops there.
        counted = self.queryset.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


def printing(request: HttpRequest) -> bool:
    """Whether the request asks for the page's print view (``?print=1``)."""
    return request.GET.get("print") == "1"


def print_page(queryset: QuerySet[Any] | Sequence[Any], count: int | None = None) -> Page:
    """Every row on one page, up to ``settings.PRINT_MAX_ROWS``: a print view's rows."""
    paginator = Paginator(queryset, settings.PRINT_MAX_ROWS)
    if count is not None:
        paginator.count = count
    return paginator.get_page(1)


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any] | Sequence[Any],
    per_page: int | None = None,
    count: int | None = None,
    cap: int | None = None,
) -> Page:
    """The page named by ``?page=`` (the last one if out of range, the first if not a number).
    ``count``: the number of rows when the caller has counted them already (no ``COUNT``).
    ``cap``: count no further than this many rows (``page.paginator.capped`` then says
    there were more, and the pages reach only the first ``cap``).

    The print view (``?print=1``) is one page of every row, up to
    ``settings.PRINT_MAX_ROWS``: paper holds the whole list, not the screen's page
    (``core/pagination.html`` says how many rows were left out above the cap)."""
    if printing(request):
        return print_page(queryset, count)
    size = per_page or settings.PAGE_SIZE
    paginator = Paginator(queryset, size) if cap is None else CappedPaginator(queryset, size, cap)
    if count is not None:
        paginator.count = count  # a cached property: the paginator uses it as counted
    return paginator.get_page(request.GET.get("page"))


def xlsx_response(workbook: Any, filename: str) -> HttpResponse:
    """A workbook (``core.spreadsheets``) as an .xlsx download named ``filename``."""
    from .spreadsheets import XLSX_CONTENT_TYPE, workbook_bytes  # openpyxl only when exporting

    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def add_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    prefix: str = "",
    fields: dict[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form.

    Services raise ``{field: [messages]}`` with model field names; ``fields`` maps a
    model field to a differently named form field and ``prefix`` is put before every
    name (``decision_`` for the decision part of the cluster form). Errors for fields
    the form does not have go to the top of the form, unless the form's
    ``constraint_fields`` names the field of their code (``core.forms.ConstraintFieldsMixin``).
    """
    exc = place_constraint_errors(form, exc)
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = (fields or {}).get(name, f"{prefix}{name}")
        form.add_error(target if target in form.fields else None, errors)


def health(request: HttpRequest) -> HttpResponse:
    """``/healthz`` for the proxy's or monitor's probe: 200 ``ok`` once the database
    answers a query; while it cannot be reached, the 503 of
    ``DatabaseUnavailableMiddleware``. Never cached; no session, no template."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
