"""Follow-up tasks from the blind-spot list: one key task per organization, or one per
town or street for all of its organizations chosen, in a work plan, led by the town or
street, made in one step (docs/coverage.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.audit.services import audit_record
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.translations import CONTENT_LANGUAGES
from pacesetter.workplans.models import Project, Task, WorkPlan
from pacesetter.workplans.policies import plan_policy
from pacesetter.workplans.services import task_create

from . import rules as rule_engine
from .models import CoverageRule, FollowUp, Organization
from .policies import follow_up_organizations
from .selectors import form_at, operating_at, status_at

FOLLOW_UP_EXISTS = "follow_up_exists"
TOO_MANY = 200


def _lines(
    organization: Organization, failed: Sequence[tuple[CoverageRule, str | None]], at: dt.date
) -> list[str]:
    """What a task's scope says of one organization, in the active language: its name,
    code and number in the register, each rule it does not meet at ``at``, its address."""
    url = settings.SITE_URL.rstrip("/") + reverse("coverage:organization", args=[organization.pk])
    return [
        _("Organization: %(name)s (%(code)s), coverage register no. %(pk)s")
        % {
            "name": organization.name,  # in the active language, or the fallback
            "code": organization.credit_code or "—",
            "pk": organization.pk,
        },
        *[rule_engine.check(rule, organization, at, form, True).sentence for rule, form in failed],
        url,
    ]


def _texts(
    members: Sequence[tuple[Organization, Sequence[tuple[CoverageRule, str | None]]]],
    at: dt.date,
    *,
    per_town: bool,
) -> dict[str, Any]:
    """The task's title and scope in every content language (rendered in each): for one
    organization, or for a town's organizations (one paragraph each)."""
    titles: dict[str, str] = {}
    scopes: dict[str, str] = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            if per_town:
                town = members[0][0].town
                titles[language] = ngettext(
                    "Cover the blind spots in %(town)s: %(count)s organization",
                    "Cover the blind spots in %(town)s: %(count)s organizations",
                    len(members),
                ) % {"town": town.name, "count": len(members)}
            else:
                titles[language] = _("Cover the blind spot: %(name)s") % {
                    "name": members[0][0].name
                }
            scopes[language] = "\n\n".join(
                "\n".join(_lines(organization, failed, at)) for organization, failed in members
            )
    return {"title": titles, "scope": scopes}


@transaction.atomic
def follow_ups_create(
    *,
    actor: Any,
    plan: WorkPlan,
    organizations: Sequence[Organization],
    due: dt.date | None = None,
    at: dt.date | None = None,
    project: Project | None = None,
    per_town: bool = False,
) -> list[Task]:
    """One key task per organization in ``plan``, led by its town or street, its scope
    naming the organization (with its address in the register) and the rules it does not
    meet at ``at`` (today by default); each linked back by a :class:`FollowUp`. In one of
    the plan's projects if ``project`` is given, else directly in the plan. With
    ``per_town``, one task per town or street instead, its scope naming each of the
    town's organizations chosen (in the order given), each of them linked back to it.
    Returns the task of each organization, in the order given (without repeats): with
    ``per_town`` a task comes once for each of its organizations.

    The actor manages the plan and is district staff over every organization
    (:func:`policies.follow_up_organizations`); an organization that already has a
    follow-up task in this plan is refused (``follow_up_exists``). All or nothing."""
    at = at or timezone.localdate()
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization.")})
    if len(organizations) > TOO_MANY:
        raise ValidationError(
            {
                "organizations": _("Choose at most %(count)s organizations at a time.")
                % {"count": TOO_MANY}
            }
        )
    if not plan_policy.allows(actor, "manage", plan):
        raise PermissionDenied(_("You do not have permission to do this."))
    pks = [o.pk for o in organizations]
    rules = list(rule_engine.rules_at(at))
    kinds = sorted({r.kind.code for r in rules})
    found = {
        o.pk: o
        for o in follow_up_organizations(actor)
        .filter(pk__in=pks)
        .select_related("town")
        .annotate(
            operating_then=operating_at(at),
            status_then=status_at(at),
            **{rule_engine.form_alias(code): form_at(code, at) for code in kinds},
        )
    }
    if len(found) != len(set(pks)):
        raise PermissionDenied(_("You do not have permission to do this."))
    taken = sorted(
        FollowUp.objects.filter(organization_id__in=pks, task__plan=plan).values_list(
            "organization__pk", flat=True
        )
    )
    if taken:
        names = ", ".join(found[pk].name for pk in taken)
        raise FieldRuleError(
            "organizations",
            _("Already followed up in this work plan: %(names)s.") % {"names": names},
            code=FOLLOW_UP_EXISTS,
        )
    groups: dict[Any, list[tuple[Organization, list[tuple[CoverageRule, str | None]]]]] = {}
    for pk in dict.fromkeys(pks):
        organization = found[pk]
        failed = []
        for rule in rules:
            form = getattr(organization, rule_engine.form_alias(rule.kind.code))
            result = rule_engine.check(rule, organization, at, form, organization.operating_then)
            if result.unmet:
                failed.append((rule, form))
        key = organization.town_id if per_town else organization.pk
        groups.setdefault(key, []).append((organization, failed))
    task_of: dict[int, Task] = {}
    for members in groups.values():
        texts = _texts(members, at, per_town=per_town)
        task = task_create(
            actor=actor,
            plan=plan,
            project=project,
            lead_unit=members[0][0].town,
            title=texts["title"],
            scope=texts["scope"],
            due=due,
            source_language=plan.source_language,
        )
        for member, _failed in members:
            FollowUp.objects.create(
                organization=member,
                task=task,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(
                actor=actor,
                action="coverage.follow_up",
                target=member,
                changes={"task": [None, task.pk], "plan": [None, plan.pk]},
            )
            task_of[member.pk] = task
    return [task_of[pk] for pk in dict.fromkeys(pks)]
