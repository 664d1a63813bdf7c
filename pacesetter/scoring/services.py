"""Writes to scoring tables, registrations and score items, and the evidence files attached
to items.

Every function runs in one transaction with its audit entry. Item steps check the
``version`` the caller read: a stale one raises :class:`ConflictError` and saves nothing.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from pacesetter.accounts.models import Role, RoleAssignment
from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.campaigns.models import (
    Campaign,
    CampaignState,
    ClusterPact,
    Participant,
    ReviewPoint,
    ReviewPointState,
)
from pacesetter.campaigns.policies import participant_policy
from pacesetter.campaigns.workflows import review_point_workflow
from pacesetter.core import clock
from pacesetter.core.errors import ConflictError, FieldRuleError
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import CONTENT_LANGUAGES, Text, column, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.core.workflows import INVALID_TRANSITION
from pacesetter.notifications import kinds as notice
from pacesetter.notifications.services import notify, translated
from pacesetter.units.models import Unit

from . import methods
from .models import (
    BASE_KINDS,
    AmendmentState,
    Criterion,
    CriterionKind,
    Direction,
    Evidence,
    InspectionAssignment,
    ItemState,
    Method,
    Registration,
    ScoreEvent,
    ScoreItem,
    ScoringTable,
    TableState,
    TargetAmendment,
    TitleAim,
    ZeroTarget,
)
from .policies import return_step, score_item_policy
from .selectors import aimable_awards
from .workflows import returnable, score_item_workflow

#: Field names as services take them: each translatable field is given by its columns
#: (``name_vi``), or by its name (a text in the source language, or a mapping of texts by
#: language), which :func:`expand` turns into columns.
TABLE_FIELDS = (
    "source_language",
    *fields_of("name"),
    "owner_unit",
    "year",
    "version",
    *fields_of("description"),
    "state",
)
CRITERION_FIELDS = (
    "parent",
    "code",
    "source_language",
    *fields_of("title"),
    "position",
    "kind",
    "max_points",
    "direction",
    "method",
    "points_per_item",
    *fields_of("measure"),
    "zero_target",
    *fields_of("guidance"),
)
#: Kinds whose maxima count toward their group's maximum.
SUMMED_KINDS = (*BASE_KINDS, CriterionKind.GROUP)

# --- scoring tables -------------------------------------------------------------------


def _draft(table: ScoringTable) -> None:
    if table.state != TableState.DRAFT:
        raise ValidationError(_("The table is adopted and locked; clone it to change it."))


@transaction.atomic
def table_create(
    *,
    actor: Any,
    owner_unit: Unit,
    year: int,
    name: str | Text | None = None,
    description: str | Text | None = None,
    **attrs: Any,
) -> ScoringTable:
    """A draft table; ``name`` and ``description`` in the ``source_language`` (English
    unless given) as a text, by language as a mapping, or as columns. Its version follows
    the owner's tables of that year sharing a name with it in any language."""
    attrs = expand(
        ScoringTable,
        {"name": name, "description": description, **attrs},
        source=attrs.get("source_language") or "en",
    )
    unknown = set(attrs) - set(TABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    same_name = Q(pk__in=[])
    for language in CONTENT_LANGUAGES:
        text = attrs.get(column("name", language))
        if text:
            same_name |= Q(**{column("name", language): text})
    last = ScoringTable.objects.filter(same_name, owner_unit=owner_unit, year=year).aggregate(
        v=Max("version")
    )["v"]
    table = ScoringTable(owner_unit=owner_unit, year=year, **{"version": (last or 0) + 1, **attrs})
    return audited_create(actor=actor, instance=table, action="table.create", fields=TABLE_FIELDS)


def group_overflows(table: ScoringTable) -> list[tuple[Criterion, Decimal]]:
    """Groups whose base criteria (and subgroups) add up to more than the group maximum."""
    overflows: list[tuple[Criterion, Decimal]] = []
    groups = table.criteria.filter(kind=CriterionKind.GROUP).annotate(
        children_total=Sum("children__max_points", filter=Q(children__kind__in=SUMMED_KINDS))
    )
    for group in groups:
        total = group.children_total or Decimal(0)
        if total > group.max_points:
            overflows.append((group, total))
    return overflows


def _check_group(parent: Criterion | None) -> None:
    if parent is None:
        return
    total = parent.children.filter(kind__in=SUMMED_KINDS).aggregate(t=Sum("max_points"))["t"]
    if (total or 0) > parent.max_points:
        raise ValidationError(
            {
                "max_points": _(
                    "The criteria of group %(code)s add up to %(total)s, more than its "
                    "maximum of %(max)s."
                )
                % {
                    "code": parent.code,
                    "total": methods.q2(Decimal(total or 0)),
                    "max": methods.q2(parent.max_points),
                }
            }
        )


def _validate_criterion(criterion: Criterion) -> None:
    parent = criterion.parent
    if parent is not None:
        if parent.table_id != criterion.table_id:
            raise ValidationError({"parent": _("The group belongs to another table.")})
        if parent.kind != CriterionKind.GROUP:
            raise ValidationError({"parent": _("Only a group can hold criteria.")})
    if criterion.kind in (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY) and (
        criterion.points_per_item <= 0
    ):
        raise ValidationError({"points_per_item": _("Give the points for each item.")})


@transaction.atomic
def criterion_add(
    *,
    actor: Any,
    table: ScoringTable,
    code: str,
    kind: str,
    title: str | Text | None = None,
    **fields: Any,
) -> Criterion:
    """Add a group or criterion; a group's children may not exceed its maximum.

    ``title``, ``measure`` and ``guidance`` are texts in the criterion's source language
    (the table's unless ``source_language`` is given), mappings by language, or columns."""
    _draft(table)
    fields.setdefault("source_language", table.source_language)
    fields = expand(Criterion, {"title": title, **fields}, source=fields["source_language"])
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "position" not in fields:
        last = table.criteria.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 10
    criterion = Criterion(table=table, code=code, kind=kind, **fields)
    criterion.full_clean()
    _validate_criterion(criterion)
    parent = criterion.parent
    criterion.root = (parent.root or parent) if parent is not None else None
    criterion.save()
    if parent is None and criterion.kind == CriterionKind.GROUP:
        criterion.root = criterion
        criterion.save(update_fields=["root"])
    _check_group(parent)
    audit_record(
        actor=actor, action="criterion.create", target=table, changes={"criterion": [None, code]}
    )
    return criterion


@transaction.atomic
def criterion_update(
    *, actor: Any, criterion: Criterion, version: int | None = None, **fields: Any
) -> Criterion:
    """Change a criterion of a draft table (not its group). A ``version`` no longer the
    stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(criterion, version)
    _draft(criterion.table)
    if "parent" in fields:
        raise TypeError("Moving a criterion between groups is not supported; re-create it.")
    fields = expand(
        Criterion, fields, source=fields.get("source_language") or criterion.source_language
    )
    new_kind = fields.get("kind", criterion.kind)
    if (new_kind == CriterionKind.GROUP) != (criterion.kind == CriterionKind.GROUP):
        raise ValidationError(
            {
                "kind": _(
                    "A group cannot become a criterion, nor a criterion a group; add a new one."
                )
            }
        )
    criterion = audited_update(
        actor=actor,
        instance=criterion,
        action="criterion.update",
        changes={**fields, "version": next_},
        allowed=(*(f for f in CRITERION_FIELDS if f != "parent"), "version"),
        fields=CRITERION_FIELDS,
    )
    _validate_criterion(criterion)
    _check_group(criterion.parent)
    if criterion.kind == CriterionKind.GROUP:
        _check_group(criterion)
    return criterion


@transaction.atomic
def table_adopt(*, actor: Any, table: ScoringTable) -> ScoringTable:
    """Lock the table. It must have criteria and no group above its maximum."""
    table = ScoringTable.objects.select_for_update().get(pk=table.pk)
    _draft(table)
    if not table.criteria.exclude(kind=CriterionKind.GROUP).exists():
        raise ValidationError(_("A table needs at least one criterion to be adopted."))
    overflows = group_overflows(table)
    if overflows:
        group, total = overflows[0]
        raise ValidationError(
            _(
                "The criteria of group %(code)s add up to %(total)s, "
                "more than its maximum of %(max)s."
            )
            % {
                "code": group.code,
                "total": methods.q2(Decimal(total)),
                "max": methods.q2(group.max_points),
            }
        )
    table.state = TableState.ADOPTED
    table.adopted_at = clock.now()
    table.adopted_by = actor if getattr(actor, "pk", None) else None
    table.save(update_fields=["state", "adopted_at", "adopted_by"])
    audit_record(
        actor=actor, action="table.adopt", target=table, changes={"state": ["draft", "adopted"]}
    )
    return table


@transaction.atomic
def table_clone(*, actor: Any, table: ScoringTable, year: int) -> ScoringTable:
    """Copy a table (any state) into a new draft for ``year``, keeping its tree."""
    clone = table_create(
        actor=actor,
        owner_unit=table.owner_unit,
        year=year,
        **{f: getattr(table, f) for f in ("source_language", *fields_of("name", "description"))},
    )
    clone.cloned_from = table
    clone.save(update_fields=["cloned_from"])
    mapping: dict[int, Criterion] = {}
    for old in table.criteria.order_by("position", "pk"):
        new = Criterion(
            table=clone,
            parent=mapping.get(old.parent_id) if old.parent_id else None,
            **{f: getattr(old, f) for f in CRITERION_FIELDS if f != "parent"},
        )
        new.root = (new.parent.root or new.parent) if new.parent else None
        new.save()
        if new.parent is None and new.kind == CriterionKind.GROUP:
            new.root = new
            new.save(update_fields=["root"])
        mapping[old.pk] = new
    return clone


# --- registration (the pact) ----------------------------------------------------------


def _participant(campaign: Campaign, unit: Unit) -> Participant:
    participant = campaign.participants.filter(unit=unit).first()
    if participant is None:
        raise ValidationError(
            {"unit": _("%(unit)s does not take part in this campaign.") % {"unit": unit}}
        )
    return participant


def pact_signed(campaign: Campaign, participant: Participant) -> bool:
    return (
        participant.cluster_id is not None
        and ClusterPact.objects.filter(
            campaign=campaign, cluster_id=participant.cluster_id
        ).exists()
    )


#: The largest value a target or actual may take (the column holds 16 integer digits).
MAX_VALUE = Decimal("9999999999999999")
MAX_COUNT = 2_147_483_647


def _check_value(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if not value.is_finite() or value < 0:
        raise ValidationError({field: _("Enter a number that is not negative.")})
    if value > MAX_VALUE:
        raise ValidationError({field: _("Enter a number below 10 quadrillion.")})


def _target_value(target: Decimal | None) -> None:
    _check_value(target, "target")


@transaction.atomic
def registration_set(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    criterion: Criterion,
    target: Decimal | None = None,
    not_assigned: bool = False,
    note: str = "",
    version: int | None = None,
) -> Registration:
    """Register (or change, until the pact is signed) a unit's target for a criterion.
    The unit's registration is its participant's: a ``version`` no longer the stored one
    is refused (``core.versions.next_version``), and each target saved raises it by one.
    The answer carries the version after the save (``participant_version``)."""
    if campaign.state not in (CampaignState.DRAFT, CampaignState.REGISTRATION):
        raise ValidationError(_("Registration is closed for this campaign."))
    if criterion.table_id != campaign.scoring_table_id or criterion.is_group:
        raise ValidationError({"criterion": _("Choose a criterion of the campaign's table.")})
    participant = _participant(campaign, unit)
    next_ = next_version(participant, version, name=Registration._meta.verbose_name)
    if pact_signed(campaign, participant):
        raise ValidationError(
            _(
                "The cluster's pact is signed and its registrations are locked; "
                "request an amendment."
            )
        )
    _target_value(target)
    if criterion.kind == CriterionKind.QUANTITATIVE and target is None and not not_assigned:
        raise ValidationError({"target": _("Enter a target, or mark the criterion not assigned.")})
    registration, created = Registration.objects.select_for_update().get_or_create(
        campaign=campaign, unit=unit, criterion=criterion
    )
    before = [str(registration.target), registration.not_assigned] if not created else None
    registration.target = None if not_assigned else target
    registration.not_assigned = not_assigned
    registration.note = note
    registration.registered_by = actor if getattr(actor, "pk", None) else None
    registration.save()
    Participant.objects.filter(pk=participant.pk).update(version=next_)
    registration.participant_version = next_  # type: ignore[attr-defined]
    audit_record(
        actor=actor,
        action="registration.set",
        target=campaign,
        changes={
            f"{unit.code}/{criterion.code}": [before, [str(registration.target), not_assigned]],
            "version": [next_ - 1, next_],
        },
    )
    return registration


# --- titles a unit aims for (the other half of the pact) ------------------------------


def _aims_open(actor: Any, campaign: Campaign, unit: Unit) -> Participant:
    """The unit's participation, locked, if its aims may change now and by ``actor``:
    registration is open, the cluster's pact is not signed, and the actor may edit the
    unit's registration (``participant_policy``'s ``update``; no actor is the system)."""
    if campaign.state not in (CampaignState.DRAFT, CampaignState.REGISTRATION):
        raise ValidationError(_("Registration is closed for this campaign."))
    participant = _participant(campaign, unit)
    if actor is not None and not participant_policy.allows(actor, "update", participant):
        raise PermissionDenied(_("You do not have permission to do this."))
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if pact_signed(campaign, participant):
        raise ValidationError(_("The cluster's pact is signed and its registrations are locked."))
    return participant


def _aimable(award: Any) -> Any:
    award_id = getattr(award, "pk", award)
    found = aimable_awards().filter(pk=award_id).first()
    if found is None:
        raise ValidationError({"award": _("Choose an active award of the catalog for units.")})
    return found


def _aim_add(actor: Any, participant: Participant, award: Any, note: str) -> TitleAim:
    award = _aimable(award)
    if participant.title_aims.filter(award=award).exists():
        raise ValidationError({"award": _("The unit already aims for this award.")})
    return audited_create(
        actor=actor,
        instance=TitleAim(
            participant=participant,
            award=award,
            note=note.strip(),
            set_by=actor if getattr(actor, "pk", None) else None,
        ),
        action="title_aim.add",
        fields=("participant", "award", "note"),
    )


def _aim_remove(actor: Any, aim: TitleAim) -> None:
    audit_record(
        actor=actor,
        action="title_aim.remove",
        target=aim.participant.campaign,
        changes={f"{aim.participant.unit.code}/{aim.award.code}": [aim.note, None]},
    )
    aim.delete()


@transaction.atomic
def title_aim_add(
    *, actor: Any, campaign: Campaign, unit: Unit, award: Any, note: str = ""
) -> TitleAim:
    """The unit aims for ``award`` (an active award of the catalog for units)."""
    participant = _aims_open(actor, campaign, unit)
    return _aim_add(actor, participant, award, note)


@transaction.atomic
def title_aim_remove(*, actor: Any, aim: TitleAim) -> None:
    """The unit no longer aims for the award (while registration is open)."""
    participant = aim.participant
    _aims_open(actor, participant.campaign, participant.unit)
    _aim_remove(actor, aim)


@transaction.atomic
def title_aims_set(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    aims: dict[int, str],
    version: int | None = None,
) -> list[TitleAim]:
    """Make the unit's aims exactly ``aims`` (award id → note): adds, removes and changed
    notes, each audited, all or nothing. The aims are part of the unit's registration: a
    ``version`` no longer its participant's stored one is refused
    (``core.versions.next_version``), and a save raises it."""
    participant = _aims_open(actor, campaign, unit)
    next_ = next_version(participant, version, name=Registration._meta.verbose_name)
    current = {
        aim.award_id: aim
        for aim in participant.title_aims.select_related(
            "award", "participant__unit", "participant__campaign"
        )
    }
    for award_id, old in current.items():
        if award_id not in aims:
            _aim_remove(actor, old)
    for award_id, note in aims.items():
        aim = current.get(award_id)
        if aim is None:
            _aim_add(actor, participant, award_id, note)
        elif aim.note != note.strip():
            by = actor if getattr(actor, "pk", None) else None
            audited_update(
                actor=actor,
                instance=aim,
                action="title_aim.update",
                changes={"note": note.strip(), "set_by": by},
                allowed=("note", "set_by"),
                fields=("note",),
            )
    Participant.objects.filter(pk=participant.pk).update(version=next_)
    return list(participant.title_aims.select_related("award"))


@transaction.atomic
def amendment_request(
    *, actor: Any, registration: Registration, new_target: Decimal | None, reason: str
) -> TargetAmendment:
    """After the pact is signed, a change of target waits for the committee."""
    participant = _participant(registration.campaign, registration.unit)
    if not pact_signed(registration.campaign, participant):
        raise ValidationError(_("The pact is not signed yet; change the registration directly."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the target should change.")})
    _target_value(new_target)
    if registration.amendments.filter(state=AmendmentState.PENDING).exists():
        raise ValidationError(_("An amendment of this target is already waiting for a decision."))
    amendment = TargetAmendment.objects.create(
        registration=registration,
        old_target=registration.target,
        new_target=new_target,
        reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="amendment.request",
        target=registration.campaign,
        changes={"amendment": [str(registration.target), str(new_target)]},
    )
    return amendment


@transaction.atomic
def amendment_decide(
    *, actor: Any, amendment: TargetAmendment, approve: bool, note: str = ""
) -> TargetAmendment:
    amendment = TargetAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != AmendmentState.PENDING:
        raise ValidationError(_("This amendment has already been decided."))
    amendment.state = AmendmentState.APPROVED if approve else AmendmentState.REJECTED
    amendment.decided_by = actor if getattr(actor, "pk", None) else None
    amendment.decided_at = clock.now()
    amendment.decision_note = note
    amendment.save()
    registration = amendment.registration
    if approve:
        registration.target = amendment.new_target
        registration.not_assigned = False
        registration.save(update_fields=["target", "not_assigned", "updated_at"])
        for review_point in registration.campaign.review_points.filter(state=ReviewPointState.OPEN):
            _sync_assignment(review_point, registration.unit, registration.criterion)
            recompute(
                review_point=review_point, criterion=registration.criterion, unit=registration.unit
            )
    audit_record(
        actor=actor,
        action="amendment.approve" if approve else "amendment.reject",
        target=registration.campaign,
        changes={"target": [str(amendment.old_target), str(registration.target)]},
    )
    return amendment


# --- review points and items ----------------------------------------------------------


def _targets(campaign_id: int, criterion_ids: Iterable[int], unit_ids: Iterable[int]) -> dict:
    return {
        (r.unit_id, r.criterion_id): r
        for r in Registration.objects.filter(
            campaign_id=campaign_id,
            criterion_id__in=list(criterion_ids),
            unit_id__in=list(unit_ids),
        )
    }


def _is_not_assigned(criterion: Criterion, registration: Registration | None) -> bool:
    if registration is not None and registration.not_assigned:
        return True
    if criterion.kind != CriterionKind.QUANTITATIVE:
        return False
    no_target = registration is None or not registration.target
    return no_target and criterion.zero_target == ZeroTarget.NOT_ASSIGNED


def _sync_assignment(review_point: ReviewPoint, unit: Unit, criterion: Criterion) -> None:
    registration = Registration.objects.filter(
        campaign_id=review_point.campaign_id, unit=unit, criterion=criterion
    ).first()
    ScoreItem.objects.filter(review_point=review_point, unit=unit, criterion=criterion).update(
        not_assigned=_is_not_assigned(criterion, registration)
    )


@transaction.atomic
def review_point_open(*, actor: Any, review_point: ReviewPoint) -> int:
    """Open a review point: one item per participant and criterion. Returns the count."""
    review_point = ReviewPoint.objects.select_for_update().get(pk=review_point.pk)
    campaign = review_point.campaign
    review_point_workflow.check(review_point, "open")
    criteria = list(campaign.scoring_table.criteria.exclude(kind=CriterionKind.GROUP))  # type: ignore[union-attr]
    unit_ids = list(campaign.participants.values_list("unit_id", flat=True))
    registrations = _targets(campaign.pk, [c.pk for c in criteria], unit_ids)
    items = [
        ScoreItem(
            review_point=review_point,
            unit_id=unit_id,
            criterion=criterion,
            not_assigned=_is_not_assigned(criterion, registrations.get((unit_id, criterion.pk))),
        )
        for unit_id in unit_ids
        for criterion in criteria
    ]
    ScoreItem.objects.bulk_create(items, batch_size=2000)
    review_point.state = ReviewPointState.OPEN
    review_point.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="review_point.open",
        target=campaign,
        changes={review_point.code: ["planned", "open"]},
    )
    return len(items)


def recompute(*, review_point: ReviewPoint, criterion: Criterion, unit: Unit) -> None:
    """Recompute the method's score of ``unit`` (and of its cluster's peers when the
    method depends on them) for one criterion."""
    participant = review_point.campaign.participants.filter(unit=unit).first()
    items = ScoreItem.objects.filter(review_point=review_point, criterion=criterion)
    peer_based = (
        criterion.kind == CriterionKind.QUANTITATIVE
        and criterion.method == Method.TARGET_HALF_BEST_FULL
    )
    if peer_based and participant is not None and participant.cluster_id is not None:
        items = items.filter(
            unit__participations__campaign_id=review_point.campaign_id,
            unit__participations__cluster_id=participant.cluster_id,
        )
    else:
        items = items.filter(unit=unit)
    rows = list(items.select_for_update())
    registrations = _targets(review_point.campaign_id, [criterion.pk], [i.unit_id for i in rows])
    maximum = criterion.max_points
    lower = criterion.direction == Direction.LOWER
    peers: dict[Hashable, methods.PeerResult] = {}
    for item in rows:
        registration = registrations.get((item.unit_id, criterion.pk))
        target = registration.target if registration else None
        item.not_assigned = _is_not_assigned(criterion, registration)
        kind = criterion.kind
        if item.not_assigned:
            item.computed = None
        elif kind == CriterionKind.QUANTITATIVE:
            if item.actual is None:
                item.computed = None
            elif not target:
                item.computed = methods.pass_fail(
                    maximum, methods.zero_target_pass(item.actual, lower_is_better=lower)
                )
            elif criterion.method == Method.PROPORTIONAL:
                item.computed = methods.proportional(
                    maximum, target, item.actual, lower_is_better=lower
                )
            else:
                peers[item.pk] = methods.PeerResult(target=target, actual=item.actual)
        elif kind in (CriterionKind.PASS_FAIL, CriterionKind.VETO):
            # A veto carries no points: it only flags the unit when it applies.
            item.computed = (
                methods.pass_fail(maximum, item.passed)
                if kind == CriterionKind.PASS_FAIL
                else methods.ZERO
            )
        else:  # count, bonus, penalty
            item.computed = methods.count_points(maximum, criterion.points_per_item, item.count)
    if peers:
        scores = methods.target_half_best_full(maximum, peers, lower_is_better=lower)
        for item in rows:
            if item.pk in scores:
                item.computed = scores[item.pk]
    for item in rows:
        item.score = latest_score(item)
    ScoreItem.objects.bulk_update(rows, ["not_assigned", "computed", "score"])


def latest_score(item: ScoreItem) -> Decimal:
    for value in (
        item.final_score,
        item.reviewed_score,
        item.inspected_score,
        item.self_score,
        item.computed,
    ):
        if value is not None:
            return value
    return Decimal(0)


def _lock(item: ScoreItem, version: int) -> ScoreItem:
    current = (
        ScoreItem.objects.select_for_update()
        .select_related("criterion", "review_point", "unit")
        .get(pk=item.pk)
    )
    if current.version != version:
        raise ConflictError(
            _(
                "Someone else saved this item since you opened it. Reload to see their change; "
                "nothing of yours was saved."
            )
        )
    if current.review_point.state != ReviewPointState.OPEN:
        raise ValidationError(
            _("This review point is not open for scoring."), code="review_point_not_open"
        )
    return current


def _check_points(item: ScoreItem, value: Decimal, field: str) -> None:
    if value < 0 or value > item.criterion.max_points:
        raise ValidationError(
            {field: _("Enter a score between 0 and %(max)s.") % {"max": item.criterion.max_points}}
        )


def _step(
    item: ScoreItem,
    *,
    actor: Any,
    action: str,
    to_state: str | None = None,
    value: Decimal | None = None,
    note: str = "",
) -> ScoreItem:
    from_state = item.state
    if to_state is not None:
        item.state = to_state
    item.version += 1
    item.score = latest_score(item)
    item.save()
    ScoreEvent.objects.create(
        item=item,
        action=action,
        from_state=from_state,
        to_state=item.state,
        value=value,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=f"score.{action}",
        target=item,
        changes={"state": [from_state, item.state], "value": [None, value]},
    )
    return item


@transaction.atomic
def item_report(
    *,
    actor: Any,
    item: ScoreItem,
    version: int,
    actual: Decimal | None = None,
    count: int | None = None,
    passed: bool | None = None,
    explanation: str | None = None,
) -> ScoreItem:
    """The unit reports what it achieved; computed scores follow (peers too)."""
    item = _lock(item, version)
    score_item_workflow.check(item, "report")
    kind = item.criterion.kind
    if kind == CriterionKind.QUANTITATIVE:
        _check_value(actual, "actual")
        item.actual = actual
    elif kind in (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY):
        if count is not None and not 0 <= count <= MAX_COUNT:
            raise ValidationError({"count": _("Enter a whole number that is not negative.")})
        item.count = count
    else:
        item.passed = passed
    if explanation is not None:
        item.explanation = explanation
    item.save()
    recompute(review_point=item.review_point, criterion=item.criterion, unit=item.unit)
    item.refresh_from_db()
    value = (
        actual
        if kind == CriterionKind.QUANTITATIVE
        else (Decimal(count) if count is not None else None)
    )
    return _step(item, actor=actor, action="report", value=value)


@transaction.atomic
def item_submit(
    *, actor: Any, item: ScoreItem, version: int, self_score: Decimal | None, explanation: str = ""
) -> ScoreItem:
    """Self-score (the computed score when none is given) and send for inspection."""
    item = _lock(item, version)
    score_item_workflow.check(item, "submit")
    value = self_score if self_score is not None else item.computed
    if value is None and not item.not_assigned:
        raise ValidationError({"self_score": _("Report the result or enter a self-score.")})
    if value is not None:
        _check_points(item, value, "self_score")
    item.self_score = value
    item.inspected_score = item.reviewed_score = item.final_score = None
    if explanation:
        item.explanation = explanation
    return _step(
        item,
        actor=actor,
        action="submit",
        to_state=ItemState.SUBMITTED,
        value=value,
        note=explanation,
    )


def _review_step(
    item: ScoreItem,
    version: int,
    *,
    actor: Any,
    field: str,
    action: str,
    score: Decimal | None,
    note: str,
) -> ScoreItem:
    item = _lock(item, version)
    to_state = score_item_workflow.check(item, action).target
    value = score if score is not None else latest_score(item)
    _check_points(item, value, "score")
    setattr(item, field, value)
    return _step(item, actor=actor, action=action, to_state=to_state, value=value, note=note)


@transaction.atomic
def item_inspect(
    *, actor: Any, item: ScoreItem, version: int, score: Decimal | None = None, note: str = ""
) -> ScoreItem:
    return _review_step(
        item,
        version,
        actor=actor,
        field="inspected_score",
        action="inspect",
        score=score,
        note=note,
    )


@transaction.atomic
def item_review(
    *, actor: Any, item: ScoreItem, version: int, score: Decimal | None = None, note: str = ""
) -> ScoreItem:
    """The cluster leader's review; without an assigned inspector it follows self-scoring."""
    return _review_step(
        item,
        version,
        actor=actor,
        field="reviewed_score",
        action="review",
        score=score,
        note=note,
    )


