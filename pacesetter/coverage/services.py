"""Writes to the coverage register. Each is one transaction with its audit entry.

A dated change (built, form changed, instructor sent, dissolved, suspended, deregistered)
closes the period that covers its date and opens the next; a back-dated change lands
between its neighbours and holds until the next recorded change (docs/coverage.md)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.core.translations import Text, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .codes import normalized
from .deadlines import deadlines_sync
from .models import (
    ORGANIZED_FORMS,
    Building,
    CoverageKind,
    Event,
    Form,
    Organization,
    ReasonNotBuilt,
    Status,
    StatusPeriod,
)

ORGANIZATION_TEXTS = ("source_language", *fields_of("name"))
ORGANIZATION_FACTS = (
    "credit_code",
    "kind",
    "industry",
    "site",
    "registered_on",
    "staff_count",
    "revenue_band",
    "above_designated_size",
    "investor_is_party_member",
    "party_members_full",
    "party_members_probationary",
    "union_members",
)
ORGANIZATION_FIELDS = (*ORGANIZATION_TEXTS, "town", *ORGANIZATION_FACTS, "is_demo")
BUILDING_DETAILS = (
    "founded_on",
    "reports_to",
    "leader_name",
    "member_count",
    "instructor_name",
    "reason_not_built",
    "reason_text",
    "planned_on",
)


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def organization_register(
    *,
    actor: Any,
    town: Unit,
    kind: str,
    registered_on: datetime.date,
    name: str | Text | None = None,
    buildings: Mapping[str, Mapping[str, Any]] | None = None,
    is_demo: bool = False,
    **fields: Any,
) -> Organization:
    """Register an organization: operating from ``registered_on``, and for every active
    kind of organization to build a first period, "not built" unless ``buildings`` gives
    its state (``{"party": {"form": "standalone", "founded_on": …}}``, as an import of an
    existing register does)."""
    texts = {k: v for k, v in fields.items() if k.startswith("name_") or k == "source_language"}
    facts = {k: v for k, v in fields.items() if k not in texts}
    unknown = set(facts) - set(ORGANIZATION_FACTS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if registered_on > _today():
        raise ValidationError(
            {"registered_on": _("The registration date cannot be in the future.")}
        )
    texts = expand(
        Organization, {"name": name, **texts}, source=texts.get("source_language") or "en"
    )
    facts["credit_code"] = normalized(facts.get("credit_code", "") or "")
    organization = Organization(
        town=town,
        kind=kind,
        registered_on=registered_on,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "pk", None) else None,
        **texts,
        **facts,
    )
    audited_create(
        actor=actor, instance=organization, action="coverage.register", fields=ORGANIZATION_FIELDS
    )
    recorder = actor if getattr(actor, "pk", None) else None
    StatusPeriod.objects.create(
        organization=organization,
        status=Status.OPERATING,
        event=Event.REGISTERED,
        valid_from=registered_on,
        recorded_by=recorder,
    )
    given = dict(buildings or {})
    for coverage_kind in CoverageKind.objects.filter(is_active=True):
        state = dict(given.pop(coverage_kind.code, {}))
        form = state.pop("form", Form.NOT_BUILT)
        founded_on = state.get("founded_on")
        if form in ORGANIZED_FORMS and founded_on and founded_on > registered_on:
            # Built after the organization was registered: "not built" until then.
            Building.objects.create(
                organization=organization,
                kind=coverage_kind,
                form=Form.NOT_BUILT,
                event=Event.REGISTERED,
                valid_from=registered_on,
                recorded_by=recorder,
            )
            building_record(
                actor=actor,
                organization=organization,
                kind=coverage_kind,
                on=founded_on,
                form=form,
                **state,
            )
            continue
        period = Building(
            organization=organization,
            kind=coverage_kind,
            form=form,
            event=Event.REGISTERED,
            valid_from=registered_on,
            recorded_by=recorder,
            **_details(form, state),
        )
        period.full_clean(
            exclude=["organization", "kind"], validate_unique=False, validate_constraints=False
        )
        period.save()
    if given:
        raise ValidationError(
            _("Unknown kinds of organization to build: %(codes)s.")
            % {"codes": ", ".join(sorted(given))}
        )
    deadlines_sync(organization)
    return organization


@transaction.atomic
def organization_update(
    *, actor: Any, organization: Organization, version: int | None = None, **changes: Any
) -> Organization:
    """Change the organization's details (not dated: the facts as they are now; the audit
    chain keeps the old values). Its status and buildings change through their services.
    A ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(organization, version)
    changes = expand(
        Organization,
        changes,
        source=changes.get("source_language") or organization.source_language,
    )
    if "credit_code" in changes:
        changes["credit_code"] = normalized(changes["credit_code"] or "")
    registered_on = changes.get("registered_on")
    if registered_on is not None:
        first = organization.status_periods.order_by("valid_from").first()
        if registered_on > _today():
            raise ValidationError(
                {"registered_on": _("The registration date cannot be in the future.")}
            )
        later = [
            p.valid_from
            for p in (*organization.status_periods.all(), *organization.buildings.all())
            if p.event != Event.REGISTERED and p.valid_from <= registered_on
        ]
        if later:
            raise ValidationError(
                {
                    "registered_on": _(
                        "A change is recorded on %(date)s: the registration date must be before it."
                    )
                    % {"date": min(later).isoformat()}
                }
            )
        if first is not None and first.valid_from != registered_on:
            organization.status_periods.filter(pk=first.pk).update(valid_from=registered_on)
            organization.buildings.filter(event=Event.REGISTERED).update(valid_from=registered_on)
    organization = audited_update(
        actor=actor,
        instance=organization,
        action="coverage.update",
        changes={**changes, "version": next_},
        allowed=(*ORGANIZATION_TEXTS, "town", *ORGANIZATION_FACTS, "is_demo", "version"),
        fields=ORGANIZATION_FIELDS,
    )
    deadlines_sync(organization)  # the facts decide which rules apply
    return organization


