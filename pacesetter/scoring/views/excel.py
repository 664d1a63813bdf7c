"""Excel screens: templates to download, uploads of tables, targets and actuals, and
.xlsx exports of the ranking and of score sheets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign, CampaignState, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import campaign_policy, review_point_policy
from pacesetter.core.errors import StorageFullError
from pacesetter.core.forms import ExcelUploadForm
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.translations import ordered, tr
from pacesetter.imports import services as import_services

from .. import excel, imports
from ..models import ScoringTable, TableState
from ..policies import score_item_policy, scoring_table_policy
from ..selectors import RankingFilters, ranking_for
from ..workflows import UNIT_EDITABLE

#: Units listed as links on the Excel page; more are offered in a drop-down.
SHEET_LINKS_MAX = 12
#: Errors shown after a failed import; the rest are counted.
ERRORS_SHOWN = 300


def _xlsx(workbook: Any, filename: str) -> HttpResponse:
    response = HttpResponse(excel.workbook_bytes(workbook), content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _name(*parts: str) -> str:
    return "-".join(slugify(p) or "x" for p in parts) + ".xlsx"


def _review_point(request: HttpRequest, pk: int) -> ReviewPoint:
    return review_point_policy.access(request.user, pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _import_page(
    request: HttpRequest,
    *,
    title: str,
    intro: str,
    template_url: str,
    campaign: Campaign | None,
    kind: str,
    params: dict[str, Any],
) -> HttpResponse:
    """The upload form; a large workbook is handed to the job worker and the uploader
    sent to the job's page, a small one is imported during the request."""
    form = ExcelUploadForm(request.POST or None, request.FILES or None)
    result = None
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form.close()  # the form opened it to check it; the importer reads it again
        upload = form.cleaned_data["file"]
        job = None
        try:
            job, result = import_services.import_or_enqueue(
                request, kind=kind, params=params, title=title, upload=upload
            )
        except excel.ImportFailed as exc:
            errors = exc.messages
        except StorageFullError as exc:  # the upload could not be stored for the job
            form.add_error("file", exc.messages)
        if job is not None:
            return redirect("imports:detail", job.pk)
        if result is not None:
            form = ExcelUploadForm()
    return render(
        request,
        "scoring/excel/import.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "template_url": template_url,
            "campaign": campaign,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


# --- the campaign's Excel page --------------------------------------------------------


@login_required
def excel_home(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk)
    table = campaign.scoring_table
    draft_tables = list(
        scoring_table_policy.visible(user, "update")
        .filter(state=TableState.DRAFT)
        .select_related("owner_unit")[:20]
    )
    review_points = list(campaign.review_points.all())
    reportable = dict(
        score_item_policy.visible(user, "report")
        .filter(review_point__campaign=campaign, state__in=UNIT_EDITABLE)
        .values("review_point_id")
        .annotate(n=Count("pk"))
        .values_list("review_point_id", "n")
    )
    sheet_units: dict[int, list[Any]] = defaultdict(list)
    for row in (
        score_item_policy.visible(user, "view")
        .filter(review_point__campaign=campaign)
        .values("review_point_id", "unit_id", "unit__code", unit_name=tr("unit__name"))
        .distinct()
        .order_by("review_point_id", ordered("unit__name"), "unit_id")
    ):
        sheet_units[row["review_point_id"]].append(row)
    live = review_point_policy.allowed_actions(user, review_points, ("view_live_ranking",))
    points = [
        {
            "review_point": rp,
            "is_open": rp.state == ReviewPointState.OPEN,
            "reportable": reportable.get(rp.pk, 0),
            # As ranking_for decides: published, or followed live before publication.
            "ranking": rp.state == ReviewPointState.PUBLISHED or bool(live[rp.pk]),
            "live_ranking": rp.state != ReviewPointState.PUBLISHED and bool(live[rp.pk]),
            "units": sheet_units.get(rp.pk, []),
            "as_links": len(sheet_units.get(rp.pk, [])) <= SHEET_LINKS_MAX,
        }
        for rp in review_points
    ]
    return render(
        request,
        "scoring/excel/home.html",
        {
            "campaign": campaign,
            "table": table,
            "draft_tables": draft_tables,
            "registrable_units": list(excel.registrable_units(user, campaign)),
            "registration_open": campaign.state
            in (CampaignState.DRAFT, CampaignState.REGISTRATION),
            "points": points,
        },
    )


# --- scoring tables -------------------------------------------------------------------


@login_required
def table_template(request: HttpRequest) -> HttpResponse:
    """The empty template, or ``?table=<id>``: a table the user sees in the same layout
    (to edit and import into a draft)."""
    table: ScoringTable | None = None
    if request.GET.get("table"):
        table = scoring_table_policy.access(request.user, request.GET["table"])
        filename = _name("table", table.name, str(table.year), f"v{table.version}")
    else:
        filename = "scoring-table-template.xlsx"
    return _xlsx(excel.table_template(table), filename)


@login_required
def table_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    table = scoring_table_policy.access(user, pk, "update")
    return _import_page(
        request,
        title=_("Import criteria into %(table)s") % {"table": table},
        intro=_(
            "The rows of the sheet “Criteria” are added to this draft table in their order; "
            "a group must come before its criteria."
        ),
        template_url=reverse("scoring:table_template"),
        campaign=None,
        kind=imports.TABLE,
        params={"table": table.pk},
    )


# --- targets --------------------------------------------------------------------------


def _registering(request: HttpRequest, pk: int) -> Campaign:
    return imports.registering_campaign(request.user, pk)


@login_required
def targets_template(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _registering(request, pk)
    return _xlsx(excel.targets_template(request.user, campaign), _name("targets", campaign.code))


@login_required
def targets_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _registering(request, pk)
    return _import_page(
        request,
        title=_("Import targets: %(campaign)s") % {"campaign": campaign.name},
        intro=_(
            "One row per unit and criterion in the sheet “Targets”. Rows left empty and rows "
            "that did not change are skipped."
        ),
        template_url=reverse("scoring:targets_template", args=[campaign.pk]),
        campaign=campaign,
        kind=imports.TARGETS,
        params={"campaign": campaign.pk},
    )


# --- actuals --------------------------------------------------------------------------


def _reporting(request: HttpRequest, pk: int) -> ReviewPoint:
    return imports.reporting_review_point(request.user, pk)


@login_required
def actuals_template(request: HttpRequest, pk: int) -> HttpResponse:
    review_point = _reporting(request, pk)
    return _xlsx(
        excel.actuals_template(request.user, review_point),
        _name("actuals", review_point.campaign.code, review_point.code),
    )


@login_required
def actuals_import(request: HttpRequest, pk: int) -> HttpResponse:
    review_point = _reporting(request, pk)
    return _import_page(
        request,
        title=_("Import actuals: %(review_point)s") % {"review_point": review_point},
        intro=_(
            "One row per unit and criterion in the sheet “Actuals”: fill “actual” for "
            "quantitative criteria, “count” for counts, bonus and penalty, “met” (yes or no) "
            "for pass/fail and veto. Rows left empty and rows that did not change are skipped."
        ),
        template_url=reverse("scoring:actuals_template", args=[review_point.pk]),
        campaign=review_point.campaign,
        kind=imports.ACTUALS,
        params={"review_point": review_point.pk},
    )


# --- exports --------------------------------------------------------------------------


@login_required
@reads_from_replica
def ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking as the ranking screen shows it; ``?cluster=`` and ``?unit_type=``."""
    review_point = _review_point(request, pk)
    ranking = ranking_for(
        request.user,
        review_point,
        RankingFilters(
            cluster_id=_int(request.GET.get("cluster")),
            unit_type_id=_int(request.GET.get("unit_type")),
        ),
    )
    if not ranking.shown:
        raise Http404(_("The ranking of this review point is not published yet."))
    return _xlsx(
        excel.ranking_workbook(review_point, ranking.rows),
        _name("ranking", review_point.campaign.code, review_point.code),
    )


@login_required
@reads_from_replica
def sheet_xlsx(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    review_point = _review_point(request, pk)
    items = excel.visible_sheet_items(request.user, review_point, unit_pk)
    if not items:
        raise Http404(_("Not found."))
    return _xlsx(
        excel.sheet_workbook(review_point, items),
        _name("score-sheet", review_point.campaign.code, review_point.code, items[0].unit.code),
    )


@login_required
def sheet_xlsx_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """The drop-down of units on the Excel page lands here (``?unit=``)."""
    unit_pk = _int(request.GET.get("unit"))
    if unit_pk is None:
        raise Http404(_("Not found."))
    return redirect("scoring:sheet_xlsx", pk, unit_pk)


urlpatterns: list[URLPattern] = [
    path("excel/campaigns/<int:pk>/", excel_home, name="excel_home"),
    path("excel/table-template.xlsx", table_template, name="table_template"),
    path("excel/tables/<int:pk>/import/", table_import, name="table_import"),
    path(
        "excel/campaigns/<int:pk>/targets-template.xlsx",
        targets_template,
        name="targets_template",
    ),
    path("excel/campaigns/<int:pk>/targets/import/", targets_import, name="targets_import"),
    path(
        "excel/review-points/<int:pk>/actuals-template.xlsx",
        actuals_template,
        name="actuals_template",
    ),
    path("excel/review-points/<int:pk>/actuals/import/", actuals_import, name="actuals_import"),
    path("excel/review-points/<int:pk>/ranking.xlsx", ranking_xlsx, name="ranking_xlsx"),
    path(
        "excel/review-points/<int:pk>/units/<int:unit_pk>/sheet.xlsx",
        sheet_xlsx,
        name="sheet_xlsx",
    ),
    path("excel/review-points/<int:pk>/sheet.xlsx", sheet_xlsx_pick, name="sheet_xlsx_pick"),
]