@transaction.atomic
def item_finalize(
    *, actor: Any, item: ScoreItem, version: int, score: Decimal | None = None, note: str = ""
) -> ScoreItem:
    return _review_step(
        item,
        version,
        actor=actor,
        field="final_score",
        action="finalize",
        score=score,
        note=note,
    )


#: The states from which each reviewer may return an item: the inspector only what
#: waits for inspection, the leader up to its own review, the committee up to final.
RETURN_STEPS = ("inspect", "review", "finalize")
RETURNABLE = {step: returnable(step) for step in RETURN_STEPS}


@transaction.atomic
def item_return(
    *, actor: Any, item: ScoreItem, version: int, question: str, step: str
) -> ScoreItem:
    """A reviewer sends the item back to the unit with a question.

    ``step`` is the reviewer's role on the item (inspect, review or finalize); it limits
    how far along the item may be taken back.
    """
    item = _lock(item, version)
    score_item_workflow.check(item, "return")
    if item.state not in RETURNABLE.get(step, ()):
        raise ValidationError(score_item_workflow.refusal(item, "return"), code=INVALID_TRANSITION)
    if not question.strip():
        raise ValidationError({"question": _("Ask the unit what should be clarified.")})
    item.question = question
    item.answer = ""
    item = _step(item, actor=actor, action="return", to_state=ItemState.RETURNED, note=question)
    notify(
        RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, unit_id=item.unit_id).values_list(
            "user_id", flat=True
        ),
        notice.SCORE_ITEM_RETURNED,
        {
            "criterion": translated(item.criterion, "title"),
            "unit": translated(item.unit, "name"),
            "question": question,
        },
        ("scoring:item", [item.pk]),
    )
    return item


