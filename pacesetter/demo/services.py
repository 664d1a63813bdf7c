"""Loading the demo: the five real cases of the product brief, built only through the
domain services so every unit, decision, cluster, body and role has its audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from pacesetter.accounts.models import User
from pacesetter.accounts.services import role_grant
from pacesetter.bodies.models import Body
from pacesetter.bodies.services import body_create, body_member_add, body_term_create
from pacesetter.campaigns.services import campaign_publicity_set
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.services import cluster_create, cluster_leader_set, cluster_member_add
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.units.models import Unit, UnitType
from pacesetter.units.services import unit_create, unit_publicity_set, unit_type_create

from .awards import AwardLoader
from .campaigns import CampaignLoader
from .coverage import CoverageLoader
from .data import (
    ADMIN_USERNAME,
    AWARD_CATALOG,
    AWARD_DECISIONS,
    AWARD_HISTORY,
    AWARD_LOCAL_RULES,
    AWARD_PROPOSALS,
    BODY_POLLS,
    CAMPAIGNS,
    CASES,
    CHAINS,
    DECISION_RECORDED_BY,
    DEMO_PASSWORD,
    MARKER_UNIT_CODE,
    MEETINGS,
    PLANS,
    TABLES,
    UNIT_TYPES,
)
from .data.huadu import PLAN_KEY as HUADU_PLAN_KEY
from .data.huadu import ROOT as HUADU_ROOT
from .data.thanh_hoa import COMMITTEE as THANH_HOA_COMMITTEE
from .keywork import KeyWorkLoader
from .pdf import one_page_pdf
from .polls import body_poll
from .practices import PracticeLoader
from .specs import (
    AccountSpec,
    BodySpec,
    CaseSpec,
    ClusterSpec,
    DecisionSpec,
    UnitSpec,
    UnitTypeSpec,
    source_of,
)

#: The demo's public campaign (docs/public.md).
PUBLIC_CAMPAIGN = "TH-C18-2024"


def demo_is_loaded() -> bool:
    return Unit.objects.filter(code=MARKER_UNIT_CODE).exists()


def demo_load() -> bool:
    """Load every case in one transaction; return False, writing nothing, if already loaded.

    Refuses (ValidationError) when a demo account name is already taken, rather than
    reset someone's password.
    """
    loader = _Loader()
    try:
        with transaction.atomic():
            if demo_is_loaded():
                return False
            loader.load()
    except BaseException:
        loader.delete_stored_files()  # the files a rolled-back transaction leaves behind
        raise
    return True


class _Loader:
    def __init__(self) -> None:
        # Every change is made by the demo's administrator, so the audit log says who
        # set the demo up (and decision_create needs a person for ``created_by``).
        self.actor: User | None = None
        self.unit_types: dict[str, UnitType] = {}
        self.units: dict[str, Unit] = {}
        self.users: dict[str, User] = {}
        self.decisions: dict[str, Decision] = {}
        self.clusters: dict[str, Cluster] = {}
        self.bodies: dict[str, Body] = {}
        self.campaigns = CampaignLoader(self.units, self.users, self.clusters)
        self.awards = AwardLoader(self.units, self.users, self.clusters, self.campaigns.campaigns)
        self.key_work = KeyWorkLoader(self.units, self.users, self.bodies)

    def load(self) -> None:
        self.actor = self.new_user(ADMIN_USERNAME)
        self.actor.is_staff = self.actor.is_superuser = True
        self.actor.save(update_fields=["is_staff", "is_superuser"])
        for spec in UNIT_TYPES:
            self.unit_type(spec)
        for case in CASES:
            self.load_case(case)
        for table in TABLES:
            self.campaigns.table(table, actor=self.users[table.author])
        for campaign in CAMPAIGNS:
            self.campaigns.campaign(campaign)
        self.awards.load(
            catalog=AWARD_CATALOG,
            local_rules=AWARD_LOCAL_RULES,
            decisions=AWARD_DECISIONS,
            recorded_by=DECISION_RECORDED_BY,
            history=AWARD_HISTORY,
            proposals=AWARD_PROPOSALS,
        )
        for poll in BODY_POLLS:
            body_poll(poll, bodies=self.bodies, units=self.units, users=self.users)
        self.key_work.load(actor=self.actor, chains=CHAINS, plans=PLANS, meetings_=MEETINGS)
        coverage = CoverageLoader(self.units, self.users)
        coverage.load(actor=self.actor)
        # The follow-up tasks go into the dual-synchronization plan while it is open.
        coverage.follow_ups(self.key_work.plans[HUADU_PLAN_KEY])
        # Two adoptions put a key task into a plan: while it is open.
        PracticeLoader(self.units, self.users).load(
            actor=self.actor,
            campaigns=self.campaigns.campaigns,
            meetings=self.key_work.meetings,
            plans=self.key_work.plans,
        )
        self.key_work.close_past_plans()
        self.publish()

    def publish(self) -> None:
        """What ``/public/`` shows: cluster 18's 2024 campaign (its published rankings),
        the Thanh Hoa committee's award registry, and Huadu's coverage rates."""
        campaign_publicity_set(
            actor=self.actor, campaign=self.campaigns.campaigns[PUBLIC_CAMPAIGN], public=True
        )
        unit_publicity_set(actor=self.actor, unit=self.units[THANH_HOA_COMMITTEE], awards=True)
        unit_publicity_set(actor=self.actor, unit=self.units[HUADU_ROOT], coverage=True)

    def load_case(self, case: CaseSpec) -> None:
        self.unit(case.root, parent=None, time_zone=case.time_zone, country=case.country)
        for account in case.accounts:
            self.new_user(account.username)
        for decision in case.decisions:
            self.decision(decision)
        for cluster in case.clusters:
            self.cluster(cluster)
        for body in case.bodies:
            self.body(body)
        for account in case.accounts:
            self.grant(account)

    def unit_type(self, spec: UnitTypeSpec) -> None:
        # A database with real data may already have the type; the demo shares it.
        existing = UnitType.objects.filter(code=spec.code).first()
        self.unit_types[spec.code] = existing or unit_type_create(
            actor=self.actor,
            code=spec.code,
            name=spec.name,
            description=spec.description,
            source_language=source_of(spec.name, spec.description),
        )

    def unit(
        self, spec: UnitSpec, parent: Unit | None, time_zone: str = "", country: str = ""
    ) -> None:
        unit = unit_create(
            actor=self.actor,
            parent=parent,
            code=spec.code,
            name=spec.name,
            unit_type=self.unit_types[spec.unit_type],
            short_name=spec.short_name,
            ownership_type=spec.ownership_type,
            industry=spec.industry,
            area=spec.area,
            time_zone=time_zone,
            country=country,
            source_language=source_of(spec.name, spec.short_name, spec.industry, spec.area),
        )
        self.units[spec.code] = unit
        for child in spec.children:
            self.unit(child, parent=unit)

    def new_user(self, username: str) -> User:
        if User.objects.filter(username=username).exists():
            raise ValidationError(
                f"The account {username} already exists; load the demo into an empty database."
            )
        # example.org is reserved for examples: reminder mails to these addresses show in
        # the demo's console and can reach nobody.
        user = User.objects.create_user(username=username, email=f"{username}@example.org")
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        self.users[username] = user
        return user

    def decision(self, spec: DecisionSpec) -> None:
        file = None
        if spec.file_name:
            file = ContentFile(one_page_pdf(spec.file_lines), name=spec.file_name)
        self.decisions[spec.key] = decision_create(
            actor=self.actor,
            owner_unit=self.units[spec.recorded_by],
            number=spec.number,
            date=spec.date,
            issuer=spec.issuer,
            title=spec.title,
            signer_title=spec.signer_title,
            signed_for=spec.signed_for or None,
            place=spec.place or None,
            file=file,
            source_language=source_of(
                spec.issuer, spec.title, spec.signer_title, spec.signed_for, spec.place
            ),
        )

    def cluster(self, spec: ClusterSpec) -> None:
        cluster = cluster_create(
            actor=self.actor,
            owner_unit=self.units[spec.owner],
            code=spec.code,
            name=spec.name,
            decision=self.decisions[spec.decision] if spec.decision else None,
            description=spec.description,
            source_language=source_of(spec.name, spec.description),
        )
        for code in spec.members:
            cluster_member_add(
                actor=self.actor, cluster=cluster, unit=self.units[code], start=spec.members_from
            )
        for leader in spec.leaders:
            cluster_leader_set(
                actor=self.actor,
                cluster=cluster,
                year=leader.year,
                role=leader.role,
                unit=self.units[leader.unit],
                assigned_on=leader.assigned_on,
            )
        self.clusters[spec.code] = cluster

    def body(self, spec: BodySpec) -> None:
        body = body_create(
            actor=self.actor,
            owner_unit=self.units[spec.owner],
            name=spec.name,
            kind=spec.kind,
            description=spec.description,
            source_language=source_of(spec.name, spec.description),
        )
        term = None
        if spec.term is not None:
            term = body_term_create(
                actor=self.actor,
                body=body,
                name=spec.term.name,
                source_language=source_of(spec.term.name),
                start=spec.term.start,
                end=spec.term.end,
            )
        for seat in spec.seats:
            body_member_add(
                actor=self.actor,
                body=body,
                term=term,
                start=seat.start,
                unit=self.units[seat.unit] if seat.unit else None,
                user=self.users[seat.username] if seat.username else None,
                position=seat.position,
            )
        self.bodies[spec.key] = body

    def grant(self, account: AccountSpec) -> None:
        for grant in account.grants:
            scope: dict[str, Any] = {}
            if grant.unit:
                scope["unit"] = self.units[grant.unit]
            if grant.cluster:
                scope["cluster"] = self.clusters[grant.cluster]
            if grant.body:
                scope["body"] = self.bodies[grant.body]
            role_grant(
                actor=self.actor, user=self.users[account.username], role=grant.role, **scope
            )

    def delete_stored_files(self) -> None:
        for decision in self.decisions.values():
            if decision.file.name:
                decision.file.storage.delete(decision.file.name)
        for file in [*self.campaigns.stored_files, *self.awards.stored_files]:
            if file.name:
                file.storage.delete(file.name)
