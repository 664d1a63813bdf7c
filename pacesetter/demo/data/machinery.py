"""Case 5: research visit of the China machinery, metallurgy and building-materials trade
union to Hunan enterprises, 31 August to 2 September 2020.

The report names Xiangdian and Xianggang "and others"; the third enterprise union
carries a descriptive name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind
from pacesetter.demo.specs import (
    AccountSpec,
    BodySpec,
    CaseSpec,
    FindingSpec,
    GrantSpec,
    InviteeGroupSpec,
    KeyTaskSpec,
    MeetingSpec,
    PlanSpec,
    T,
    Txt,
    UnitSpec,
)
from pacesetter.units.models import OwnershipType

ROOT = "MMB-TU"
XIANGDIAN = "MMB-XIANGDIAN"


def _enterprise_union(code: str, name: Txt, short: str, industry: str, area: Txt) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "grassroots-union",
        short_name=short,
        ownership_type=OwnershipType.NON_PROFIT,
        industry=industry,
        area=area,
    )


ROOT_UNIT = UnitSpec(
    ROOT,
    T(
        zh_hans="中国机械冶金建材工会",
        en="China Machinery, Metallurgy and Building Materials Trade Union",
    ),
    "trade-union",
    ownership_type=OwnershipType.NON_PROFIT,
    area="Beijing",
    children=(
        _enterprise_union(
            XIANGDIAN,
            "Xiangdian (Xiangtan Electric) trade union",
            "Xiangdian",
            "Electrical machinery",
            "Xiangtan, Hunan",
        ),
        _enterprise_union(
            "MMB-XIANGGANG",
            "Xianggang (Xiangtan Iron and Steel) trade union",
            "Xianggang",
            "Iron and steel",
            "Xiangtan, Hunan",
        ),
        _enterprise_union(
            "MMB-HUNAN-BM",
            "Hunan building-materials enterprise trade union",
            "",
            "Building materials",
            "Hunan",
        ),
    ),
)

#: The union's standing committee keeps the plan of follow-up tasks (assumption: the
#: report does not say which body followed up the visit).
STANDING_COMMITTEE = BodySpec(
    key="MMB-STANDING",
    name=T(
        zh_hans="中国机械冶金建材工会常务委员会",
        en="Standing committee of the China Machinery, Metallurgy and Building Materials "
        "Trade Union",
    ),
    kind=BodyKind.COMMITTEE,
    owner=ROOT,
)

#: Where each Chinese name comes from ("unconfirmed: ..." when not checked; such
#: records keep English as their source).
NAME_NOTES: dict[str, str] = {
    ROOT: "the union's own name (中国机械冶金建材工会)",
    "MMB-STANDING": "demo assumption: the body that follows the visit up",
}


CASE = CaseSpec(
    title="Machinery, metallurgy and building materials: Hunan research visit, 2020",
    root=ROOT_UNIT,
    time_zone="Asia/Shanghai",
    country="CN",
    bodies=(STANDING_COMMITTEE,),
    accounts=(
        AccountSpec("staff.machinery", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.xiangdian", (GrantSpec(Role.UNIT_OFFICER, unit=XIANGDIAN),)),
    ),
)


# --- The research visit and its follow-up tasks -------------------------------------
# The findings restate the report's requests per enterprise; progress is demo data.

PLAN_KEY = "MMB-2020-FOLLOW-UP"
START, END = date(2020, 9, 3), date(2020, 12, 31)

PLAN = PlanSpec(
    key=PLAN_KEY,
    body=STANDING_COMMITTEE.key,
    name=T(zh_hans="2020年湖南调研后续工作", en="Follow-up of the Hunan research visit, 2020"),
    kind="half_year",
    start=date(2020, 7, 1),
    end=END,
    manager="staff.machinery",
)


def _follow_up(
    code: str, title: Txt, lead: str, scope: Txt, measures: Txt, **kwargs: Any
) -> KeyTaskSpec:
    return KeyTaskSpec(
        code, title, lead, start=START, due=END, scope=scope, measures=measures, **kwargs
    )


VISIT = MeetingSpec(
    key="MMB-HUNAN-VISIT-2020",
    kind="research_visit",
    title="Research visit to Hunan enterprises",
    organizer=ROOT,
    organized_by="staff.machinery",
    starts_at="2020-08-31T08:30",
    ends_at="2020-09-02T17:00",
    place="Hunan (Xiangtan and other cities)",
    chair="Chairman of the China Machinery, Metallurgy and Building Materials Trade Union",
    description="The chairman and a research team visited enterprises on the resumption of "
    "production, building the industrial workforce and union reform.",
    topics=(
        "Resumption of production",
        "Building the industrial workforce",
        "Trade-union reform",
    ),
    groups=(
        InviteeGroupSpec("Chairman of the trade union", 1, 1, role="team"),
        InviteeGroupSpec("Research team member", 4, 4, role="team"),
    ),
    visited=(XIANGDIAN, "MMB-XIANGGANG", "MMB-HUNAN-BM"),
    follow_up_plan=PLAN_KEY,
    findings=(
        FindingSpec(
            XIANGDIAN,
            "Building the industrial workforce",
            "Asked for model-worker innovation platforms to carry skills and inventions "
            "from the best workers to their teams.",
            _follow_up(
                "F1",
                T(zh_hans="搭建劳模创新平台", en="Set up model-worker innovation platforms"),
                XIANGDIAN,
                T(
                    zh_hans="企业劳模及其团队。",
                    en="The enterprise's model workers and their teams.",
                ),
                T(
                    zh_hans="每个车间建立一个由劳模领衔的平台；记录成果。",
                    en="A platform per workshop led by a model worker; results recorded.",
                ),
                progress=60,
            ),
        ),
        FindingSpec(
            "MMB-XIANGGANG",
            "Building the industrial workforce",
            "Asked for master-apprentice pairs to pass on skills to young workers.",
            _follow_up(
                "F2",
                T(zh_hans="签订师徒结对协议", en="Sign master-apprentice pairs"),
                "MMB-XIANGGANG",
                T(zh_hans="生产线青年职工。", en="Young workers of the production lines."),
                T(
                    zh_hans="结对明确目标；年终考评。",
                    en="Pairs signed with goals; reviewed at year-end.",
                ),
                done_on=date(2020, 12, 15),
                outcome=("good", "Pairs signed in every production line."),
            ),
        ),
        FindingSpec(
            "MMB-HUNAN-BM",
            "Resumption of production",
            "Asked for employee innovation to support the resumption of production.",
            _follow_up(
                "F3",
                T(zh_hans="开展职工创新活动", en="Run an employee innovation drive"),
                "MMB-HUNAN-BM",
                T(
                    zh_hans="职工关于生产和安全的合理化建议。",
                    en="Proposals from employees on production and safety.",
                ),
                T(zh_hans="合理化建议制度，设立奖励。", en="Proposal scheme with awards."),
                progress=40,
            ),
        ),
        FindingSpec(
            XIANGDIAN,
            "Trade-union reform",
            "Asked for stronger grassroots unions.",
            _follow_up(
                "F4",
                T(
                    zh_hans="加强调研企业基层工会建设",
                    en="Strengthen the grassroots unions of the visited enterprises",
                ),
                ROOT,
                T(zh_hans="调研企业的工会。", en="The unions of the visited enterprises."),
                T(
                    zh_hans="工会改革指导和工会干部培训。",
                    en="Union reform guidance and training of union officers.",
                ),
                supporting=(XIANGDIAN, "MMB-XIANGGANG", "MMB-HUNAN-BM"),
                progress=50,
            ),
        ),
    ),
)
