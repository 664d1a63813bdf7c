"""The public library (no login) and the practice's dossier.

Public pages (``/practices/public/…``): the list of published practices with its search
and facets, a published practice's page, its dossier (.pdf, .docx) and the Atom feed.
Any other state answers 404. Every visitor reads the same answer, so the pages are
rendered without the request's context (no session, no CSRF token, no menu: nothing of
the visitor's) and say ``Cache-Control: public, max-age=300``; they vary on the
language (Accept-Language and the language cookie; ``?lang=`` is in the URL). Like the
public comment on proposals they are limited per client address (the trusted one,
``core.clients``), counted in the shared cache.

The signed-in dossier (``/practices/<id>/dossier.pdf|.docx``) is for whoever may see
the practice, with what that reader may see of its record (``dossier.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from pacesetter.core.clients import ClientRateThrottle
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.translations import is_content_language
from pacesetter.core.views import paginate

from . import dossier
from .feeds import PublishedPracticesFeed
from .models import AdoptionOutcome, Practice
from .policies import practice_policy
from .public_forms import PublicFiltersForm
from .public_selectors import (
    level_label,
    level_of,
    public_facets,
    public_practice,
    public_practices,
    public_spread,
)
from .selectors import search_cap

#: How long a browser or a shared cache may keep a public answer (seconds): a practice
#: published or retired shows within five minutes.
PUBLIC_MAX_AGE = 300


class PublicPagesThrottle(ClientRateThrottle):
    """The public library's requests per client address (pages, dossiers, the feed),
    counted apart from the API's limits."""

    scope = "public_practices"


#: A reader follows links; a crawler that asks more waits.
PUBLIC_RATE = "60/m"

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """A public answer: refused with 429 (a translated page, ``Retry-After``) beyond
    :data:`PUBLIC_RATE`; otherwise cacheable by anyone for :data:`PUBLIC_MAX_AGE`."""

    @reads_from_replica
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = PublicPagesThrottle(PUBLIC_RATE)
        if not throttle.allow_request(request):
            response = _page(request, "practices/public_busy.html", {})
            response.status_code = 429
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapped


def _lang_query(request: HttpRequest) -> str:
    """``?lang=…`` for the links of a page asked for in a chosen language, else ``""``."""
    lang = request.GET.get("lang", "")
    if lang and is_content_language(lang):
        query = QueryDict(mutable=True)
        query["lang"] = get_language() or lang
        return "?" + query.urlencode()
    return ""


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page rendered from ``context`` alone (no context processors: the answer is
    the same for every visitor)."""
    return HttpResponse(
        render_to_string(
            template,
            {
                "request": request,
                "lang_query": _lang_query(request),
                "languages": settings.LANGUAGES,
                **context,
            },
        )
    )


@public
def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicFiltersForm(request.GET or None)
    filters = form.filters()
    page_obj = paginate(request, public_practices(filters), cap=search_cap(filters))
    for practice in page_obj.object_list:
        level = level_of(practice)
        practice.public_level = level_label(level) if level else ""
    chosen = {
        "kind": filters.kind,
        "field": str(filters.work_field.pk) if filters.work_field else "",
        "level": filters.level,
        "region": str(filters.region.pk) if filters.region else "",
        "year": str(filters.year or ""),
    }
    facets = []
    for facet in public_facets(filters):
        options = []
        for value in facet.values:
            query = request.GET.copy()
            query.pop("page", None)
            selected = chosen[facet.name] == value.value
            if selected:
                query.pop(facet.name, None)
            else:
                query[facet.name] = value.value
            options.append(
                {
                    "label": value.label,
                    "count": value.count,
                    "selected": selected,
                    "query": query.urlencode(),
                }
            )
        facets.append({"name": facet.name, "label": facet.label, "options": options})
    return _page(
        request,
        "practices/public_list.html",
        {
            "form": form,
            "query": filters.query,
            "page_obj": page_obj,
            "facets": facets,
            "filtered": any(chosen.values()) or bool(filters.query),
        },
    )


def _published(pk: int) -> Practice:
    practice = public_practice(pk)
    if practice is None:
        raise Http404
    return practice


@public
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _published(pk)
    spread = public_spread(practice)
    return _page(
        request,
        "practices/public_detail.html",
        {
            "practice": practice,
            "level": level_label(level_of(practice)) if level_of(practice) else "",
            "spread": spread,
            "outcome_counts": [
                (label, spread.by_outcome[value]) for value, label in AdoptionOutcome.choices
            ],
            "not_reported": spread.by_outcome[""],
        },
    )


def _file(practice: Practice, extension: str, *, reader: Any | None) -> HttpResponse:
    if extension == "pdf":
        response = HttpResponse(
            dossier.render_pdf(practice, reader=reader), content_type="application/pdf"
        )
    else:
        response = HttpResponse(
            dossier.render_docx(practice, reader=reader), content_type=DOCX_CONTENT_TYPE
        )
    response["Content-Disposition"] = content_disposition_header(
        True, dossier.dossier_file_name(practice, extension)
    )
    return response


@public
def public_dossier(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    return _file(_published(pk), extension, reader=None)


@public
def public_feed(request: HttpRequest) -> HttpResponse:
    return PublishedPracticesFeed()(request)


@login_required
@reads_from_replica
def practice_dossier(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    practice = practice_policy.access(request.user, pk, "view")
    return _file(practice, extension, reader=request.user)


urlpatterns: list[URLPattern] = [
    path("public/", public_list, name="public_list"),
    path("public/feed/", public_feed, name="public_feed"),
    path("public/<int:pk>/", public_detail, name="public_detail"),
    path("public/<int:pk>/dossier.pdf", public_dossier, {"extension": "pdf"}, name="public_pdf"),
    path("public/<int:pk>/dossier.docx", public_dossier, {"extension": "docx"}, name="public_docx"),
    path("<int:pk>/dossier.pdf", practice_dossier, {"extension": "pdf"}, name="dossier_pdf"),
    path("<int:pk>/dossier.docx", practice_dossier, {"extension": "docx"}, name="dossier_docx"),
]