@transaction.atomic
def item_answer(*, actor: Any, item: ScoreItem, version: int, answer: str) -> ScoreItem:
    item = _lock(item, version)
    score_item_workflow.check(item, "answer")
    if not answer.strip():
        raise ValidationError({"answer": _("Write an answer to the question.")})
    item.answer = answer
    return _step(item, actor=actor, action="answer", note=answer)


#: The moves a reviewer may make on many items at once, and the most items per batch.
BULK_ACTIONS = ("inspect", "review", "finalize", "return")
BULK_LIMIT = 500


@dataclass(frozen=True)
class BulkResult:
    """One item's outcome in a batch: ``code`` is ``done`` or why it was refused
    (``not_found``, ``not_allowed``, ``stale_version``, ``invalid_transition``,
    ``review_point_not_open``, ``invalid``); ``item`` is the item as it now stands."""

    item_id: int
    code: str
    message: str = ""
    item: ScoreItem | None = None

    @property
    def done(self) -> bool:
        return self.code == "done"


def _bulk_one(actor: Any, action: str, item: ScoreItem, version: int, comment: str) -> ScoreItem:
    if action == "return":
        return item_return(
            actor=actor,
            item=item,
            version=version,
            question=comment,
            step=return_step(actor, item) or "",
        )
    service = {"inspect": item_inspect, "review": item_review, "finalize": item_finalize}[action]
    return service(actor=actor, item=item, version=version, note=comment)


