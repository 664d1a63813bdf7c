"""Loading the demo's awards through the award, ballot and decision services, with the
accounts that would really act: committee staff record decisions and past awards, the
cluster leader drafts, puts to the vote and sends, each member unit's officer casts its
secret ballot, and the committee closes and publishes the vote, accepts and decides."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from io import StringIO

from django.core.files.base import ContentFile
from django.core.management import call_command, get_commands
from django.db.models.fields.files import FieldFile

from pacesetter.accounts.models import User
from pacesetter.awards.models import Award, Proposal, ProposalState
from pacesetter.awards.presets import AwardPreset, Catalog, Rule
from pacesetter.awards.services import (
    award_presets_load,
    eligibility_rule_add,
    grant_record,
    proposal_accept,
    proposal_cluster_vote,
    proposal_decide,
    proposal_from_ranking,
    proposal_nominate,
    proposal_send,
)
from pacesetter.ballots.models import Entitlement, Poll, Vote
from pacesetter.ballots.services import ballot_cast, poll_close, poll_publish
from pacesetter.campaigns.models import Campaign
from pacesetter.clusters.models import Cluster
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone

from .campaigns import clock_at
from .pdf import one_page_pdf
from .specs import AwardSpec, DecisionSpec, GrantHistorySpec, LocalRuleSpec, ProposalSpec

PRESETS_COMMAND = "load_award_presets"
#: The version the audit entries give the demo's own catalog.
FALLBACK_VERSION = "demo fallback"


class AwardLoader:
    def __init__(
        self,
        units: Mapping[str, Unit],
        users: Mapping[str, User],
        clusters: Mapping[str, Cluster],
        campaigns: Mapping[str, Campaign],
    ) -> None:
        self.units = units
        self.users = users
        self.clusters = clusters
        self.campaigns = campaigns
        self.awards: dict[str, Award] = {}
        self.decisions: dict[str, Decision] = {}
        self.proposals: dict[str, Proposal] = {}
        self.stored_files: list[FieldFile] = []

    def load(
        self,
        *,
        catalog: tuple[AwardSpec, ...],
        local_rules: tuple[LocalRuleSpec, ...],
        decisions: tuple[DecisionSpec, ...],
        recorded_by: Mapping[str, str],
        history: tuple[GrantHistorySpec, ...],
        proposals: tuple[ProposalSpec, ...],
    ) -> None:
        self.catalog(catalog)
        for rule in local_rules:
            self.local_rule(rule)
        for spec in decisions:
            self.decision(spec, self.users[recorded_by[spec.key]])
        for grants in history:
            self.history(grants)
        for proposal in proposals:
            self.proposal(proposal)

    # --- the catalog ----------------------------------------------------------------

    def catalog(self, fallback: tuple[AwardSpec, ...]) -> None:
        """The award presets when installed; otherwise the few awards the demo needs
        (created only when missing, so the presets can update them by code later),
        written as a small preset catalog by the same service."""
        if PRESETS_COMMAND in get_commands():
            call_command(PRESETS_COMMAND, stdout=StringIO())
        missing: dict[str, list[AwardPreset]] = {}
        for spec in fallback:
            award = self._find(spec)
            if award is None:
                missing.setdefault(spec.preset, []).append(_preset(spec))
            else:
                self.awards[spec.code] = award
        if missing:
            award_presets_load(
                actor=None,
                catalogs=[
                    Catalog(name=preset, version=FALLBACK_VERSION, awards=tuple(items))
                    for preset, items in missing.items()
                ],
            )
            for spec in fallback:
                self.awards.setdefault(spec.code, Award.objects.get(code=spec.code))

    def _find(self, spec: AwardSpec) -> Award | None:
        """The award under its code, from the presets or an earlier load."""
        return Award.objects.filter(code=spec.code).first()

    def local_rule(self, spec: LocalRuleSpec) -> None:
        award = self.awards[spec.award]
        if not award.rules.filter(valid_from=spec.valid_from).exists():
            eligibility_rule_add(
                actor=self.users[spec.author],
                award=award,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
                rule=spec.rule,
                description=spec.description,
            )

    # --- decisions and past awards --------------------------------------------------

    def decision(self, spec: DecisionSpec, actor: User) -> Decision:
        file = None
        if spec.file_name:
            file = ContentFile(one_page_pdf(spec.file_lines), name=spec.file_name)
        decision = decision_create(
            actor=actor,
            owner_unit=self.units[spec.recorded_by],
            number=spec.number,
            date=spec.date,
            issuer=spec.issuer,
            title=spec.title,
            signer_title=spec.signer_title,
            file=file,
        )
        if decision.file.name:
            self.stored_files.append(decision.file)
        self.decisions[spec.key] = decision
        return decision

    def history(self, spec: GrantHistorySpec) -> None:
        decision = self.decisions[spec.decision]
        for number, code in enumerate(spec.units, start=1):
            grant_record(
                actor=self.users[spec.recorded_by],
                award=self.awards[spec.award],
                decision=decision,
                year=spec.year,
                unit=self.units[code],
                achievement=spec.achievement,
                certificate_number=f"{decision.number}/{number:03d}",
            )

    # --- proposals ------------------------------------------------------------------

    def proposal(self, spec: ProposalSpec) -> Proposal:
        proposer = self.users[spec.proposed_by]
        staff = self.users[spec.committee_staff]
        if spec.review_point:
            campaign = self.campaigns[spec.campaign]
            proposal = proposal_from_ranking(
                actor=proposer,
                award=self.awards[spec.award],
                review_point=campaign.review_points.get(code=spec.review_point),
                cluster=self.clusters[spec.cluster],
                decision_date=spec.decision_date,
                committee_unit=self.units[spec.committee],
                proposer_unit=self.units[spec.proposer],
                achievement_report=spec.achievement_report,
            )
        else:
            assert spec.year is not None
            proposal = proposal_nominate(
                actor=proposer,
                award=self.awards[spec.award],
                year=spec.year,
                decision_date=spec.decision_date,
                committee_unit=self.units[spec.committee],
                proposer_unit=self.units[spec.proposer],
                units=[self.units[code] for code in spec.units],
                achievement=spec.achievement,
                achievement_key=spec.achievement_key,
                achievement_report=spec.achievement_report,
            )
        if spec.cluster_vote:
            with clock_at(spec.voted_on, unit_time_zone(self.units[spec.proposer]), 9):
                proposal = proposal_cluster_vote(actor=proposer, proposal=proposal)
            self.vote(proposal, spec, staff)
            # proposal_send reads the poll through the instance it is given: a fresh one.
            proposal = Proposal.objects.get(pk=proposal.pk)
        steps: list[tuple[str, Callable[[], Proposal]]] = [
            (ProposalState.SENT, lambda: proposal_send(actor=proposer, proposal=proposal)),
            (ProposalState.ACCEPTED, lambda: proposal_accept(actor=staff, proposal=proposal)),
        ]
        for state, step in steps if spec.until != ProposalState.DRAFT else []:
            proposal = step()
            if spec.until == state:
                break
        if spec.until == ProposalState.DECIDED:
            proposal_decide(actor=staff, proposal=proposal, decision=self.decisions[spec.decision])
            proposal = Proposal.objects.get(pk=proposal.pk)
        self.proposals[spec.key] = proposal
        return proposal

    def vote(self, proposal: Proposal, spec: ProposalSpec, manager: User) -> Poll:
        """Each entitled account casts its secret ballot, then the committee closes the
        poll and publishes the tally."""
        poll = proposal.cluster_poll
        assert poll is not None
        code_of = {unit.pk: code for code, unit in self.units.items()}
        candidates = {
            str(candidate): code_of[candidate.unit_id]
            for candidate in proposal.candidates.select_related("unit")
            if candidate.unit_id is not None
        }
        options = list(poll.options.all())
        voters = (
            Entitlement.objects.filter(poll=poll)
            .select_related("voter")
            .order_by("voter__username")
        )
        for entitlement in voters:
            mine = spec.votes.get(entitlement.voter.username, {})
            ballot_cast(
                voter=entitlement.voter,
                poll=poll,
                choices={
                    option.pk: mine.get(candidates.get(option.label, ""), Vote.YES)
                    for option in options
                },
            )
        with clock_at(spec.voted_on, unit_time_zone(self.units[spec.proposer]), 16):
            poll = poll_close(actor=manager, poll=poll)
            return poll_publish(actor=manager, poll=poll)


def _preset(spec: AwardSpec) -> AwardPreset:
    """The demo's award as an entry of a preset catalog."""
    rules: tuple[Rule, ...] = ()
    if spec.rule is not None and spec.rule_from is not None:
        rules = (
            Rule(valid_from=spec.rule_from, rule=spec.rule, description=spec.rule_description),
        )
    return AwardPreset(
        code=spec.code,
        # The demo's data stays English (its source) until slice 7 of docs/translations.md.
        source_language="en",
        name={
            lang: text
            for lang, text in (("en", spec.name), ("vi", spec.name_vi), ("zh-hans", spec.name_zh))
            if text
        },
        level=spec.level,
        recipient_kind=spec.recipient_kind,
        issuer={"en": spec.issuer},
        rules=rules,
        quota_count=spec.quota_count,
        quota_percent=spec.quota_percent,
    )
