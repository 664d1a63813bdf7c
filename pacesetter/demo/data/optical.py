"""Case 2: China Optical Association, meeting of the 9th standing council,
26 May 2021, Changsha, Hunan.

Over 100 attendees came from standing director units, the board of supervisors and
local associations and chambers. The report names no enterprise, so the standing
director units carry descriptive names.

Assumption: the 9th term started on 1 January 2019 (the report only shows the term was
running in May 2021); the board of supervisors shares the term.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind, MemberPosition
from pacesetter.demo.specs import (
    AccountSpec,
    AgendaSpec,
    BodySpec,
    CaseSpec,
    GrantSpec,
    InviteeGroupSpec,
    KeyTaskSpec,
    MeetingSpec,
    MilestoneSpec,
    PlanSpec,
    ResolutionSpec,
    SeatSpec,
    T,
    TermSpec,
    Txt,
    UnitSpec,
)
from pacesetter.units.models import OwnershipType

ROOT = "COA"
TERM_START = date(2019, 1, 1)
NINTH_TERM = TermSpec("9th", TERM_START)


def _member_enterprise(code: str, name: Txt, industry: str, area: Txt) -> UnitSpec:
    return UnitSpec(code, name, "enterprise", industry=industry, area=area)


def _local(code: str, name: Txt, unit_type: str, area: Txt) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        unit_type,
        ownership_type=OwnershipType.NON_PROFIT,
        industry="Optical",
        area=area,
    )


STANDING_DIRECTOR_UNITS = (
    _member_enterprise(
        "COA-SD-LENS",
        "Standing director unit — optical lens maker (Jiangsu)",
        "Optical lenses",
        "Jiangsu",
    ),
    _member_enterprise(
        "COA-SD-FRAMES",
        "Standing director unit — spectacle frame maker (Wenzhou, Zhejiang)",
        "Spectacle frames",
        "Wenzhou, Zhejiang",
    ),
    _member_enterprise(
        "COA-SD-CONTACT",
        "Standing director unit — contact lens maker (Guangdong)",
        "Contact lenses",
        "Guangdong",
    ),
    _member_enterprise(
        "COA-SD-RETAIL",
        "Standing director unit — eyewear retail chain (Hunan)",
        "Eyewear retail",
        "Hunan",
    ),
)

SUPERVISOR_UNITS = (
    _member_enterprise(
        "COA-SUP-INSTRUMENTS",
        "Supervisor unit — optometry instrument maker (Shanghai)",
        "Optometry instruments",
        "Shanghai",
    ),
    _member_enterprise(
        "COA-SUP-RETAIL",
        "Supervisor unit — eyewear retail chain (Beijing)",
        "Eyewear retail",
        "Beijing",
    ),
)

LOCAL_ASSOCIATIONS = (
    _local("COA-HUNAN", "Hunan Optical Association", "association", "Hunan"),
    _local("COA-WENZHOU", "Wenzhou Glasses Chamber of Commerce", "chamber", "Wenzhou, Zhejiang"),
    _local("COA-XIAMEN", "Xiamen Optical Industry Association", "association", "Xiamen, Fujian"),
)

ROOT_UNIT = UnitSpec(
    ROOT,
    T(en="China Optical Association", zh_hans="中国眼镜协会"),
    "association",
    short_name="COA",
    ownership_type=OwnershipType.NON_PROFIT,
    industry="Optical",
    area="Beijing",
    children=(*STANDING_DIRECTOR_UNITS, *SUPERVISOR_UNITS, *LOCAL_ASSOCIATIONS),
)

STANDING_COUNCIL = BodySpec(
    key="COA-STANDING",
    name=T(
        en="China Optical Association 9th Standing Council", zh_hans="中国眼镜协会第九届常务理事会"
    ),
    kind=BodyKind.STANDING_BOARD,
    owner=ROOT,
    description="Met on 26 May 2021 in Changsha, Hunan: first half-year reports, a survey of "
    "party-building in standing director units, and 7 key tasks for the second half.",
    term=NINTH_TERM,
    seats=(
        *(
            SeatSpec(TERM_START, unit=unit.code, position=MemberPosition.STANDING_MEMBER)
            for unit in STANDING_DIRECTOR_UNITS
        ),
        SeatSpec(TERM_START, username="council.optical"),
    ),
)

SUPERVISORY_BOARD = BodySpec(
    key="COA-SUPERVISORS",
    name=T(en="China Optical Association Board of Supervisors", zh_hans="中国眼镜协会监事会"),
    kind=BodyKind.SUPERVISORY_BOARD,
    owner=ROOT,
    term=NINTH_TERM,
    seats=tuple(
        SeatSpec(TERM_START, unit=unit.code, position=MemberPosition.SUPERVISOR)
        for unit in SUPERVISOR_UNITS
    ),
)

#: Where each Chinese name comes from. The brief's "China Optical Association" looks
#: like 中国眼镜协会 (standing-council meetings, the 爱眼 charity, the optics fair), not yet
#: confirmed: its records keep English as their source, with 中国眼镜协会 as a translation.
NAME_NOTES: dict[str, str] = {
    ROOT: "unconfirmed: 中国眼镜协会 (bjsx.com.cn); source kept English",
    "COA-STANDING": "unconfirmed: follows the association's name; source kept English",
    "COA-SUPERVISORS": "unconfirmed: follows the association's name; source kept English",
}


CASE = CaseSpec(
    title="China Optical Association: 9th standing council, 26 May 2021",
    root=ROOT_UNIT,
    time_zone="Asia/Shanghai",
    country="CN",
    bodies=(STANDING_COUNCIL, SUPERVISORY_BOARD),
    accounts=(
        AccountSpec("staff.optical", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec(
            "council.optical", (GrantSpec(Role.COUNCIL_MEMBER, body=STANDING_COUNCIL.key),)
        ),
        AccountSpec("officer.hunan-optical", (GrantSpec(Role.UNIT_OFFICER, unit="COA-HUNAN"),)),
    ),
)


# --- The 26 May 2021 council meeting and its 7 key tasks -------------------------
# Progress is as reported in September 2021 (demo figures: the report gives the tasks,
# not their progress). Every task is led by the association; named places and local
# associations support where the task names them.

H2_START, H2_END = date(2021, 6, 1), date(2021, 12, 31)
PLAN_KEY = "COA-2021-H2"


def _key_task(code: str, title: Txt, **kwargs: Any) -> KeyTaskSpec:
    return KeyTaskSpec(
        code,
        title,
        ROOT,
        start=H2_START,
        lead_person="staff.optical",
        **kwargs,
    )


KEY_TASKS = (
    _key_task(
        "1",
        T(en="Help enterprises upgrade and innovate", zh_hans="帮助企业转型升级和创新"),
        due=H2_END,
        scope=T(
            en="Member enterprises' technical upgrading and innovation.",
            zh_hans="会员企业的技术升级和创新。",
        ),
        measures=T(
            en="Match enterprises with research institutes; collect and publish cases.",
            zh_hans="推动企业与科研院所对接；征集并发布案例。",
        ),
        progress=D(55),
        note="Matching meetings held in two provinces; cases being collected.",
    ),
    _key_task(
        "2",
        T(
            en="Prepare the 33rd China International Optics Fair (Beijing)",
            zh_hans="筹备第三十三届中国国际眼镜业展览会（北京）",
        ),
        due=date(2021, 9, 30),
        scope=T(
            en="Exhibitors, halls, forums and visitors of the fair in Beijing.",
            zh_hans="北京展会的展商、展馆、论坛和观众。",
        ),
        measures=T(
            en="Organizing committee; exhibitor recruitment; forum programme.",
            zh_hans="组委会；招展；论坛日程。",
        ),
        milestones=(
            MilestoneSpec("Exhibitor recruitment closed", date(2021, 7, 15), date(2021, 7, 12)),
            MilestoneSpec(
                "Hall plan and forum programme fixed", date(2021, 8, 15), date(2021, 8, 20)
            ),
            MilestoneSpec("Fair opens", date(2021, 9, 30)),
        ),
    ),
    _key_task(
        "3",
        T(
            en="Run the 5th national vocational skills competition in optometry (2021)",
            zh_hans="举办2021年第五届全国眼镜验光员职业技能竞赛",
        ),
        due=H2_END,
        supporting=("COA-HUNAN",),
        scope=T(
            en="Provincial rounds and the national final of the 2021 competition.",
            zh_hans="2021年竞赛的省级选拔赛和全国决赛。",
        ),
        measures=T(
            en="Rules and judges with the vocational skills authority; provincial rounds.",
            zh_hans="会同职业技能主管部门制定规则、选派裁判；组织省级选拔赛。",
        ),
        progress=D(40),
        note="Rules published; provincial rounds under way.",
    ),
    _key_task(
        "4",
        T(
            en="Set up the national standardization technical committee for optometry",
            zh_hans="筹建全国眼视光标准化技术委员会",
        ),
        due=H2_END,
        scope=T(
            en="Application, members and secretariat of the technical committee.",
            zh_hans="技术委员会的申报、委员和秘书处。",
        ),
        measures=T(
            en="Prepare the application with the standardization administration.",
            zh_hans="向标准化管理部门准备申报材料。",
        ),
        progress=D(20),
        note="Application drafted; member nominations requested.",
    ),
    _key_task(
        "5",
        T(
            en="Run the 5th teachers' summer course and the 9th optometry forum",
            zh_hans="举办第五届教师暑期课程和第九届眼视光论坛",
        ),
        due=date(2021, 8, 31),
        scope=T(
            en="Summer course for optometry teachers; the forum.",
            zh_hans="眼视光教师暑期课程；论坛。",
        ),
        measures=T(
            en="Course programme and lecturers; forum papers.", zh_hans="课程安排和讲师；论坛论文。"
        ),
        done_on=date(2021, 8, 20),
        note="Course and forum held.",
        outcome=("good", "Both held as planned; teachers from member schools attended."),
    ),
    _key_task(
        "6",
        T(
            en="Re-evaluate the two industrial clusters of Wenzhou and Xiamen",
            zh_hans="对温州、厦门两个产业集群进行复评",
        ),
        due=H2_END,
        supporting=("COA-WENZHOU", "COA-XIAMEN"),
        scope=T(
            en="The Wenzhou and Xiamen optical industrial clusters.",
            zh_hans="温州和厦门眼镜产业集群。",
        ),
        measures=T(
            en="Expert review on site against the cluster criteria.",
            zh_hans="专家按集群标准现场评审。",
        ),
        progress=D(30),
        note="Self-assessment reports received from both clusters.",
    ),
    _key_task(
        "7",
        T(
            en="Run the \u201cLove Eyes Day\u201d charity in Gejiu, Yunnan",
            zh_hans="在云南个旧开展“爱眼日”公益活动",
        ),
        due=date(2021, 6, 6),
        scope=T(
            en="Free eye examinations and spectacles in Gejiu, Yunnan.",
            zh_hans="在云南个旧免费验光配镜。",
        ),
        measures=T(
            en="Volunteers from member enterprises; donated spectacles.",
            zh_hans="会员企业志愿者；捐赠眼镜。",
        ),
        done_on=date(2021, 6, 6),
        note="Held on Love Eyes Day, 6 June.",
        outcome=("excellent", "Held on the day with member enterprises' volunteers."),
    ),
)

PLAN = PlanSpec(
    key=PLAN_KEY,
    body=STANDING_COUNCIL.key,
    name=T(en="Key tasks, second half of 2021", zh_hans="2021年下半年重点工作"),
    kind="half_year",
    start=H2_START,
    end=H2_END,
    manager="staff.optical",
    reported_on=date(2021, 9, 30),
)

COUNCIL_MEETING = MeetingSpec(
    key="COA-COUNCIL-2021-05",
    kind="council",
    title="9th standing council of the China Optical Association, meeting of 26 May 2021",
    organizer=ROOT,
    organized_by="staff.optical",
    starts_at="2021-05-26T09:00",
    ends_at="2021-05-26T17:00",
    place="Changsha, Hunan",
    chair="President of the China Optical Association",
    description="Reports on the first half-year, a survey of party-building in standing "
    "director units, and the 7 key tasks of the second half-year.",
    body=STANDING_COUNCIL.key,
    quorum=Fraction(1, 2),
    minutes="final",
    unit_invitees=(
        *(unit.code for unit in SUPERVISOR_UNITS),
        *(unit.code for unit in LOCAL_ASSOCIATIONS),
    ),
    groups=(
        InviteeGroupSpec("Standing director unit representative", 70, 66),
        InviteeGroupSpec("Local association or chamber representative", 24, 22, role="guest"),
        InviteeGroupSpec("Board of supervisors member", 6, 6, role="guest"),
    ),
    agenda=(
        AgendaSpec("Opening", 10, "President of the association"),
        AgendaSpec(
            "Report on the work of the first half-year", 40, "Secretariat", speaker_unit=ROOT
        ),
        AgendaSpec("Survey of party-building in standing director units", 30, "Secretariat"),
        AgendaSpec(
            "Reports of local associations and chambers",
            30,
            children=(
                AgendaSpec("Hunan", 10, speaker_unit="COA-HUNAN"),
                AgendaSpec("Wenzhou", 10, speaker_unit="COA-WENZHOU"),
                AgendaSpec("Xiamen", 10, speaker_unit="COA-XIAMEN"),
            ),
        ),
        AgendaSpec("Key tasks for the second half-year: discussion and resolution", 40),
    ),
    resolutions=(
        ResolutionSpec(
            "The standing council adopts the 7 key tasks for the second half of 2021 and "
            "assigns them to the secretariat, with the local associations named in each.",
            plan=PLAN_KEY,
            tasks=KEY_TASKS,
        ),
    ),
)