def items_bulk(
    *, actor: Any, action: str, versions: dict[int, int], comment: str = ""
) -> list[BulkResult]:
    """Make one reviewing move (``BULK_ACTIONS``) on many items, each as the reader saw
    it: ``versions`` maps each item's id to the version shown on the page.

    Each item is its own transaction, through the same service as the item page
    (``item_review`` ...): it either moves fully, with its score event and audit entry,
    or stays untouched with the reason. An item changed since it was read
    (``stale_version``), one the user may not move (``not_allowed``; ``not_found`` when
    they may not see it) or one the table does not move from its state
    (``invalid_transition``) is refused; the others still go through. Review moves
    confirm the latest score; ``comment`` is their note, or the question of a return
    (required there). At most ``BULK_LIMIT`` items; results come in the given order.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError(_("Choose an action."), code="invalid_action")
    if not versions:
        raise ValidationError(_("Choose at least one item."), code="empty_batch")
    if len(versions) > BULK_LIMIT:
        raise ValidationError(
            _("Choose at most %(limit)s items at once.") % {"limit": BULK_LIMIT},
            code="batch_too_large",
        )
    if action == "return" and not comment.strip():
        raise ValidationError({"comment": _("Ask the unit what should be clarified.")})
    items = {
        item.pk: item
        for item in score_item_policy.visible(actor)
        .filter(pk__in=list(versions))
        .select_related("review_point")
    }
    granted = score_item_policy.allowed_actions(actor, items.values(), RETURN_STEPS)
    # The policy's actions each move needs, read from the table (return: any reviewer's).
    needs = {t.action for t in score_item_workflow.transitions if t.name == action}
    results: list[BulkResult] = []
    for pk, version in versions.items():
        item = items.get(pk)
        if item is None:
            results.append(BulkResult(pk, "not_found", _("No such item, or you may not see it.")))
            continue
        if not needs & granted[pk]:
            results.append(
                BulkResult(pk, "not_allowed", _("You do not have permission to do this."), item)
            )
            continue
        try:
            moved = _bulk_one(actor, action, item, version, comment)
        except ConflictError as exc:
            results.append(BulkResult(pk, "stale_version", " ".join(exc.messages), item))
        except ValidationError as exc:
            codes = {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else set()
            code = codes.pop() if len(codes) == 1 and None not in codes else "invalid"
            results.append(BulkResult(pk, str(code), " ".join(exc.messages), item))
        else:
            results.append(BulkResult(pk, "done", "", moved))
    return results


@transaction.atomic
def inspection_assign(
    *, actor: Any, review_point: ReviewPoint, unit: Unit, inspector: Unit
) -> InspectionAssignment:
    """The cluster leader assigns a peer of the same cluster (never the unit itself)."""
    if unit.pk == inspector.pk:
        raise ValidationError({"inspector": _("A unit cannot inspect itself.")})
    # Locked, as a rotation locks it: an assignment never slips in between a rotation's
    # stale check and its writes.
    review_point = (
        ReviewPoint.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=review_point.pk)
    )
    if review_point.state != ReviewPointState.OPEN:
        raise ValidationError(_("Cross-inspections are assigned while the review point is open."))
    campaign = review_point.campaign
    inspected = _participant(campaign, unit)
    peer = campaign.participants.filter(unit=inspector).first()
    if peer is None or inspected.cluster_id is None or peer.cluster_id != inspected.cluster_id:
        raise ValidationError({"inspector": _("Choose a unit of the same cluster.")})
    assignment, _created = InspectionAssignment.objects.update_or_create(
        review_point=review_point,
        unit=unit,
        defaults={
            "inspector": inspector,
            "assigned_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action="inspection.assign",
        target=campaign,
        changes={f"{review_point.code}/{unit.code}": [None, inspector.code]},
    )
    return assignment


@dataclass(frozen=True)
class RotationRow:
    """One line of a rotation: ``inspector`` cross-inspects ``unit``; ``current`` is the
    inspector assigned now (``None`` when there is none)."""

    unit: Unit
    inspector: Unit
    current: Unit | None

    @property
    def replaces(self) -> bool:
        """Whether the rotation replaces another inspector already assigned."""
        return self.current is not None and self.current.pk != self.inspector.pk

    @property
    def unchanged(self) -> bool:
        return self.current is not None and self.current.pk == self.inspector.pk


@dataclass(frozen=True)
class RotationPlan:
    review_point: ReviewPoint
    cluster: Any
    offset: int
    rows: list[RotationRow]
    #: A digest of the cluster's assignments as they are now, carried by the preview so
    #: that the confirmation refuses the whole when one of them changed in between.
    digest: str


def _assignments_digest(pairs: Iterable[tuple[int, int]]) -> str:
    text = ";".join(f"{unit}:{inspector}" for unit, inspector in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def inspection_rotation_plan(
    *, actor: Any, review_point: ReviewPoint, cluster: Any, offset: int = 1
) -> RotationPlan:
    """The rotation of ``cluster`` at ``review_point``: in the cluster's order (by unit
    code), each unit is cross-inspected by the one ``offset`` places after it, in a ring
    (the last by the first with an offset of 1). Only the cluster's leader, who assigns
    inspectors one at a time, may plan it. Reads only; four queries whatever the size."""
    from pacesetter.campaigns.policies import participant_policy

    review_point = ReviewPoint.objects.select_related("campaign").get(pk=review_point.pk)
    campaign = review_point.campaign
    if not (
        participant_policy.visible(actor, "review")
        .filter(campaign=campaign, cluster=cluster)
        .exists()
    ):
        raise PermissionDenied(_("Only the cluster's leader assigns its inspectors."))
    if review_point.state != ReviewPointState.OPEN:
        raise ValidationError(_("Cross-inspections are assigned while the review point is open."))
    units = [
        p.unit
        for p in campaign.participants.filter(cluster=cluster)
        .select_related("unit")
        .order_by("unit__code", "unit_id")
    ]
    size = len(units)
    if size < 2:
        raise FieldRuleError(
            "cluster",
            _("A rotation needs at least two units in the cluster; this one has %(n)d.")
            % {"n": size},
            code="cluster_too_small",
        )
    if not 1 <= offset < size:
        raise FieldRuleError(
            "offset",
            _("Choose an offset from 1 to %(max)d (the cluster has %(n)d units).")
            % {"max": size - 1, "n": size},
            code="invalid_offset",
        )
    current = {
        a.unit_id: a.inspector
        for a in InspectionAssignment.objects.filter(
            review_point=review_point, unit__in=units
        ).select_related("inspector")
    }
    rows = [
        RotationRow(
            unit=unit, inspector=units[(index + offset) % size], current=current.get(unit.pk)
        )
        for index, unit in enumerate(units)
    ]
    digest = _assignments_digest((unit, inspector.pk) for unit, inspector in current.items())
    return RotationPlan(review_point, cluster, offset, rows, digest)


@transaction.atomic
def inspection_rotation_assign(
    *, actor: Any, review_point: ReviewPoint, cluster: Any, offset: int, digest: str
) -> RotationPlan:
    """Assign the whole rotation (see :func:`inspection_rotation_plan`) in one transaction,
    each assignment through :func:`inspection_assign` (one audit entry for each one that
    changes). ``digest`` is the plan's the user previewed: when an assignment of the
    cluster changed since, :class:`ConflictError` and nothing is saved."""
    # Lock the review point: two confirmations of the same cluster run one after the other.
    ReviewPoint.objects.select_for_update().filter(pk=review_point.pk).first()
    plan = inspection_rotation_plan(
        actor=actor, review_point=review_point, cluster=cluster, offset=offset
    )
    if plan.digest != digest:
        raise ConflictError(
            _(
                "The cluster's cross-inspections changed since the preview. Look at the new "
                "preview; nothing was saved."
            ),
            code="stale_version",
        )
    # Each unit's inspector is replaced in the order of the ring; a unit never inspects
    # itself, and the unique (review point, unit) allows any permutation one row at a time.
    for row in plan.rows:
        if not row.unchanged:
            inspection_assign(
                actor=actor, review_point=plan.review_point, unit=row.unit, inspector=row.inspector
            )
    return plan


@transaction.atomic
def review_point_publish(*, actor: Any, review_point: ReviewPoint) -> ReviewPoint:
    """Publish the ranking of a review point: every assigned item must be final."""
    review_point = ReviewPoint.objects.select_for_update().get(pk=review_point.pk)
    campaign = review_point.campaign
    review_point_workflow.check(review_point, "publish")
    by = actor if getattr(actor, "pk", None) else None
    ScoreEvent.objects.bulk_create(
        [
            ScoreEvent(
                item_id=pk,
                action="publish",
                from_state=state,
                to_state=ItemState.PUBLISHED,
                actor=by,
            )
            for pk, state in review_point.items.values_list("pk", "state")
        ],
        batch_size=2000,
    )
    review_point.items.update(state=ItemState.PUBLISHED)
    review_point.state = ReviewPointState.PUBLISHED
    review_point.published_at = clock.now()
    review_point.save(update_fields=["state", "published_at"])
    if campaign.state == CampaignState.SCORING:
        campaign.state = CampaignState.PUBLISHED
        campaign.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="review_point.publish",
        target=campaign,
        changes={review_point.code: ["open", "published"]},
    )
    return review_point


# --- evidence ---------------------------------------------------------------------------


def evidence_add(*, actor: Any, item: ScoreItem, file: File) -> Evidence:
    """Attach a file to an item the unit may still change (draft or returned, review
    point open). The file passes the upload limits; the row, a ``ScoreEvent`` and the
    audit entry are written together, and the stored file is removed if they are not.
    A file over the limit or of another type is refused on ``file`` (codes
    ``file_too_large``, ``file_type``)."""
    check_upload(file)
    with transaction.atomic():
        current = (
            ScoreItem.objects.select_for_update().select_related("review_point").get(pk=item.pk)
        )
        if current.review_point.state != ReviewPointState.OPEN:
            raise ValidationError(
                _("This review point is not open for scoring."), code="review_point_not_open"
            )
        score_item_workflow.check(current, "evidence")
        name = PurePath(file.name or "file").name
        content_type = getattr(file, "content_type", None) or (mimetypes.guess_type(name)[0] or "")
        evidence = Evidence(
            item=current,
            name=name[:255],
            size=file.size or 0,
            content_type=content_type[:100],
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        with upload_stored(evidence, "file", file):
            evidence.save()
            ScoreEvent.objects.create(
                item=current,
                action="evidence",
                from_state=current.state,
                to_state=current.state,
                note=evidence.name,
                actor=evidence.uploaded_by,
            )
            audit_record(
                actor=actor,
                action="score.evidence_add",
                target=current,
                changes={"evidence": [None, evidence.name]},
            )
    return evidence
