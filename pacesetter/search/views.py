"""The search page, ``/search/?q=…`` (every kind, grouped) and ``/search/?q=…&kind=…``
(one kind, paged). The box in the top bar of every signed-in page sends here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pacesetter.core.errors import FieldRuleError
from pacesetter.core.views import paginate

from .selectors import KINDS, MAX_LENGTH, cleaned_query, kind_named, search_all, search_kind


@login_required
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    context: dict[str, Any] = {
        "q": raw[: MAX_LENGTH * 2],
        "kinds": KINDS,
        "kind": None,
        "groups": [],
        "page_obj": None,
        "error": "",
        "max_length": MAX_LENGTH,
    }
    if raw.strip():
        try:
            query = cleaned_query(raw)
            kind = kind_named(request.GET["kind"]) if request.GET.get("kind") else None
        except FieldRuleError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            context["query"] = query
            if kind is None:
                context["groups"] = search_all(request.user, query)
            else:
                page = paginate(request, search_kind(request.user, query, kind))
                page.object_list = [kind.show(row) for row in page.object_list]
                context["kind"] = kind
                context["page_obj"] = page
    return render(request, "search/results.html", context)
