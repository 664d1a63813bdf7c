"""The public pages (no login): what lead bodies chose to publish.

- ``/public/``: the index of what is published (public campaigns, award registries,
  coverage registers, proposed lists in public comment, the practice library);
- a public campaign's page, with its review points, and each published review point's
  ranking with its chart (``Campaign.is_public``; the ranking from the published items
  only, ``scoring.selectors.published_ranking``);
- the award registry and the award decisions of the bodies that opted in
  (``Unit.publishes_awards``): standing grants only, with search, filters and paging;
- the coverage rates of a register that opted in (``Unit.publishes_coverage``), by
  town or by kind: counts and rates, never an organization.

Every domain is read through its selectors, never a model's manager here. Every visitor
reads the same answer: the pages are rendered without the request's context (no session
read, no CSRF token, no user, no menu) and say ``Cache-Control: public,
max-age=PUBLIC_MAX_AGE``. Their language is ``?lang=`` or Accept-Language, never the
language cookie, so that they vary on Accept-Language only (no ``Vary: Cookie``, which
would keep a shared cache from serving them). They are limited per client address
(``core.clients``: the trusted address), counted apart from every other limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from pacesetter.awards import public_selectors as awards
from pacesetter.awards.selectors import public_proposals
from pacesetter.campaigns import selectors as campaigns
from pacesetter.core.clients import ClientRateThrottle
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.translations import is_content_language
from pacesetter.core.views import paginate
from pacesetter.coverage import selectors as coverage
from pacesetter.scoring.charts import Bar, bar_chart
from pacesetter.scoring.selectors import published_ranking

from .forms import CoverageFiltersForm, RegistryFiltersForm

#: How long a browser or a shared cache may keep a public answer (seconds): a ranking
#: published or a campaign taken off shows within five minutes.
PUBLIC_MAX_AGE = 300

#: A reader follows links; a crawler that asks more waits.
PUBLIC_RATE = "60/m"

#: Rows of a ranking on one page (its chart shows the same rows).
RANKING_PAGE_SIZE = 50


class PublicPagesThrottle(ClientRateThrottle):
    """The public pages' requests per client address, counted apart from the API's
    limits and from the practice library's."""

    scope = "public_pages"


View = Callable[..., HttpResponse]


def _language(request: HttpRequest) -> str:
    """``?lang=`` if valid, else the best of Accept-Language, else the default: never
    the cookie or a profile (the answer must be the same for every visitor asking the
    same URL in the same Accept-Language)."""
    lang = request.GET.get("lang", "")
    if lang and is_content_language(lang):
        return get_supported_language_variant(lang)
    without_cookie: Any = SimpleNamespace(COOKIES={}, META=request.META)
    return translation.get_language_from_request(without_cookie)


def public(view: View) -> View:
    """A public answer in the visitor's language: refused with 429 (a translated page,
    ``Retry-After``) beyond :data:`PUBLIC_RATE`; otherwise cacheable by anyone for
    :data:`PUBLIC_MAX_AGE`."""

    @reads_from_replica
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = _language(request)
        with translation.override(language):
            throttle = PublicPagesThrottle(PUBLIC_RATE)
            if not throttle.allow_request(request):
                response = _page(request, "public/busy.html", {})
                response.status_code = 429
                response["Retry-After"] = str(int(throttle.wait() or 60))
            else:
                response = view(request, *args, **kwargs)
                if response.status_code == 200:
                    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        response["Content-Language"] = language
        return response

    return wrapped


def _lang_query(request: HttpRequest, prefix: str = "?") -> str:
    """``?lang=…`` for the links of a page asked for in a chosen language, else ``""``."""
    lang = request.GET.get("lang", "")
    if lang and is_content_language(lang):
        query = QueryDict(mutable=True)
        query["lang"] = translation.get_language() or lang
        return prefix + query.urlencode()
    return ""


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page rendered from ``context`` alone (no context processors: the answer is the
    same for every visitor)."""
    return HttpResponse(
        render_to_string(
            template,
            {
                "request": request,
                "lang_query": _lang_query(request),
                "lang_param": _lang_query(request, "&"),
                "languages": settings.LANGUAGES,
                **context,
            },
        )
    )


@public
def index(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/index.html",
        {
            "campaigns": list(campaigns.public_campaigns()[:50]),
            "registries": list(awards.public_registries()),
            "registers": list(coverage.public_registers()),
            "proposals": list(public_proposals().order_by("-public_from", "pk")[:50]),
        },
    )


@public
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    found = campaigns.public_campaign(pk)
    if found is None:
        raise Http404
    return _page(
        request,
        "public/campaign.html",
        {
            "campaign": found,
            "review_points": list(campaigns.public_review_points(found)),
        },
    )


@public
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    review_point = campaigns.public_review_point(pk)
    if review_point is None:
        raise Http404
    rows = published_ranking(review_point)
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    chart = None
    if on_page:
        chart = bar_chart(
            [Bar(r["unit_name"], r["percentage"], muted=bool(r["veto"])) for r in on_page],
            title=_("Percentage of assigned points — %(name)s") % {"name": review_point.name},
            description=_(
                "One horizontal bar per unit, in the order of the table below; "
                "grey bars are units that are ineligible."
            ),
            id_prefix="ranking-chart",
        )
    return _page(
        request,
        "public/ranking.html",
        {
            "review_point": review_point,
            "campaign": review_point.campaign,
            "page_obj": page,
            "rows": on_page,
            "chart": chart,
        },
    )


@public
def registry(request: HttpRequest) -> HttpResponse:
    issuers = awards.public_registries()
    form = RegistryFiltersForm(
        request.GET or None,
        years=awards.public_years(),
        awards=awards.public_awards(),
        issuers=issuers,
    )
    filters = form.filters()
    page = paginate(request, awards.public_grants(filters))
    return _page(
        request,
        "public/registry.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters.query or filters.year or filters.award or filters.issuer),
        },
    )


@public
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = awards.public_decision(pk)
    if found is None:
        raise Http404
    return _page(
        request,
        "public/decision.html",
        {"decision": found, "grants": list(awards.public_decision_grants(found))},
    )


@public
def coverage_rates(request: HttpRequest, pk: int) -> HttpResponse:
    unit = coverage.public_register(pk)
    if unit is None:
        raise Http404
    form = CoverageFiltersForm(request.GET or None)
    today = timezone.localdate()
    group_by, at = form.choice(today) if form.is_bound else ("town", today)
    table = coverage.public_coverage_rates(unit, at=at, group_by=group_by)
    return _page(
        request,
        "public/coverage.html",
        {"unit": unit, "form": form, "table": table, "group_by": group_by, "at": at},
    )


app_name = "public"
urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("campaigns/<int:pk>/", campaign, name="campaign"),
    path("rankings/<int:pk>/", ranking, name="ranking"),
    path("awards/", registry, name="registry"),
    path("decisions/<int:pk>/", decision, name="decision"),
    path("coverage/<int:pk>/", coverage_rates, name="coverage"),
]
