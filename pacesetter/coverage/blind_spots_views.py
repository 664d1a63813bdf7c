"""The blind-spot list (with its export and the follow-up tasks made from it) and an
organization's rules and deadlines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pacesetter.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    append_row,
    export_workbook,
    workbook_bytes,
)
from pacesetter.core.views import paginate
from pacesetter.units.selectors import unit_choices
from pacesetter.workplans.models import PlanState, WorkPlan
from pacesetter.workplans.policies import plan_policy

from . import rules as rule_engine
from .blind_spots import blind_spots, explained
from .follow_ups import follow_ups_create
from .forms import DATE, FiltersForm
from .models import Organization
from .policies import deadline_policy, follow_up_organizations, organization_policy
from .selectors import CoverageFilters
from .views import _query

EXPORT_ROWS_MAX = 50_000
FILTER_FIELDS = ("at", "town", "sector", "kind", "industry", "q")


def follow_up_plans(user: Any) -> QuerySet[WorkPlan]:
    """The open work plans the user may add follow-up tasks to (the plans they manage)."""
    return (
        plan_policy.visible(user, "manage")
        .filter(state=PlanState.OPEN)
        .order_by("-period_start", "pk")
    )


class FollowUpForm(forms.Form):
    plan = forms.ModelChoiceField(label=gettext_lazy("Work plan"), queryset=WorkPlan.objects.none())
    due = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)
    organizations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organizations"), queryset=Organization.objects.none()
    )
    at = forms.DateField(required=False, widget=forms.HiddenInput)
    per_town = forms.TypedChoiceField(
        label=gettext_lazy("Tasks"),
        choices=[
            ("", gettext_lazy("One task per organization")),
            ("1", gettext_lazy("One task per town or street, for all of its organizations chosen")),
        ],
        coerce=bool,
        empty_value=False,  # type: ignore[arg-type]
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = follow_up_plans(user)  # type: ignore[attr-defined]
        self.fields["organizations"].queryset = follow_up_organizations(user)  # type: ignore[attr-defined]


def _filters(request: HttpRequest) -> tuple[FiltersForm, CoverageFilters]:
    form = FiltersForm(request.GET or None, towns=unit_choices(request.user))
    return form, form.filters()


@login_required
def blind_spot_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, filters = _filters(request)
    rules = list(rule_engine.rules_at(filters.at))
    page = paginate(request, blind_spots(user, filters, rules))
    plans = list(follow_up_plans(user)[:50])
    may_follow_up = bool(plans) and follow_up_organizations(user).exists()
    return render(
        request,
        "coverage/blind_spots.html",
        {
            "form": form,
            "filter_fields": [form[name] for name in FILTER_FIELDS],
            "filters": filters,
            "rules": rules,
            "page_obj": page,
            "rows": explained(page.object_list, rules, filters.at),
            "export_query": _query(filters),
            "may_follow_up": may_follow_up,
            "plans": plans,
            "breadcrumb": [{"url": reverse("coverage:register"), "label": _("Coverage register")}],
        },
    )


@login_required
def blind_spot_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    _form, filters = _filters(request)
    rules = list(rule_engine.rules_at(filters.at))
    found = blind_spots(user, filters, rules)[:EXPORT_ROWS_MAX]
    workbook = export_workbook(
        _("Blind spots"), _("as of %(date)s") % {"date": filters.at.isoformat()}
    )
    sheet = workbook.active
    append_row(
        sheet,
        [
            _("Name"),
            _("Unified social credit code"),
            _("Kind"),
            _("Town or street"),
            _("Park or building"),
            _("Registered on"),
            _("Staff"),
            _("Full party members"),
            _("First deadline"),
            _("Rules not met"),
            _("Follow-up task"),
        ],
    )
    for row in explained(found, rules, filters.at):
        org = row.organization
        append_row(
            sheet,
            [
                org.name,
                org.credit_code,
                org.get_kind_display(),
                org.town.name,
                org.site.name if org.site else "",
                org.registered_on,
                org.staff_count,
                org.party_members_full,
                row.due_on,
                "\n".join(c.sentence for c in row.checks),
                _("yes") if getattr(org, "has_follow_up", False) else _("no"),
            ],
        )
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"coverage-blind-spots-{filters.at.isoformat()}.xlsx"
    )
    return response


@login_required
def follow_up_create(request: HttpRequest) -> HttpResponse:
    """Create the follow-up tasks of the organizations ticked on the blind-spot list."""
    user = request.user
    back = reverse("coverage:blind_spots") + "?" + request.POST.get("query", "")
    if request.method != "POST":
        return redirect(back)
    form = FollowUpForm(request.POST, user=user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    try:
        tasks = follow_ups_create(
            actor=user,
            plan=data["plan"],
            organizations=list(data["organizations"]),
            due=data["due"],
            at=data["at"] or timezone.localdate(),
            per_town=data["per_town"],
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    count = len({task.pk for task in tasks})
    messages.success(
        request,
        ngettext(
            "%(count)s follow-up task created in “%(plan)s”.",
            "%(count)s follow-up tasks created in “%(plan)s”.",
            count,
        )
        % {"count": count, "plan": data["plan"].name},
    )
    return redirect(back)


@login_required
def organization_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """What every rule in force says of one organization today (or ``?at=``), and its
    deadlines."""
    user = request.user
    organization = organization_policy.access(user, pk, "view")
    form, filters = _filters(request)
    at = filters.at
    checks = rule_engine.checks_at(organization, at)
    deadlines = (
        deadline_policy.visible(user)
        .filter(organization=organization)
        .select_related("rule__kind")
        .order_by("due_on", "pk")
    )
    follow_ups = organization.follow_ups.select_related("task__plan").order_by("-created_at")
    return render(
        request,
        "coverage/deadlines.html",
        {
            "organization": organization,
            "at": at,
            "form": form,
            "checks": checks,
            "deadlines": deadlines,
            "follow_ups": follow_ups,
            "breadcrumb": [
                {"url": reverse("coverage:register"), "label": _("Coverage register")},
                {
                    "url": reverse("coverage:organization", args=[organization.pk]),
                    "label": organization.name,
                },
            ],
        },
    )


urlpatterns: list[URLPattern] = [
    path("blind-spots/", blind_spot_list, name="blind_spots"),
    path("blind-spots/export.xlsx", blind_spot_export, name="blind_spots_export"),
    path("blind-spots/follow-up/", follow_up_create, name="follow_up_create"),
    path("<int:pk>/deadlines/", organization_deadlines, name="organization_deadlines"),
]
