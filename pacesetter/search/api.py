"""JSON API of the search box: ``GET /api/v1/search?q=…`` (every kind, grouped, as the
page) and ``?q=…&kind=…`` (one kind, paged with ``page``, as the page's "All results").

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from pacesetter.core.api_types import PAGE_MAX

from .selectors import Group, Hit, cleaned_query, kind_named, search_all, search_kind

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", description="At least 2 characters (or one Chinese character), at most 100.")
    kind: str = Field(
        "",
        description="One kind only, paged: units, campaigns, criteria, tasks, meetings, "
        "proposals, awards, grants, practices, people.",
    )
    page: int = Field(1, ge=1, le=PAGE_MAX)


class RoleOut(Schema):
    role: str
    label: str
    over: str
    unit_id: int | None
    cluster_id: int | None
    body_id: int | None


class HitOut(Schema):
    id: int
    title: str
    detail: str
    #: The record's page ("" for a person).
    url: str
    #: A person's roles over what the reader sees (empty for every other kind).
    roles: list[RoleOut]


class GroupOut(Schema):
    kind: str
    label: str
    #: Rows found: exact, or "more than" this when ``more`` is true.
    count: int
    more: bool
    #: The page of this kind alone with the query (its API: ``?q=&kind=``).
    link: str
    items: list[HitOut]


class SearchOut(Schema):
    query: str
    groups: list[GroupOut]
    #: With ``kind``: the page read and the number of pages; else null.
    page: int | None = None
    pages: int | None = None


def _link(query: str, key: str) -> str:
    return f"{reverse('search:search')}?{urlencode({'q': query, 'kind': key})}"


def _group(group: Group, query: str) -> dict[str, Any]:
    return {
        "kind": group.kind.key,
        "label": str(group.kind.label),
        "count": group.count,
        "more": group.more,
        "link": _link(query, group.kind.key),
        "items": group.hits,
    }


@router.get("", response=SearchOut)
def search(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    """What the search page shows: every kind's first 5 records matching ``q`` that the
    user may see, in every language (a substring of every language's text, Vietnamese
    with or without tone marks), grouped by kind; with ``kind``, that kind's records a
    page at a time. A query too short or too long is a 422 (``query_too_short``,
    ``query_too_long`` on ``q``), an unknown kind ``unknown_kind``."""
    query = cleaned_query(params.q)
    if not params.kind:
        groups = search_all(request.user, query)
        return {"query": query, "groups": [_group(g, query) for g in groups]}
    kind = kind_named(params.kind)
    rows = search_kind(request.user, query, kind)
    count = rows.count()
    size = settings.PAGE_SIZE
    pages = max(1, math.ceil(count / size))
    start = (params.page - 1) * size
    hits: list[Hit] = [kind.show(r) for r in rows[start : start + size]]
    group = Group(kind, hits, count, False)
    return {"query": query, "groups": [_group(group, query)], "page": params.page, "pages": pages}
