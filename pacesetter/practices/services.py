"""Writes to the good-practice library. Each is one transaction with its audit entry, and
every step of the vetting also writes a ``PracticeStep`` row (docs/practices.md).

The callers (screens, API) check who may act through ``practice_policy`` and choose the
linked records through their own policies; these services keep the rules of the data and
of the workflow."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.core import clock
from pacesetter.core.errors import ConflictError, FieldRuleError
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    Text,
    column,
    expand,
    fields_of,
    translated_names,
)
from pacesetter.core.versions import next_version
from pacesetter.workplans.services import task_create

from .models import (
    Adoption,
    AdoptionEvidence,
    AdoptionOutcome,
    Assessment,
    Practice,
    PracticeEvidence,
    PracticeState,
    PracticeStep,
    WorkField,
)
from .richtext import sanitize
from .workflows import practice_workflow

TEXTS = ("title", "summary", "body", "effect", "team")
FACTS = (
    "kind",
    "year",
    "subject",
    "person_name",
    "level",
    "influence_scope",
    "lead_person",
    "team_size",
    "studio_level",
    "funding_amount",
    "funding_currency",
    "review_point",
    "meeting",
    "chain",
    "is_demo",
)
#: The many-to-many links, each recorded in the audit entry as a sorted list of ids.
LINKS = ("source_units", "work_fields", "award_grants", "tasks")
PRACTICE_FIELDS = ("source_language", *fields_of(*TEXTS), "owner_unit", *FACTS, "state")
DECISION_REQUIRED = "decision_required"


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _texts(fields: dict[str, Any], source: str) -> dict[str, Any]:
    """Texts given by field name (a text or texts by language) or by column, as columns;
    the body of every language sanitized."""
    by_name = {k: fields.pop(k) for k in list(fields) if k in TEXTS}
    columns = {k: fields.pop(k) for k in list(fields) if k in fields_of(*TEXTS)}
    out = {**expand(Practice, by_name, source=source), **columns}
    for lang in CONTENT_LANGUAGES:
        name = column("body", lang)
        if out.get(name):
            out[name] = sanitize(out[name])
    return {k: ("" if v is None else v) for k, v in out.items()}


def _clear_other_kinds(kind: str, values: dict[str, Any]) -> None:
    """A change of kind empties the facts of the kind left (so no stale studio level
    stays on an experience)."""
    from .models import KIND_FACTS, KIND_TEXTS

    own = KIND_FACTS.get(kind, ())
    for other, facts in KIND_FACTS.items():
        if other == kind:
            continue
        for name in facts:
            if name in own:
                continue  # a fact of both kinds (the level of a model and an experience)
            values.setdefault(name, None if name in ("team_size", "funding_amount") else "")
    for other, texts in KIND_TEXTS.items():
        if other == kind:
            continue
        for name in texts:
            for lang in CONTENT_LANGUAGES:
                values.setdefault(column(name, lang), "")


def _set_links(practice: Practice, links: dict[str, Iterable[Any] | None]) -> dict[str, Any]:
    """Set the given many-to-many links; the changes as ``{name: [old ids, new ids]}``."""
    changes: dict[str, Any] = {}
    for name, objs in links.items():
        if objs is None:
            continue
        manager = getattr(practice, name)
        old = sorted(manager.values_list("pk", flat=True))
        new_objs = list(objs)
        new = sorted({obj.pk for obj in new_objs})
        if old != new:
            manager.set(new_objs)
            changes[name] = [old, new]
    return changes


def _step(
    practice: Practice,
    *,
    actor: Any,
    name: str,
    from_state: str,
    comment: str = "",
    assessment: str = "",
    decision: Any = None,
) -> PracticeStep:
    return PracticeStep.objects.create(
        practice=practice,
        name=name,
        from_state=from_state,
        to_state=practice.state,
        comment=comment,
        assessment=assessment,
        decision=decision,
        actor=_actor(actor),
    )


@transaction.atomic
def practice_propose(
    *,
    actor: Any,
    owner_unit: Any,
    kind: str,
    year: int,
    title: str | Text | None = None,
    source_units: Iterable[Any] | None = None,
    work_fields: Iterable[WorkField] | None = None,
    award_grants: Iterable[Any] | None = None,
    tasks: Iterable[Any] | None = None,
    **fields: Any,
) -> Practice:
    """Propose a practice kept by ``owner_unit``: state ``proposed``, its first step.
    ``title``, ``summary``, ``body``, ``effect`` and ``team`` are texts in
    ``source_language`` (English unless given) or texts by language, or their columns;
    the body is sanitized (``richtext.sanitize``). Source units default to the owner
    unit."""
    source = fields.pop("source_language", None) or "en"
    fields = {"title": title, **fields}
    texts = _texts(fields, source)  # takes the texts out of ``fields``
    unknown = set(fields) - set(FACTS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    practice = Practice(
        source_language=source,
        owner_unit=owner_unit,
        kind=kind,
        year=year,
        state=PracticeState.PROPOSED,
        proposed_by=_actor(actor),
        **texts,
        **fields,
    )
    audited_create(
        actor=actor, instance=practice, action="practice.propose", fields=PRACTICE_FIELDS
    )
    units = list(source_units) if source_units is not None else []
    links = _set_links(
        practice,
        {
            "source_units": units or [owner_unit],
            "work_fields": work_fields,
            "award_grants": award_grants,
            "tasks": tasks,
        },
    )
    if links:
        audit_record(actor=actor, action="practice.links", target=practice, changes=links)
    _step(practice, actor=actor, name="propose", from_state="")
    return practice


@transaction.atomic
def practice_update(
    *,
    actor: Any,
    practice: Practice,
    source_units: Iterable[Any] | None = None,
    work_fields: Iterable[WorkField] | None = None,
    award_grants: Iterable[Any] | None = None,
    tasks: Iterable[Any] | None = None,
    version: int | None = None,
    **changes: Any,
) -> Practice:
    """Change a practice's texts, facts and links (those given; a language left out of a
    text is kept, ``""`` clears it). Not once it is retired (``invalid_transition``).
    Changing the kind empties the facts of the kind left.

    With ``version`` (the one the editor read), a practice saved by someone else since
    is refused with :class:`ConflictError` and nothing is changed. Each save raises it."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if version is not None and practice.version != version:
        raise ConflictError(
            _(
                "Someone else saved this practice since you opened it. Reload to see "
                "their change; nothing of yours was saved."
            ),
            code="stale_version",
        )
    practice_workflow.check(practice, "edit")
    source = changes.get("source_language") or practice.source_language
    texts = _texts(changes, source)
    if "owner_unit" in changes or "state" in changes:
        raise TypeError("The owner unit and the state are not changed here.")
    unknown = set(changes) - set(FACTS) - {"source_language"}
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {**changes, **texts, "version": practice.version + 1}
    if "kind" in values and values["kind"] != practice.kind:
        _clear_other_kinds(values["kind"], values)
    if source_units is not None:
        source_units = list(source_units)
        if not source_units:
            raise FieldRuleError(
                "source_units", _("Name at least one source unit."), code="required"
            )
    practice = audited_update(
        actor=actor,
        instance=practice,
        action="practice.update",
        changes=values,
        allowed=(*PRACTICE_FIELDS, "version"),
        fields=PRACTICE_FIELDS,
    )
    links = _set_links(
        practice,
        {
            "source_units": source_units,
            "work_fields": work_fields,
            "award_grants": award_grants,
            "tasks": tasks,
        },
    )
    if links:
        audit_record(actor=actor, action="practice.links", target=practice, changes=links)
    return practice