def _details(form: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """The details that belong with ``form``, checked; errors name their field."""
    unknown = set(details) - set(BUILDING_DETAILS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    values = {name: details.get(name) for name in BUILDING_DETAILS if name in details}
    errors: dict[str, str] = {}
    if form == Form.NOT_BUILT:
        reason = values.get("reason_not_built") or ""
        if reason == ReasonNotBuilt.OTHER and not (values.get("reason_text") or "").strip():
            errors["reason_text"] = _("Say in words why it is not built.")
    else:
        values["reason_not_built"] = ""
        values["reason_text"] = ""
        values["planned_on"] = None
    if form == Form.WORK_ONLY and not (values.get("instructor_name") or "").strip():
        errors["instructor_name"] = _("Name the instructor or liaison sent.")
    if errors:
        raise ValidationError(errors)
    for text in ("reports_to", "leader_name", "instructor_name", "reason_text"):
        if values.get(text) is None:
            values.pop(text, None)
    if values.get("member_count") is None:
        values.pop("member_count", None)
    return values


def _event(before: str, after: str) -> str:
    if after == before:
        return Event.DETAILS_CHANGED
    if after in ORGANIZED_FORMS:
        return Event.FORM_CHANGED if before in ORGANIZED_FORMS else Event.BUILT
    if after == Form.WORK_ONLY and before not in ORGANIZED_FORMS:
        return Event.INSTRUCTOR_SENT
    return Event.DISSOLVED


def _check_date(organization: Organization, on: datetime.date) -> None:
    if on > _today():
        raise ValidationError(
            {"on": _("A change is recorded once it has happened: not in the future.")}
        )
    if on < organization.registered_on:
        raise ValidationError(
            {
                "on": _("The organization was registered on %(date)s: the change cannot be before.")
                % {"date": organization.registered_on.isoformat()}
            }
        )


def _insert_period(series: models.QuerySet[Any], on: datetime.date, values: dict[str, Any]) -> Any:
    """Put a period starting ``on`` into ``series`` (locked): a change on the first day of
    a period replaces that period's state; otherwise the period covering ``on`` ends there
    and the new one holds until the next change.

    Fields are validated; the periods' constraints (ordered, one per start, one current)
    are the database's and this function keeps them by construction, so they are not
    checked again by a query each (``full_clean`` would run one per constraint)."""
    periods = list(series.select_for_update().order_by("valid_from"))
    covering = next((p for p in reversed(periods) if p.valid_from <= on), None)
    if covering is None:
        raise ValidationError({"on": _("No period of this organization covers this date.")})
    if covering.valid_from == on:
        for name, value in values.items():
            setattr(covering, name, value)
        covering.full_clean(
            exclude=["organization", "kind"], validate_unique=False, validate_constraints=False
        )
        covering.save()
        return covering
    following_start = covering.valid_to
    covering.valid_to = on
    covering.save(update_fields=["valid_to"])
    period = series.model(valid_from=on, valid_to=following_start, **values)
    period.full_clean(
        exclude=["organization", "kind"], validate_unique=False, validate_constraints=False
    )
    period.save()
    return period


@transaction.atomic
def building_record(
    *,
    actor: Any,
    organization: Organization,
    kind: CoverageKind,
    on: datetime.date,
    form: str,
    note: str = "",
    **details: Any,
) -> Building:
    """Record how ``kind`` stands in ``organization`` from ``on``: built (with its form,
    founding date, secretary, members), an instructor sent, dissolved, or not built with
    its reason and planned date."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_date(organization, on)
    if form not in Form.values:
        raise ValidationError({"form": _("Choose a form from the list.")})
    series = Building.objects.filter(organization=organization, kind=kind)
    before = series.filter(valid_from__lte=on).order_by("-valid_from").first()
    values = _details(form, details)
    if form in ORGANIZED_FORMS and not values.get("founded_on"):
        values["founded_on"] = (
            before.founded_on if before and before.form in ORGANIZED_FORMS else on
        )
    event = _event(before.form if before else Form.NOT_BUILT, form)
    recorder = actor if getattr(actor, "pk", None) else None
    if before is not None and before.form == form:
        # Details changed: what is left out is kept.
        values = {**{name: getattr(before, name) for name in BUILDING_DETAILS}, **values}
    elif before is not None and before.form in ORGANIZED_FORMS and form in ORGANIZED_FORMS:
        # The form changed: the organization's secretary and members stay unless given.
        kept = ("reports_to", "leader_name", "member_count")
        values = {**{name: getattr(before, name) for name in kept}, **values}
    period = _insert_period(
        series,
        on,
        {
            "organization": organization,
            "kind": kind,
            "form": form,
            "event": event,
            "note": note,
            "recorded_by": recorder,
            **{name: values.get(name, _blank(name)) for name in BUILDING_DETAILS},
        },
    )
    following = series.filter(valid_from__gt=on).order_by("valid_from").first()
    if following is not None:
        # What the next change was depends on what came before it, now this period.
        event_after = _event(form, following.form)
        if following.event != event_after:
            Building.objects.filter(pk=following.pk).update(event=event_after)
    audit_record(
        actor=actor,
        action="coverage.building",
        target=organization,
        changes={
            kind.code: [before.form if before else None, form],
            "on": [None, on.isoformat()],
            "event": [None, event],
        },
    )
    deadlines_sync(organization)  # a building may meet a deadline (or no longer)
    return period


def _blank(name: str) -> Any:
    field = Building._meta.get_field(name)
    assert isinstance(field, models.Field)
    if field.null:
        return None
    return field.get_default()


@transaction.atomic
def status_record(
    *, actor: Any, organization: Organization, on: datetime.date, status: str, note: str = ""
) -> StatusPeriod:
    """Record that the organization is suspended, operating again or deregistered from
    ``on``."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_date(organization, on)
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    series = StatusPeriod.objects.filter(organization=organization)
    before = series.filter(valid_from__lte=on).order_by("-valid_from").first()
    if before is not None and before.status == status:
        raise ValidationError(
            {"status": _("The organization already has this status on this date.")}
        )
    event = {
        Status.OPERATING: Event.RESUMED,
        Status.SUSPENDED: Event.SUSPENDED,
        Status.DEREGISTERED: Event.DEREGISTERED,
    }[Status(status)]
    period = _insert_period(
        series,
        on,
        {
            "organization": organization,
            "status": status,
            "event": event,
            "note": note,
            "recorded_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    current = series.get(valid_to__isnull=True)
    if organization.status != current.status:
        Organization.objects.filter(pk=organization.pk).update(status=current.status)
        organization.status = current.status
    audit_record(
        actor=actor,
        action="coverage.status",
        target=organization,
        changes={
            "status": [before.status if before else None, status],
            "on": [None, on.isoformat()],
        },
    )
    deadlines_sync(organization)
    return period
