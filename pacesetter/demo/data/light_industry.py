"""Case 4: light-industry "industrial workforce reform" special action, demonstration
exchange, 6 June 2024, Danyang, Jiangsu.

The action has run since April 2022 with pilot units at every level; Danyang and Linhai
municipal federations of trade unions are among them. The report names no enterprise,
so the enterprise unions carry descriptive names (Danyang and Linhai are eyewear towns).

Assumption: pilot membership starts on 1 April 2022 (the report gives only the month).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind
from pacesetter.campaigns.models import CampaignKind
from pacesetter.demo.specs import (
    AccountSpec,
    AgendaSpec,
    BodySpec,
    CampaignSpec,
    CaseSpec,
    ClusterSpec,
    CriterionSpec,
    GrantSpec,
    InviteeGroupSpec,
    KeyTaskSpec,
    MeetingSpec,
    PactSpec,
    PhaseSpec,
    PlanSpec,
    ResolutionSpec,
    ReviewPointSpec,
    T,
    TableSpec,
    TargetSpec,
    Txt,
    UnitSpec,
)
from pacesetter.scoring.models import CriterionKind
from pacesetter.units.models import OwnershipType

from . import light_industry_delegations as delegations

ROOT = "LIGHT-TU"
DANYANG = "LIGHT-DANYANG"
LINHAI = "LIGHT-LINHAI"
#: A pilot enterprise's work team, nominated for the Worker Pioneer award (demo).
TEAM = "LIGHT-DANYANG-E1-T1"


def _union(code: str, name: Txt, unit_type: str, area: Txt, *children: UnitSpec) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        unit_type,
        ownership_type=OwnershipType.NON_PROFIT,
        industry="Light industry",
        area=area,
        children=children,
    )


ROOT_UNIT = _union(
    ROOT,
    T(en="China Light Industry Federation of Trade Unions", zh_hans="中国轻工业工会"),
    "trade-union",
    "Beijing",
    _union(
        DANYANG,
        T(zh_hans="丹阳市总工会", en="Danyang Municipal Federation of Trade Unions"),
        "trade-union",
        "Danyang, Jiangsu",
        _union(
            "LIGHT-DANYANG-E1",
            "Danyang eyewear enterprise trade union No. 1",
            "grassroots-union",
            "Danyang, Jiangsu",
            UnitSpec(
                TEAM,
                "Danyang eyewear enterprise No. 1 — lens processing team",
                "team",
                industry="Light industry",
                area="Danyang, Jiangsu",
            ),
        ),
    ),
    _union(
        LINHAI,
        T(zh_hans="临海市总工会", en="Linhai Municipal Federation of Trade Unions"),
        "trade-union",
        "Linhai, Zhejiang",
        _union(
            "LIGHT-LINHAI-E1",
            "Linhai eyewear enterprise trade union No. 1",
            "grassroots-union",
            "Linhai, Zhejiang",
        ),
    ),
    # The other units that presented or exchanged experience at Danyang (not named).
    *delegations.PRESENTING_UNITS,
    *delegations.EXCHANGING_UNITS,
)

PILOTS = ClusterSpec(
    code="LIGHT-PILOTS",
    name="Industrial workforce reform special action — pilot units",
    owner=ROOT,
    description="Light-industry special action running since April 2022; demonstration "
    "exchange on 6 June 2024 in Danyang, Jiangsu, with nearly 300 participants.",
    members=(DANYANG, LINHAI, "LIGHT-DANYANG-E1", "LIGHT-LINHAI-E1"),
    members_from=date(2022, 4, 1),
)

#: The Danyang federation's standing committee keeps the plan of the tasks the exchange
#: resolved (assumption: the report does not say which body follows them up).
DANYANG_COMMITTEE = BodySpec(
    key="LIGHT-DANYANG-STANDING",
    name=T(
        zh_hans="丹阳市总工会常务委员会",
        en="Standing committee of the Danyang Municipal Federation of Trade Unions",
    ),
    kind=BodyKind.COMMITTEE,
    owner=DANYANG,
)

#: Where each Chinese name comes from ("unconfirmed: ..." when not checked against the
#: body's own publications; such records keep English as their source).
NAME_NOTES: dict[str, str] = {
    DANYANG: "the body's own name (丹阳市总工会)",
    LINHAI: "the body's own name (临海市总工会)",
    ROOT: "unconfirmed: the national union for light industry may be 中国财贸轻纺烟草工会; "
    "source kept English",
    "LIGHT-DANYANG-STANDING": "demo assumption: the body that follows the exchange up",
}

CASE = CaseSpec(
    title="Light industry: industrial workforce reform special action, 6 June 2024",
    root=ROOT_UNIT,
    time_zone="Asia/Shanghai",
    country="CN",
    clusters=(PILOTS,),
    bodies=(DANYANG_COMMITTEE,),
    accounts=(
        AccountSpec("staff.lightindustry", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.danyang", (GrantSpec(Role.UNIT_OFFICER, unit=DANYANG),)),
        AccountSpec("officer.linhai", (GrantSpec(Role.UNIT_OFFICER, unit=LINHAI),)),
    ),
)

# --- the special action as a campaign ----------------------------------------------------
# Assumptions: the pilot units' commitments were signed at the end of April 2022 and the
# action runs until the end of 2025; the assessment table is a demo table, and the skill
# targets are demo figures, not data from the report.

PILOT_UNITS = (DANYANG, "LIGHT-DANYANG-E1", LINHAI, "LIGHT-LINHAI-E1")

TABLE = TableSpec(
    key="LIGHT-REFORM",
    name="Industrial workforce reform special action — pilot assessment",
    owner=ROOT,
    year=2022,
    adopted_on=date(2022, 3, 25),  # a demo date, before the action began in April 2022
    criteria=(
        CriterionSpec("R", "Reform tasks", CriterionKind.GROUP, 100, D(100)),
        CriterionSpec(
            "R.1",
            "Reform work plan adopted and a leading group set up",
            CriterionKind.PASS_FAIL,
            110,
            D(20),
            parent="R",
        ),
        CriterionSpec(
            "R.2",
            "Model-worker and craftsman innovation studios set up",
            CriterionKind.COUNT,
            120,
            D(30),
            parent="R",
            points_per_item=D(10),
            measure="studios",
        ),
        CriterionSpec(
            "R.3",
            "Workers trained to a higher skill grade",
            CriterionKind.QUANTITATIVE,
            130,
            D(30),
            parent="R",
            measure="workers",
        ),
        CriterionSpec(
            "R.4",
            "Master-apprentice pairs signed",
            CriterionKind.COUNT,
            140,
            D(20),
            parent="R",
            points_per_item=D(2),
            measure="pairs",
        ),
    ),
    author="staff.lightindustry",
)

SPECIAL_ACTION = CampaignSpec(
    code="LIGHT-REFORM",
    name="Industrial workforce reform special action",
    kind=CampaignKind.SPECIAL_ACTION,
    organizer=ROOT,
    start=date(2022, 4, 1),
    end=date(2025, 12, 31),
    table=TABLE.key,
    staff="staff.lightindustry",
    officers={
        DANYANG: "officer.danyang",
        "LIGHT-DANYANG-E1": "officer.danyang",
        LINHAI: "officer.linhai",
        "LIGHT-LINHAI-E1": "officer.linhai",
    },
    description="Light-industry special action for the reform of the industrial workforce, "
    "run since April 2022 with pilot units at every level and carried by the top 200 "
    "light-industry enterprises; demonstration exchange on 6 June 2024 in Danyang, Jiangsu.",
    phases=(
        PhaseSpec("Pilot units", date(2022, 4, 1), date(2023, 12, 31)),
        PhaseSpec(
            "Extension to the top 200 light-industry enterprises",
            date(2024, 1, 1),
            date(2025, 12, 31),
        ),
    ),
    review_points=(
        ReviewPointSpec(
            "x2024", "Demonstration exchange, Danyang", date(2024, 5, 31), date(2024, 6, 6)
        ),
        ReviewPointSpec("y2024", "2024 review", date(2024, 12, 31), date(2025, 1, 31)),
    ),
    pilots=tuple((unit, PILOTS.code) for unit in PILOT_UNITS),
    targets={
        DANYANG: (TargetSpec("R.3", D(1200)),),
        "LIGHT-DANYANG-E1": (TargetSpec("R.3", D(150)),),
        LINHAI: (TargetSpec("R.3", D(900)),),
        "LIGHT-LINHAI-E1": (TargetSpec("R.3", D(120)),),
    },
    pact=PactSpec(PILOTS.code, date(2022, 4, 29), ROOT, "staff.lightindustry"),
)


# --- The demonstration exchange of 6 June 2024 in Danyang ----------------------------
# Nearly 300 participants: the delegations of the 9 units that presented (Danyang's
# federation among them), of the 42 that exchanged experience (Linhai's among them) and
# of the top 200 enterprises that carry the action (a demo list), and labour models: see
# light_industry_delegations.py for what the report names and what it does not.

PLAN_KEY = "LIGHT-DANYANG-2024H2"
FOLLOW_START, FOLLOW_END = date(2024, 7, 1), date(2024, 12, 31)

#: The Danyang federation's plan, where the exchange's resolution puts its tasks (demo
#: data; English source, as the meeting's texts still are).
PLAN = PlanSpec(
    key=PLAN_KEY,
    body=DANYANG_COMMITTEE.key,
    name=T(
        en="Industrial workforce reform: Danyang follow-up, second half of 2024",
        zh_hans="产业工人队伍建设改革：丹阳市2024年下半年落实工作",
    ),
    kind="half_year",
    start=date(2024, 7, 1),
    end=FOLLOW_END,
    manager="staff.lightindustry",
)

EXCHANGE = MeetingSpec(
    key="LIGHT-EXCHANGE-2024",
    kind="exchange",
    title="Industrial workforce reform: demonstration exchange in Danyang",
    organizer=ROOT,
    organized_by="staff.lightindustry",
    starts_at="2024-06-06T08:30",
    ends_at="2024-06-06T17:30",
    place="Danyang, Jiangsu",
    chair="China Light Industry Federation of Trade Unions",
    description="On-site exchange of the special action running since April 2022; "
    "labour-model representatives issued an initiative.",
    delegations=delegations.delegations(DANYANG, LINHAI),
    # The labour models are people the report does not name (no personal data).
    groups=(InviteeGroupSpec("Labour-model representative", 20, 20),),
    agenda=(
        AgendaSpec("On-site visits to pilot enterprises in Danyang", 120),
        AgendaSpec(
            "Experience of the 9 presenting units",
            90,
            children=(
                AgendaSpec(
                    "Danyang Municipal Federation of Trade Unions", 15, speaker_unit=DANYANG
                ),
            ),
        ),
        AgendaSpec(
            "Exchange among the 42 units",
            90,
            children=(
                AgendaSpec("Linhai Municipal Federation of Trade Unions", 10, speaker_unit=LINHAI),
            ),
        ),
        AgendaSpec(
            "Initiative of the labour-model representatives", 15, "Labour-model representatives"
        ),
        AgendaSpec("Summary and next steps of the special action", 30),
    ),
    resolutions=(
        ResolutionSpec(
            "The exchange asks the Danyang federation to spread the pilot enterprises' "
            "practice and to carry out the labour models' initiative in the second half of 2024.",
            plan=PLAN_KEY,
            tasks=(
                KeyTaskSpec(
                    "DY-1",
                    T(
                        zh_hans="将试点企业技能提升经验推广到丹阳眼镜企业",
                        en="Spread the pilot enterprises' skill-upgrading practice to Danyang's "
                        "eyewear enterprises",
                    ),
                    DANYANG,
                    FOLLOW_START,
                    FOLLOW_END,
                    scope=T(zh_hans="丹阳市眼镜企业", en="Eyewear enterprises of Danyang"),
                    measures=T(
                        zh_hans="现场交流；编印经验手册", en="On-site exchanges; a practice booklet"
                    ),
                    supporting=("LIGHT-DANYANG-E1",),
                    progress=D(60),
                ),
                KeyTaskSpec(
                    "DY-2",
                    T(
                        zh_hans="落实劳模代表倡议",
                        en="Carry out the labour-model representatives' initiative",
                    ),
                    DANYANG,
                    FOLLOW_START,
                    FOLLOW_END,
                    measures=T(
                        zh_hans="劳模工作室各结对带徒一对",
                        en="Model-worker studios take one apprentice pair each",
                    ),
                    progress=D(40),
                ),
            ),
        ),
    ),
)