@transaction.atomic
def practice_transition(
    *,
    actor: Any,
    practice: Practice,
    name: str,
    comment: str = "",
    assessment: str = "",
    decision: Any = None,
) -> Practice:
    """Make one move of the vetting (``practice_workflow``) or comment, and keep it as a
    step. ``review`` needs an assessment and a comment, ``return`` and ``retire`` and
    ``comment`` a comment, ``recognize`` the decision of the lead body
    (``decision_required`` on ``decision``)."""
    if name == "edit":
        raise ValueError("Edit through practice_update.")
    transition = practice_workflow.check(practice, name)
    comment = (comment or "").strip()
    if name == "review" and assessment not in Assessment.values:
        raise FieldRuleError("assessment", _("Give your assessment."), code="required")
    if name != "review":
        assessment = ""
    if name in ("review", "return", "retire", "comment") and not comment:
        raise FieldRuleError("comment", _("Write a comment."), code="required")
    if name == "recognize" and decision is None:
        raise FieldRuleError(
            "decision",
            _("Name the decision of the lead body that recognizes the practice."),
            code=DECISION_REQUIRED,
        )
    if name != "recognize":
        decision = None
    before = practice.state
    if transition.target is None:
        audit_record(
            actor=actor,
            action=f"practice.{name}",
            target=practice,
            changes={"comment": [None, comment]},
        )
    else:
        current = Practice.objects.select_for_update().values_list("version", flat=True)
        update: dict[str, Any] = {
            "state": transition.target,
            "version": current.get(pk=practice.pk) + 1,
        }
        if decision is not None:
            update["decision"] = decision
        if transition.target == PracticeState.PUBLISHED:
            update["published_at"] = clock.now()
        practice = audited_update(
            actor=actor,
            instance=practice,
            action=f"practice.{name}",
            changes=update,
            allowed=("state", "decision", "published_at", "version"),
            fields=("state", "decision"),
        )
    _step(
        practice,
        actor=actor,
        name=name,
        from_state=before,
        comment=comment,
        assessment=assessment,
        decision=decision,
    )
    return practice


