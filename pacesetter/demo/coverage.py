"""The Huadu district's coverage register (case 3): 1,360 demo organizations in its 4
streets and 6 towns (the bench builds 200,000), dated so that the picture of the
15 August 2024 "dual synchronization" meeting and the year of progress since can be seen;
the blind spots of the meeting followed up by key tasks of three of the plan's projects
(``huadu.FOLLOW_UPS``). And the light-industry top-200 enterprises' union coverage
(case 4), kept by the federation of trade unions that keeps the list.

Every organization is demo data (``is_demo``) with a made-up name and a made-up (valid)
credit code: of the Huadu division 440114, and for the top-200 list of division 110000
(Beijing, where the national federation sits; the list's enterprises are all over the
country, the code is only made up). No real enterprise is named as lacking an
organization. The draw is seeded, so every load gives the same register. Written through
the register's services, in audit-deferred blocks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from pacesetter.accounts.models import User
from pacesetter.coverage import rules as rule_engine
from pacesetter.coverage.blind_spots import blind_spots
from pacesetter.coverage.codes import ALPHABET, check_character
from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.follow_ups import follow_ups_create
from pacesetter.coverage.industries import load_classification, shipped_files
from pacesetter.coverage.models import ORGANIZED_FORMS, CoverageKind, Industry, Organization, Site
from pacesetter.coverage.selectors import CoverageFilters
from pacesetter.coverage.services import building_record, organization_register, status_record
from pacesetter.units.models import Unit
from pacesetter.workplans.models import WorkPlan

from .campaigns import clock_at
from .data import huadu, light_industry
from .data import light_industry_delegations as top_200

SEED = 20240815
MEETING = dt.date(2024, 8, 15)
#: The last day of the demo's history (the progress since the meeting runs to it).
UNTIL = dt.date(2025, 11, 30)
CLASSIFICATION = "GB/T 4754-2017"


@dataclass(frozen=True)
class TownPlan:
    code: str
    short: str  # in the demo names
    count: int
    industries: tuple[str, ...]  # GB/T 4754 codes, the first the most common
    site: tuple[str, str, str] | None = None  # kind, zh-hans name, English name


TOWNS: tuple[TownPlan, ...] = (
    TownPlan(
        "HUADU-XINHUA",
        "XH",
        260,
        ("F", "L", "H", "I", "K"),
        ("street", "新华商业街（演示）", "Xinhua commercial street (demo)"),
    ),
    TownPlan(
        "HUADU-XINYA",
        "XY",
        160,
        ("L", "F", "M", "I"),
        ("building", "新雅商务楼宇（演示）", "Xinya commercial buildings (demo)"),
    ),
    TownPlan("HUADU-XIUQUAN", "XQ", 150, ("C", "F", "G", "E")),
    TownPlan("HUADU-HUACHENG", "HC", 140, ("F", "L", "O", "P")),
    TownPlan("HUADU-HUASHAN", "HS", 120, ("36", "C", "29", "G")),
    TownPlan(
        "HUADU-HUADONG",
        "HD",
        160,
        ("56", "G", "39", "C"),
        ("park", "空港经济区（演示）", "Airport economic zone (demo)"),
    ),
    TownPlan("HUADU-TANBU", "TB", 75, ("A", "C", "F")),
    TownPlan("HUADU-CHINI", "CN", 70, ("C", "E", "A")),
    TownPlan(
        "HUADU-SHILING",
        "SL",
        200,
        ("19", "19", "F", "G"),
        ("park", "狮岭皮具产业园（演示）", "Shiling leather goods park (demo)"),
    ),
    TownPlan("HUADU-TIMIAN", "TM", 25, ("A", "H", "O")),
)

KINDS = (
    ("private", 70),
    ("individual", 8),
    ("foreign", 5),
    ("mixed", 2),
    ("social_group", 7),
    ("chamber", 2),
    ("non_enterprise", 5),
    ("foundation", 1),
)
SOCIAL = {"social_group", "chamber", "non_enterprise", "foundation"}


#: The special action of case 4 (since April 2022) up to the Danyang exchange.
ACTION_START, EXCHANGE = dt.date(2022, 4, 1), dt.date(2024, 6, 6)
#: The division of the top-200 list's made-up credit codes (Beijing: a national list).
TOP_200_DIVISION = "110000"


def credit_code(serial: int, division: str = "440114") -> str:
    """A valid, made-up code: authority 9, category 1 (enterprise), a division (Huadu's
    440114 unless told)."""
    body = "91" + division + "".join(ALPHABET[(serial // 31**i) % 31] for i in range(8, -1, -1))
    return body + check_character(body)


def _pick(
    spots: list[Organization], selection: str, count: int, taken: set[int]
) -> list[Organization]:
    """The first ``count`` blind spots of a kind (per town or street for "per_town")."""
    free = [org for org in spots if org.pk not in taken]
    if selection == "standalone":
        rows = [
            org
            for org in free
            if org.party_members_full >= 3 and getattr(org, "form_party", "") != "standalone"
        ]
        return rows[:count]
    if selection == "social_union":
        rows = [
            org
            for org in free
            if org.kind in SOCIAL and getattr(org, "form_union", "") not in ORGANIZED_FORMS
        ]
        return rows[:count]
    per_town: dict[int, list[Organization]] = {}
    for org in free:
        if org.kind not in SOCIAL and len(per_town.setdefault(org.town_id, [])) < count:
            per_town[org.town_id].append(org)
    return [org for rows in per_town.values() for org in rows]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


class CoverageLoader:
    def __init__(self, units: dict[str, Unit], users: dict[str, User]) -> None:
        self.units = units
        self.users = users

    def load(self, *, actor: Any) -> int:
        rng = random.Random(SEED)
        # The migrations make all three; a database built without them (the tests') gets
        # them here (loading again changes nothing).
        ensure_kinds()
        for path in shipped_files():
            load_classification(path)
        for path in rule_engine.shipped_files():
            rule_engine.load_rules(path)
        kinds = {k.code: k for k in CoverageKind.objects.all()}
        industries = {i.code: i for i in Industry.objects.filter(classification=CLASSIFICATION)}
        serial = 0
        for town_plan in TOWNS:
            town = self.units[town_plan.code]
            site = None
            if town_plan.site:
                kind, zh, en = town_plan.site
                site = Site.objects.create(
                    source_language="zh-hans", name_zh_hans=zh, name_en=en, kind=kind, town=town
                )
            for n in range(1, town_plan.count + 1):
                serial += 1
                self.organization(rng, actor, town, town_plan, n, serial, site, kinds, industries)
        serial += self.top_enterprises(actor, kinds, industries)
        return serial

    def top_enterprises(
        self, actor: Any, kinds: dict[str, CoverageKind], industries: dict[str, Industry]
    ) -> int:
        """The light-industry top-200 list (demo data) in the register of the federation
        that keeps it: long-established large enterprises, a trade union founded during
        the special action in all but ``WITHOUT_UNION``; no party or youth league figures
        (not built)."""
        federation = self.units[light_industry.ROOT]
        span = (EXCHANGE - ACTION_START).days
        for n, name in enumerate(top_200.TOP_ENTERPRISES, start=1):
            sector = top_200.SECTORS[(n - 1) % len(top_200.SECTORS)]
            staff = 300 + (n * 373) % 4700
            union = n not in top_200.WITHOUT_UNION
            members = staff * (80 + n % 16) // 100 if union else 0
            org = organization_register(
                actor=actor,
                town=federation,
                kind="foreign" if n % 10 == 0 else "mixed" if n % 25 == 7 else "private",
                registered_on=dt.date(1990 + n % 25, 1 + n % 12, 1 + n % 28),
                source_language="en",
                name_en=name,
                credit_code=credit_code(n, TOP_200_DIVISION),
                industry=industries.get("19" if sector == "leather and footwear" else "C"),
                staff_count=staff,
                revenue_band="100m",
                above_designated_size=True,
                union_members=members,
                is_demo=True,
            )
            if union:
                building_record(
                    actor=actor,
                    organization=org,
                    kind=kinds["union"],
                    on=ACTION_START + dt.timedelta(days=(n * 53) % (span + 1)),
                    form="standalone",
                    member_count=members,
                )
        return len(top_200.TOP_ENTERPRISES)

    def follow_ups(self, plan: WorkPlan) -> int:
        """The blind spots of the 15 August 2024 meeting followed up in the plan: key tasks
        of the projects ``huadu.FOLLOW_UPS`` names, made by the plan's manager through the
        register's follow-up service on the day of the meeting (``clock_at``)."""
        manager = self.users[huadu.PLAN.manager]
        projects = {project.code: project for project in plan.projects.all()}
        rules = list(rule_engine.rules_at(MEETING))
        spots = list(
            blind_spots(manager, CoverageFilters(at=MEETING, town=self.units[huadu.ROOT]), rules)
        )
        chosen: set[int] = set()
        made = 0
        with clock_at(MEETING, huadu.CASE.time_zone, 16):
            for code, selection, count in huadu.FOLLOW_UPS:
                picked = _pick(spots, selection, count, chosen)
                chosen.update(org.pk for org in picked)
                made += len(
                    follow_ups_create(
                        actor=manager,
                        plan=plan,
                        organizations=picked,
                        due=huadu.END,
                        at=MEETING,
                        project=projects[code],
                    )
                )
        return made

    def organization(
        self,
        rng: random.Random,
        actor: Any,
        town: Unit,
        plan: TownPlan,
        n: int,
        serial: int,
        site: Site | None,
        kinds: dict[str, CoverageKind],
        industries: dict[str, Industry],
    ) -> None:
        kind = rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
        social = kind in SOCIAL
        # More recent registrations than old ones: most of the register is young.
        year = rng.choices(range(2012, 2026), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 5])[0]
        registered = _day(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), UNTIL))
        staff = int(
            rng.choice((3, 6, 8, 12, 15, 20, 30, 45, 60, 80, 120, 200, 350))
            * (0.7 + rng.random() * 0.6)
        )
        members = 0
        if staff >= 10 and rng.random() < 0.55:
            members = max(1, min(staff // 12, rng.randint(1, 9)))
        label = "社会组织" if social else "企业"
        org = organization_register(
            actor=actor,
            town=town,
            kind=kind,
            registered_on=registered,
            source_language="zh-hans",
            name_zh_hans=f"花都区演示{label} {plan.short}-{n:04d}",
            name_en=f"Huadu demo {'social organization' if social else 'enterprise'} "
            f"{plan.short}-{n:04d}",
            credit_code=credit_code(serial) if kind != "individual" or rng.random() < 0.8 else "",
            industry=industries.get(rng.choice(plan.industries)),
            site=site if site is not None and rng.random() < 0.35 else None,
            staff_count=staff,
            revenue_band=rng.choice(("lt5m", "lt5m", "5m", "20m", "100m"))
            if staff >= 30
            else "lt5m",
            above_designated_size=staff >= 100,
            investor_is_party_member=members > 0 and rng.random() < 0.3,
            party_members_full=members,
            party_members_probationary=1 if members and rng.random() < 0.2 else 0,
            union_members=0,
            is_demo=True,
        )
        self.party(rng, actor, org, kinds["party"], registered, members)
        self.union(rng, actor, org, kinds["union"], registered, staff)
        if rng.random() < 0.05:
            end = _day(rng, registered + dt.timedelta(days=200), UNTIL)
            if end > registered:
                status_record(actor=actor, organization=org, on=end, status="deregistered")

    def party(
        self,
        rng: random.Random,
        actor: Any,
        org: Any,
        kind: CoverageKind,
        registered: dt.date,
        members: int,
    ) -> None:
        """Before the meeting: older and larger organizations are more often covered.
        After it: the dual-synchronization plan builds in many of the rest, standalone
        where there are 3 members or more, and new ones are built within 90 days."""
        before = min(MEETING, UNTIL)
        if registered < before:
            built_on = _day(rng, registered + dt.timedelta(days=30), before)
            chance = 0.75 if members >= 3 else 0.45 if members else 0.12
            if built_on < before and rng.random() < chance:
                form = (
                    "standalone"
                    if members >= 3 and rng.random() < 0.6
                    else rng.choice(("joint_region", "joint_industry", "joint_unit"))
                )
                building_record(
                    actor=actor,
                    organization=org,
                    kind=kind,
                    on=built_on,
                    form=form,
                    leader_name="",
                    member_count=members,
                )
            elif rng.random() < 0.35:
                building_record(
                    actor=actor,
                    organization=org,
                    kind=kind,
                    on=built_on,
                    form="work_only",
                    instructor_name=f"指导员 {rng.randint(1, 70):02d}",
                )
            else:
                reason = (
                    "no_members"
                    if not members
                    else "too_few"
                    if members < 3
                    else rng.choice(("investor", "no_guidance", "conditions"))
                )
                building_record(
                    actor=actor,
                    organization=org,
                    kind=kind,
                    on=built_on,
                    form="not_built",
                    reason_not_built=reason,
                )
        # The year since the meeting.
        start = max(registered, MEETING) + dt.timedelta(days=1)
        if start >= UNTIL:
            return
        current = (
            org.buildings.filter(kind=kind, valid_to__isnull=True)
            .values_list("form", flat=True)
            .first()
        )
        new_since = registered >= MEETING
        if current in ("not_built", "work_only"):
            chance = 0.6 if new_since else 0.45 if members else 0.15
            if rng.random() < chance:
                window = 90 if new_since else 400
                on = _day(rng, start, min(UNTIL, start + dt.timedelta(days=window)))
                form = "standalone" if members >= 3 else "joint_region"
                building_record(
                    actor=actor,
                    organization=org,
                    kind=kind,
                    on=on,
                    form=form,
                    member_count=members,
                )
        elif (
            current in ("joint_region", "joint_industry", "joint_unit")
            and members >= 3
            and rng.random() < 0.4
        ):
            on = _day(rng, start, UNTIL)
            building_record(
                actor=actor,
                organization=org,
                kind=kind,
                on=on,
                form="standalone",
                member_count=members,
            )

    def union(
        self,
        rng: random.Random,
        actor: Any,
        org: Any,
        kind: CoverageKind,
        registered: dt.date,
        staff: int,
    ) -> None:
        if staff < 10 or rng.random() > (0.8 if staff >= 25 else 0.4):
            return
        on = _day(rng, registered + dt.timedelta(days=20), UNTIL)
        if on <= registered or on > UNTIL:
            return
        form = "standalone" if staff >= 100 or rng.random() < 0.3 else "joint_region"
        members = int(staff * (0.5 + rng.random() * 0.45))
        building_record(
            actor=actor, organization=org, kind=kind, on=on, form=form, member_count=members
        )
        type(org).objects.filter(pk=org.pk).update(union_members=members)
