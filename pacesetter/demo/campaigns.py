"""Loading the demo's scoring tables and campaigns through the campaign and scoring
services, with the accounts that would really act: committee staff set up and finalize,
unit officers register, report and self-score, the assigned peer inspects and the
cluster leader signs the pact and reviews."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from pacesetter.accounts.models import User
from pacesetter.campaigns.models import Campaign, CampaignState, ClusterPact, ReviewPoint
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    pact_sign,
    participant_add,
    phase_add,
    review_point_add,
)
from pacesetter.clusters.models import Cluster
from pacesetter.core import clock
from pacesetter.core.translations import expand, ordered, translated_names, values
from pacesetter.scoring.models import Criterion, CriterionKind, ScoreItem, ScoringTable
from pacesetter.scoring.services import (
    criterion_add,
    criterion_update,
    inspection_assign,
    item_answer,
    item_finalize,
    item_inspect,
    item_report,
    item_return,
    item_review,
    item_submit,
    registration_set,
    review_point_open,
    review_point_publish,
    table_adopt,
    table_clone,
    table_create,
)
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone

from .pdf import one_page_pdf
from .specs import (
    CampaignSpec,
    CriterionSpec,
    ItemStepSpec,
    Result,
    ReviewRunSpec,
    TableSpec,
    Txt,
    source_of,
)

#: CriterionSpec fields that are criterion fields of the same name (parent aside).
CRITERION_ATTRS = tuple(f.name for f in fields(CriterionSpec) if f.name not in ("code", "parent"))
STEPS = ("inspect", "review", "finalize")


class CampaignLoader:
    def __init__(
        self,
        units: Mapping[str, Unit],
        users: Mapping[str, User],
        clusters: Mapping[str, Cluster],
    ) -> None:
        self.units = units
        self.users = users
        self.clusters = clusters
        self.tables: dict[str, ScoringTable] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.stored_files: list[FieldFile] = []

    # --- tables ---------------------------------------------------------------------

    def table(self, spec: TableSpec, actor: User) -> ScoringTable:
        if spec.cloned_from:
            table = table_clone(actor=actor, table=self.tables[spec.cloned_from], year=spec.year)
            self._revise(table, spec, actor)
        else:
            table = table_create(
                actor=actor,
                owner_unit=self.units[spec.owner],
                name=spec.name,
                year=spec.year,
                description=spec.description,
                source_language=source_of(spec.name, spec.description),
            )
            criteria: dict[str, Criterion] = {}
            for criterion in spec.criteria:
                criteria[criterion.code] = self._add(table, criterion, criteria, actor)
        adopted_on = spec.adopted_on or date(spec.year, 1, 2)
        with clock.fixed(historical_moment(adopted_on, unit_time_zone(table.owner_unit), 9)):
            table = table_adopt(actor=actor, table=table)
        self.tables[spec.key] = table
        return table

    def _add(
        self,
        table: ScoringTable,
        spec: CriterionSpec,
        criteria: Mapping[str, Criterion],
        actor: User,
    ) -> Criterion:
        return criterion_add(
            actor=actor,
            table=table,
            code=spec.code,
            parent=criteria[spec.parent] if spec.parent else None,
            **{name: getattr(spec, name) for name in CRITERION_ATTRS},
        )

    def _revise(self, table: ScoringTable, spec: TableSpec, actor: User) -> None:
        """Turn a clone into ``spec``: changes first (lowering maxima makes room in a
        group), then the new criteria."""
        columns = expand(
            ScoringTable, {"description": spec.description}, source=table.source_language
        )
        for name, value in columns.items():
            setattr(table, name, value)
        table.save(update_fields=list(columns))
        existing = {c.code: c for c in table.criteria.select_related("parent", "table")}
        for criterion in spec.criteria:
            current = existing.get(criterion.code)
            if current is None:
                continue
            changes = {
                name: getattr(criterion, name)
                for name in CRITERION_ATTRS
                if _differs(current, name, getattr(criterion, name))
            }
            if changes:
                existing[criterion.code] = criterion_update(
                    actor=actor, criterion=current, **changes
                )
        for criterion in spec.criteria:
            if criterion.code not in existing:
                existing[criterion.code] = self._add(table, criterion, existing, actor)

    # --- campaigns ------------------------------------------------------------------

    def campaign(self, spec: CampaignSpec) -> Campaign:
        staff = self.users[spec.staff]
        campaign = campaign_create(
            actor=staff,
            organizer=self.units[spec.organizer],
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            start=spec.start,
            end=spec.end,
            scoring_table=self.tables[spec.table],
            predecessor=self.campaigns[spec.predecessor] if spec.predecessor else None,
            registration_due=spec.registration_due,
            description=spec.description,
            source_language=source_of(spec.name, spec.description),
        )
        self.campaigns[spec.code] = campaign
        for phase in spec.phases:
            phase_add(
                actor=staff, campaign=campaign, name=phase.name, start=phase.start, end=phase.end
            )
        points = {
            point.code: review_point_add(
                actor=staff,
                campaign=campaign,
                code=point.code,
                name=point.name,
                period_end=point.period_end,
                due=point.due,
            )
            for point in spec.review_points
        }
        for code in spec.clusters:
            cluster_join(actor=staff, campaign=campaign, cluster=self.clusters[code])
        for unit, cluster in spec.pilots:
            participant_add(
                actor=staff,
                campaign=campaign,
                unit=self.units[unit],
                cluster=self.clusters[cluster],
                is_pilot=True,
            )
        campaign = campaign_transition(
            actor=staff, campaign=campaign, to_state=CampaignState.REGISTRATION
        )
        self._register(campaign, spec)
        if spec.pact is not None:
            self._pact(campaign, spec)
        campaign = campaign_transition(
            actor=staff, campaign=campaign, to_state=CampaignState.RUNNING
        )
        for run in spec.reviews:
            if campaign.state == CampaignState.PUBLISHED:
                campaign = campaign_transition(
                    actor=staff, campaign=campaign, to_state=CampaignState.RUNNING
                )
            campaign = self._review(campaign, points[run.code], run, spec)
        if spec.then_open:
            if campaign.state == CampaignState.PUBLISHED:
                campaign = campaign_transition(
                    actor=staff, campaign=campaign, to_state=CampaignState.RUNNING
                )
            review_point_open(actor=staff, review_point=points[spec.then_open])
        if spec.close:
            campaign = campaign_transition(
                actor=staff, campaign=campaign, to_state=CampaignState.CLOSED
            )
        self.campaigns[spec.code] = campaign
        return campaign

    def _register(self, campaign: Campaign, spec: CampaignSpec) -> None:
        criteria = {c.code: c for c in self.tables[spec.table].criteria.all()}
        for unit, lines in spec.targets.items():
            for line in lines:
                registration_set(
                    actor=self.users[spec.officers[unit]],
                    campaign=campaign,
                    unit=self.units[unit],
                    criterion=criteria[line.criterion],
                    target=line.target,
                    not_assigned=line.not_assigned,
                    note=line.note,
                )

    def _pact(self, campaign: Campaign, spec: CampaignSpec) -> ClusterPact:
        assert spec.pact is not None
        document = None
        if spec.pact.file_name:
            document = ContentFile(one_page_pdf(spec.pact.file_lines), name=spec.pact.file_name)
        pact = pact_sign(
            actor=self.users[spec.pact.signed_by],
            campaign=campaign,
            cluster=self.clusters[spec.pact.cluster],
            signed_on=spec.pact.signed_on,
            signer_unit=self.units[spec.pact.signer_unit],
            document=document,
        )
        if pact.document.name:
            self.stored_files.append(pact.document)
        return pact

    def _review(
        self, campaign: Campaign, point: ReviewPoint, run: ReviewRunSpec, spec: CampaignSpec
    ) -> Campaign:
        """Open, report and self-score, inspect, review, finalize and publish, each step
        at its day between the end of the period and the review conference (the point's
        due date), where the ranking is published."""
        staff = self.users[spec.staff]
        leader = self.users[spec.leader] if spec.leader else staff
        day = _review_days(point, unit_time_zone(campaign.organizer))
        inspectors = dict(run.inspections)
        with clock.fixed(day["open"]):
            review_point_open(actor=staff, review_point=point)
            for unit, inspector in run.inspections:
                inspection_assign(
                    actor=leader,
                    review_point=point,
                    unit=self.units[unit],
                    inspector=self.units[inspector],
                )
        code_of = {unit.pk: code for code, unit in self.units.items()}
        items: dict[tuple[str, str], ScoreItem] = {
            (code_of[item.unit_id], item.criterion.code): item
            for item in point.items.filter(not_assigned=False)
            .select_related("criterion")
            .order_by(ordered("unit__name"), "criterion__position")
        }
        # Every unit reports before any self-scores: scores under target_half_best_full
        # depend on the peers' results.
        with clock.fixed(day["report"]):
            for (unit, criterion), item in items.items():
                result = run.results[unit].get(criterion)
                if result is not None:
                    items[unit, criterion] = item_report(
                        actor=self.users[spec.officers[unit]],
                        item=item,
                        version=item.version,
                        **_result_fields(item.criterion, result),
                    )
            for key, item in items.items():
                items[key] = self._submit(item, self.users[spec.officers[key[0]]])
        campaign = campaign_transition(
            actor=staff, campaign=campaign, to_state=CampaignState.SCORING
        )
        changes = {(s.unit, s.criterion, s.step): s for s in run.steps}
        actors = {
            "inspect": lambda unit: self.users[spec.officers[inspectors[unit]]],
            "review": lambda unit: leader,
            "finalize": lambda unit: staff,
        }
        act = {"inspect": item_inspect, "review": item_review, "finalize": item_finalize}
        for step in STEPS:
            with clock.fixed(day[step]):
                for (unit, criterion), item in items.items():
                    if step == "inspect" and unit not in inspectors:
                        continue
                    change = changes.get((unit, criterion, step))
                    if change is not None and change.question:
                        item = self._return_and_answer(item, change, actors[step](unit), spec)
                        for earlier in STEPS[: STEPS.index(step)]:
                            if earlier != "inspect" or unit in inspectors:
                                item = act[earlier](
                                    actor=actors[earlier](unit), item=item, version=item.version
                                )
                    items[unit, criterion] = act[step](
                        actor=actors[step](unit),
                        item=item,
                        version=item.version,
                        score=change.score if change else None,
                        note=change.note if change else "",
                    )
        with clock.fixed(day["publish"]):
            review_point_publish(actor=staff, review_point=point)
        return Campaign.objects.get(pk=campaign.pk)

    def _submit(self, item: ScoreItem, officer: User) -> ScoreItem:
        # A veto has no computed score: "does not apply" is self-scored as zero.
        self_score = Decimal(0) if item.criterion.kind == CriterionKind.VETO else None
        return item_submit(actor=officer, item=item, version=item.version, self_score=self_score)

    def _return_and_answer(
        self, item: ScoreItem, change: ItemStepSpec, reviewer: User, spec: CampaignSpec
    ) -> ScoreItem:
        officer = self.users[spec.officers[change.unit]]
        item = item_return(
            actor=reviewer,
            item=item,
            version=item.version,
            question=change.question,
            step=change.step,
        )
        item = item_answer(actor=officer, item=item, version=item.version, answer=change.answer)
        return self._submit(item, officer)


def _differs(current: Criterion, name: str, wanted: Any) -> bool:
    """Whether the criterion's ``name`` differs from the spec's (a text by language
    compared with the recorded values)."""
    if name not in translated_names(Criterion):
        return bool(getattr(current, name) != wanted)
    return values(current, name) != _by_language(wanted, current.source_language)


def _by_language(text: Txt, source: str) -> dict[str, str]:
    if isinstance(text, str):
        return {source: text} if text else {}
    return {language: value for language, value in text.items() if value}


def _result_fields(criterion: Criterion, result: Result) -> dict[str, Any]:
    if criterion.kind == CriterionKind.QUANTITATIVE:
        return {"actual": result}
    if criterion.kind in (CriterionKind.PASS_FAIL, CriterionKind.VETO):
        return {"passed": result}
    return {"count": result}


def historical_moment(day: date, time_zone: str, hour: int = 17) -> datetime:
    """The demo's time of an event of ``day``: at ``hour`` o'clock in ``time_zone`` (the
    organizer's; the site's when it has none)."""
    zone = ZoneInfo(time_zone or settings.TIME_ZONE)
    return datetime.combine(day, time(hour), tzinfo=zone)


def _review_days(point: ReviewPoint, time_zone: str) -> dict[str, datetime]:
    """When each step of a review point's run happens: the units report a few days after
    the period ends, the inspectors, the cluster leader and the committee follow, and
    the ranking is published at the review conference, on the point's due date."""
    gap = (point.due - point.period_end).days
    shares = {"open": 0.05, "report": 0.2, "inspect": 0.45, "review": 0.65, "finalize": 0.85}
    days = {
        step: historical_moment(point.period_end + timedelta(round(gap * share)), time_zone, 10)
        for step, share in shares.items()
    }
    days["publish"] = historical_moment(point.due, time_zone, 11)
    return days


def clock_at(day: date | None, time_zone: str, hour: int) -> AbstractContextManager[object]:
    """The services' clock (core.clock) at ``hour`` o'clock of ``day`` in ``time_zone``:
    the events recorded in the block carry that moment; without a day, now."""
    if day is None:
        return contextlib.nullcontext()
    return clock.fixed(historical_moment(day, time_zone, hour))