@transaction.atomic
def evidence_add(
    *, actor: Any, practice: Practice, file: File, title: str = ""
) -> PracticeEvidence:
    """Attach a file (the limits and content check of ``core.files``: ``file_too_large``,
    ``file_type`` on ``file``); not once the practice is retired. The stored file is
    removed again if the row or its audit entry is not written."""
    practice_workflow.check(practice, "edit")
    check_upload(file)
    evidence = PracticeEvidence(practice=practice, title=title, uploaded_by=_actor(actor))
    with upload_stored(evidence, "file", file):
        return audited_create(
            actor=actor,
            instance=evidence,
            action="practice.evidence_add",
            fields=("practice", "title", "file"),
        )


WORK_FIELD_FIELDS = (
    "code",
    "source_language",
    *fields_of(*translated_names(WorkField)),
    "position",
    "is_active",
)


@transaction.atomic
def work_field_create(
    *, actor: Any, code: str, name: str | Text | None = None, **fields: Any
) -> WorkField:
    """Add a field of work (staff of a root unit, checked by the caller). ``name`` is a
    text in ``source_language`` (English unless given) or texts by language, or its
    columns in ``fields``; the source language's name is required and the code unique
    (``unique`` on ``code``)."""
    source = fields.pop("source_language", None) or "en"
    texts = expand(WorkField, {"name": name, **fields}, source=source)
    unknown = set(texts) - set(WORK_FIELD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    field = WorkField(code=code, source_language=source, **texts)
    return audited_create(
        actor=actor, instance=field, action="practice.field_create", fields=WORK_FIELD_FIELDS
    )


@transaction.atomic
def work_field_update(
    *, actor: Any, field: WorkField, version: int | None = None, **changes: Any
) -> WorkField:
    """Rename a field of work (a name given by name merges its languages; ``""`` clears
    one, the source language's stays required), move it (``position``) or deactivate it
    (``is_active``: it is no longer offered to tag a practice or as a filter; the
    practices tagged with it keep it). The code is kept: imports and links name it. A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    if "code" in changes:
        raise TypeError("A field of work's code is not changed.")
    next_ = next_version(field, version)
    source = changes.get("source_language") or field.source_language
    changes = expand(WorkField, changes, source=source)
    return audited_update(
        actor=actor,
        instance=field,
        action="practice.field_update",
        changes={**changes, "version": next_},
        allowed=(*WORK_FIELD_FIELDS[1:], "version"),
        fields=WORK_FIELD_FIELDS,
    )


NOT_PUBLISHED = "not_published"
PLAN_OF_OTHER_UNIT = "plan_of_other_unit"
ADOPTION_FIELDS = ("practice", "unit", "adopted_on", "note", "task")
REPORT_FIELDS = ("outcome", "rating", "report", "reported_on")


#: Where each of the adoption's constraints is shown (forms) with its code (API).
CONSTRAINT_FIELDS = {
    "already_adopted": "unit",
    "rating_range": "rating",
    "report_incomplete": "outcome",
    "report_before_adoption": "reported_on",
}


def _check_constraints(adoption: Adoption) -> None:
    """The adoption's constraints, each broken one raised as a rule error on its field
    with its code (``already_adopted`` …), the first one found."""
    try:
        adoption.validate_constraints()
    except ValidationError as exc:
        for error in exc.error_dict.get(NON_FIELD_ERRORS, []):
            if error.code in CONSTRAINT_FIELDS:
                raise FieldRuleError(CONSTRAINT_FIELDS[error.code], error) from exc
        raise


@transaction.atomic
def adoption_create(
    *,
    actor: Any,
    practice: Practice,
    unit: Any,
    adopted_on: dt.date,
    note: str = "",
    plan: Any = None,
    task_title: str | Text | None = None,
) -> Adoption:
    """Record that ``unit`` adopts ``practice`` (published only: ``not_published``; once
    per unit: ``already_adopted``). With a ``plan`` (a work plan of the unit's own body:
    ``plan_of_other_unit`` on ``plan`` otherwise) a key task led by the unit is created
    in it in the same step (``workplans.services.task_create``, so ``plan_closed`` as
    there), named ``task_title`` or the practice's title."""
    if practice.state != PracticeState.PUBLISHED:
        raise FieldRuleError(
            "practice", _("Only a published practice can be adopted."), code=NOT_PUBLISHED
        )
    adoption = Adoption(
        practice=practice,
        unit=unit,
        adopted_on=adopted_on,
        note=(note or "").strip(),
        adopted_by=_actor(actor),
    )
    _check_constraints(adoption)  # ``already_adopted`` before a task is made
    if plan is not None:
        if plan.body.owner_unit_id != unit.pk:
            raise FieldRuleError(
                "plan",
                _("Choose a work plan of %(unit)s.") % {"unit": unit.name},
                code=PLAN_OF_OTHER_UNIT,
            )
        adoption.task = task_create(
            actor=actor, plan=plan, lead_unit=unit, title=task_title or practice.title
        )
    return audited_create(
        actor=actor, instance=adoption, action="practice.adopt", fields=ADOPTION_FIELDS
    )


@transaction.atomic
def adoption_report(
    *,
    actor: Any,
    adoption: Adoption,
    outcome: str,
    rating: int,
    report: str = "",
    reported_on: dt.date | None = None,
) -> Adoption:
    """Report how the trial went: ``outcome`` (adopted, partly, abandoned), a rating
    from 1 to 5 (``rating_range``), a text, the date (today unless given; not before the
    adoption: ``report_before_adoption``). A report may be corrected later."""
    if outcome not in AdoptionOutcome.values:
        raise FieldRuleError("outcome", _("Choose the outcome."), code="required")
    if rating is None:
        raise FieldRuleError("rating", _("Give a rating from 1 to 5."), code="required")
    changes = {
        "outcome": outcome,
        "rating": rating,
        "report": (report or "").strip(),
        "reported_on": reported_on or timezone.localdate(clock.now()),
        "reported_by": _actor(actor),
    }
    probe = copy.copy(adoption)
    for name, value in changes.items():
        setattr(probe, name, value)
    _check_constraints(probe)
    return audited_update(
        actor=actor,
        instance=adoption,
        action="practice.adoption_report",
        changes=changes,
        allowed=(*REPORT_FIELDS, "reported_by"),
        fields=REPORT_FIELDS,
    )


@transaction.atomic
def adoption_evidence_add(
    *, actor: Any, adoption: Adoption, file: File, title: str = ""
) -> AdoptionEvidence:
    """Attach a file to an adoption's report (``core.files``: ``file_too_large``,
    ``file_type`` on ``file``), removed again if the row is not written."""
    check_upload(file)
    evidence = AdoptionEvidence(adoption=adoption, title=title, uploaded_by=_actor(actor))
    with upload_stored(evidence, "file", file):
        return audited_create(
            actor=actor,
            instance=evidence,
            action="practice.adoption_evidence_add",
            fields=("adoption", "title", "file"),
        )
