"""Case 3: Huadu district (Guangzhou), "dual synchronization" meeting, 15 August 2024.

The district's "Two New" work committee (for new economic and new social organizations)
leads; speakers came from the district transport bureau, Xinya street and Shiling town.
The report names no enterprise, so the new enterprises and associations under the towns
carry descriptive names (Shiling is the leather goods town of the "Red Chain" project).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind
from pacesetter.demo.specs import (
    AccountSpec,
    AgendaSpec,
    BodySpec,
    CaseSpec,
    ChainSpec,
    GrantSpec,
    InviteeGroupSpec,
    KeyTaskSpec,
    MeetingSpec,
    PlanSpec,
    ProjectSpec,
    ResolutionSpec,
    SeatSpec,
    T,
    Txt,
    UnitSpec,
)
from pacesetter.units.models import OwnershipType

AREA = T(zh_hans="广州市花都区", en="Huadu, Guangzhou")
ROOT = "HUADU"


def _government(code: str, name: Txt, unit_type: str, *children: UnitSpec) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        unit_type,
        ownership_type=OwnershipType.GOVERNMENT,
        area=AREA,
        children=children,
    )


def _enterprise(code: str, name: Txt, industry: str) -> UnitSpec:
    return UnitSpec(
        code, name, "enterprise", ownership_type=OwnershipType.PRIVATE, industry=industry, area=AREA
    )


def _association(code: str, name: Txt, industry: str) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "association",
        ownership_type=OwnershipType.NON_PROFIT,
        industry=industry,
        area=AREA,
    )


LEATHER = "Leather goods"

ROOT_UNIT = _government(
    ROOT,
    T(zh_hans="花都区", en="Huadu District"),
    "district",
    _government(
        "HUADU-TWONEW",
        T(zh_hans="花都区“两新”工委", en="Huadu District 'Two New' Work Committee"),
        "committee",
    ),
    _government(
        "HUADU-TRANSPORT",
        T(zh_hans="花都区交通运输局", en="Huadu District Transport Bureau"),
        "government-department",
    ),
    _government(
        "HUADU-SHILING",
        T(zh_hans="狮岭镇", en="Shiling Town"),
        "town",
        _enterprise("HUADU-SHILING-E1", "Shiling leather goods enterprise No. 1", LEATHER),
        _enterprise("HUADU-SHILING-E2", "Shiling leather goods enterprise No. 2", LEATHER),
        _association("HUADU-SHILING-A1", "Shiling leather goods industry association", LEATHER),
    ),
    _government(
        "HUADU-XINYA",
        T(zh_hans="新雅街", en="Xinya Street"),
        "street",
        _enterprise(
            "HUADU-XINYA-E1", "Xinya Street commercial-building enterprise No. 1", "Commerce"
        ),
    ),
    _government(
        "HUADU-HUADONG",
        T(zh_hans="花东镇", en="Huadong Town"),
        "town",
        _enterprise(
            "HUADU-HUADONG-E1", "Huadong airport-economy enterprise No. 1", "Aviation logistics"
        ),
    ),
    _government("HUADU-TANBU", T(zh_hans="炭步镇", en="Tanbu Town"), "town"),
    _government("HUADU-XINHUA", T(zh_hans="新华街", en="Xinhua Street"), "street"),
    _government("HUADU-XIUQUAN", T(zh_hans="秀全街", en="Xiuquan Street"), "street"),
    _government("HUADU-HUACHENG", T(zh_hans="花城街", en="Huacheng Street"), "street"),
    _government("HUADU-HUASHAN", T(zh_hans="花山镇", en="Huashan Town"), "town"),
    _government("HUADU-CHINI", T(zh_hans="赤坭镇", en="Chini Town"), "town"),
    _government("HUADU-TIMIAN", T(zh_hans="梯面镇", en="Timian Town"), "town"),
)

#: The committee's members: the town and street committees and the departments that
#: take part (assumption: the report names the bodies that spoke, not the membership).
WORK_COMMITTEE = BodySpec(
    key="HUADU-TWONEW-MEMBERS",
    name=T(
        zh_hans="花都区“两新”工委成员单位", en="Huadu District 'Two New' Work Committee (members)"
    ),
    kind=BodyKind.COMMITTEE,
    owner="HUADU-TWONEW",
    seats=tuple(
        SeatSpec(date(2024, 1, 1), unit=code)
        for code in (
            "HUADU-TRANSPORT",
            "HUADU-SHILING",
            "HUADU-XINYA",
            "HUADU-HUADONG",
            "HUADU-TANBU",
        )
    ),
)

#: Where each Chinese name comes from ("unconfirmed: ..." when not checked against the
#: district's own publications). The 15 projects' titles come only in English renderings
#: (the brief), so they keep English as their source.
NAME_NOTES: dict[str, str] = {
    ROOT: "the district's own name (广州市花都区)",
    "HUADU-TWONEW": "as the district names it: 花都区“两新”工委",
    "HUADU-SHILING": "狮岭镇, Huadu district",
    "HUADU-XINYA": "新雅街, Huadu district",
    "HUADU-HUADONG": "花东镇, Huadu district",
    "HUADU-XINHUA": "新华街, Huadu district",
    "HUADU-XIUQUAN": "秀全街, Huadu district",
    "HUADU-HUACHENG": "花城街, Huadu district",
    "HUADU-HUASHAN": "花山镇, Huadu district",
    "HUADU-CHINI": "赤坭镇, Huadu district",
    "HUADU-TIMIAN": "梯面镇, Huadu district",
    "HUADU-TANBU": "炭步镇, Huadu district",
    "HUADU-TRANSPORT": "unconfirmed: rendered as 花都区交通运输局",
    "HUADU-TWONEW-MEMBERS": "demo assumption: the committee's member units",
}


CASE = CaseSpec(
    title="Huadu district (Guangzhou): 'Two New' work, 15 August 2024",
    root=ROOT_UNIT,
    time_zone="Asia/Shanghai",
    country="CN",
    bodies=(WORK_COMMITTEE,),
    accounts=(
        AccountSpec("staff.huadu", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.shiling", (GrantSpec(Role.UNIT_OFFICER, unit="HUADU-SHILING"),)),
        AccountSpec("officer.xinya", (GrantSpec(Role.UNIT_OFFICER, unit="HUADU-XINYA"),)),
    ),
)


# --- The 15 projects, the leather goods chain and the 15 August 2024 meeting ----------
# The report names 11 projects; the other 4 carry descriptive names (marked "demo").
# Who/what/how follow each project's name; progress and outcomes are demo figures as of
# the plan's year-end review.

START, END = date(2024, 8, 15), date(2025, 8, 14)
LEATHER_CHAIN = "HUADU-LEATHER"
PLAN_KEY = "HUADU-DUAL-SYNC"

CHAIN = ChainSpec(
    key=LEATHER_CHAIN,
    name=T(zh_hans="狮岭皮具产业链", en="Shiling leather goods industrial chain"),
    owner="HUADU-TWONEW",
    leader="HUADU-SHILING-A1",
    members=("HUADU-SHILING-E1", "HUADU-SHILING-E2", "HUADU-SHILING-A1"),
    description="Leather processing upstream, finished leather goods downstream, and the "
    "industry association that serves both; the 'Red Chain' party committee links their "
    "organizations.",
)


def _task(
    code: str, title: Txt, lead: str, scope: Txt, measures: Txt, **kwargs: Any
) -> KeyTaskSpec:
    return KeyTaskSpec(
        code,
        title,
        lead,
        start=START,
        due=kwargs.pop("due", END),
        scope=scope,
        measures=measures,
        **kwargs,
    )


def _project(code: str, name: Txt, lead: str, *tasks: KeyTaskSpec, chain: str = "") -> ProjectSpec:
    return ProjectSpec(code, name, lead, chain=chain, tasks=tasks)


#: The projects' and tasks' Chinese texts are rendered from the brief's English (unconfirmed:
#: the committee's own project list is not in the record); reports and reviews stay English.
PROJECTS = (
    _project(
        "P01",
        T(zh_hans="红色赋能\u00b7空港添翼", en="Red Empowerment \u00b7 Wings near the Airport"),
        "HUADU-HUADONG",
        _task(
            "P01.1",
            T(
                zh_hans="在空港经济企业中组建党组织和工会组织",
                en="Build party and union organizations in airport-economy enterprises",
            ),
            "HUADU-HUADONG",
            T(zh_hans="空港经济区新企业。", en="New enterprises of the airport economic zone."),
            T(
                zh_hans="走访每一家新企业；组织与企业同步建立。",
                en="Visit every new enterprise; found organizations at the same time as the "
                "enterprise.",
            ),
            supporting=("HUADU-HUADONG-E1",),
            progress=70,
            note="Organizations founded in the first enterprises of the zone.",
        ),
    ),
    _project(
        "P02",
        T(zh_hans="红耳同心\u00b7红链共赢", en="Red Ears of One Heart \u00b7 Red Chain Win-Win"),
        "HUADU-TWONEW",
        _task(
            "P02.1",
            T(
                zh_hans="倾听新组织诉求，沿产业链串联",
                en="Listen to new organizations and link them along the chains",
            ),
            "HUADU-TWONEW",
            T(
                zh_hans="与新经济组织和新社会组织的倾听会。",
                en="Listening sessions with new economic and social organizations.",
            ),
            T(
                zh_hans="每季度一次；问题列入清单，在产业链页面跟进。",
                en="Quarterly sessions; problems listed and followed up on the chain pages.",
            ),
            chain=LEATHER_CHAIN,
            done_on=date(2025, 6, 30),
            outcome=("good", "Four sessions held; each problem raised has an owner."),
        ),
    ),
    _project(
        "P03",
        T(
            zh_hans="10号工作室\u00b7医者仁心为人民",
            en="Workshop No. 10 \u00b7 A Doctor's Heart for the People",
        ),
        "HUADU-TWONEW",
        _task(
            "P03.1",
            T(
                zh_hans="为新经济从业人员开展工作室服务",
                en="Run the workshop's services for new-economy workers",
            ),
            "HUADU-TWONEW",
            T(
                zh_hans="为新企业职工提供健康服务。",
                en="Health services for workers of new enterprises.",
            ),
            T(zh_hans="工作室定期服务日。", en="Regular service days at the workshop."),
            progress=60,
        ),
    ),
    _project(
        "P04",
        T(zh_hans="红盟共建育英才", en="Red Alliance Co-building to Cultivate Talent"),
        "HUADU-TWONEW",
        _task(
            "P04.1",
            T(zh_hans="为新组织培训组建骨干", en="Train organizers for new organizations"),
            "HUADU-TWONEW",
            T(
                zh_hans="新组织的党建和工会组建骨干。",
                en="Party and union organizers of new organizations.",
            ),
            T(zh_hans="与各镇街联合培训。", en="Joint training with towns and streets."),
            done_on=date(2025, 5, 31),
            outcome=("good", "Training held in every town and street."),
        ),
    ),
    _project(
        "P05",
        T(zh_hans="商务楼宇红色堡垒", en="Red Fortress in Commercial Buildings"),
        "HUADU-XINYA",
        _task(
            "P05.1",
            T(
                zh_hans="覆盖新雅街商务楼宇企业",
                en="Cover the enterprises of commercial buildings in Xinya Street",
            ),
            "HUADU-XINYA",
            T(
                zh_hans="街道商务楼宇内的每一家企业。",
                en="Every enterprise in the street's commercial buildings.",
            ),
            T(
                zh_hans="逐栋楼宇摸排；企业规模过小的建立联合组织。",
                en="Building-by-building survey; joint organizations where an enterprise is too "
                "small.",
            ),
            supporting=("HUADU-XINYA-E1",),
            progress=80,
        ),
    ),
    _project(
        "P06",
        T(zh_hans="聚新暖心", en="Gathering the New, Warming Hearts"),
        "HUADU-TWONEW",
        _task(
            "P06.1",
            T(zh_hans="关爱新就业形态劳动者", en="Care for workers of new forms of employment"),
            "HUADU-TWONEW",
            T(
                zh_hans="快递员、网约车司机等新就业形态劳动者。",
                en="Couriers, drivers and other workers of new forms of employment.",
            ),
            T(
                zh_hans="服务站点和入会集中行动。",
                en="Service stations and union membership drives.",
            ),
            progress=50,
        ),
    ),
    _project(
        "P07",
        T(
            zh_hans="红链党委赋能皮具产业",
            en="Red Chain Party Committee Empowering the Leather Goods Industry",
        ),
        "HUADU-SHILING",
        _task(
            "P07.1",
            T(
                zh_hans="成立皮具产业链党委",
                en="Set up the chain party committee of the leather goods industry",
            ),
            "HUADU-SHILING",
            T(
                zh_hans="狮岭皮具产业链的企业和协会。",
                en="Enterprises and the association of the Shiling leather goods chain.",
            ),
            T(
                zh_hans="沿产业链成立一个党委；每家企业建立组织。",
                en="One party committee along the chain; organizations in each enterprise.",
            ),
            supporting=("HUADU-SHILING-A1", "HUADU-SHILING-E1", "HUADU-SHILING-E2"),
            chain=LEATHER_CHAIN,
            done_on=date(2024, 12, 20),
            outcome=("excellent", "The chain party committee covers the chain's enterprises."),
        ),
        _task(
            "P07.2",
            T(zh_hans="解决产业链清单问题", en="Solve the chain's listed problems"),
            "HUADU-SHILING-A1",
            T(zh_hans="产业链企业提出的问题。", en="Problems raised by enterprises of the chain."),
            T(
                zh_hans="产业链问题清单；链长单位每月跟进。",
                en="Problem list on the chain; monthly follow-up by the chain leader.",
            ),
            chain=LEATHER_CHAIN,
            progress=65,
        ),
        chain=LEATHER_CHAIN,
    ),
    _project(
        "P08",
        T(
            zh_hans="同心向党\u00b7文旅体先锋",
            en="One Heart toward the Party \u00b7 Culture, Tourism and Sports Vanguard",
        ),
        "HUADU-TWONEW",
        _task(
            "P08.1",
            T(
                zh_hans="在文旅体新企业中建立组织",
                en="Organize new enterprises of culture, tourism and sports",
            ),
            "HUADU-TWONEW",
            T(
                zh_hans="文化、旅游和体育新企业。",
                en="New enterprises of culture, tourism and sports.",
            ),
            T(zh_hans="摸排并组建组织。", en="Survey and founding of organizations."),
            progress=45,
        ),
    ),
    _project(
        "P09",
        T(zh_hans="1+N党建服务矩阵", en="1+N Party-Building Service Matrix"),
        "HUADU-TWONEW",
        _task(
            "P09.1",
            T(
                zh_hans="建设一个服务中心和N个服务站点",
                en="Open one service centre with N service points",
            ),
            "HUADU-TWONEW",
            T(zh_hans="各镇街的服务站点。", en="Service points in towns and streets."),
            T(
                zh_hans="区级一个中心；每个镇街设服务站点。",
                en="One district centre; service points in every town and street.",
            ),
            done_on=date(2025, 3, 31),
        ),
    ),
    _project(
        "P10",
        T(zh_hans="法智护航\u00b7法助花都", en="Law and Wisdom Guard \u00b7 Law Helps Huadu"),
        "HUADU-TWONEW",
        _task(
            "P10.1",
            T(zh_hans="为新组织提供法律服务", en="Legal services for new organizations"),
            "HUADU-TWONEW",
            T(
                zh_hans="新企业和协会的法律问题。",
                en="Legal questions of new enterprises and associations.",
            ),
            T(zh_hans="律师服务日；一条热线。", en="Lawyers' service days; a hotline."),
            progress=75,
        ),
    ),
    _project(
        "P11",
        T(
            zh_hans="行业红聚\u00b7五联协同",
            en="Industry Red Gathering \u00b7 Five-Link Coordination",
        ),
        "HUADU-TRANSPORT",
        _task(
            "P11.1",
            T(zh_hans="统筹交通运输行业组织", en="Coordinate transport-sector organizations"),
            "HUADU-TRANSPORT",
            T(zh_hans="交通运输行业的新组织。", en="New organizations of the transport sector."),
            T(
                zh_hans="五联：组织联建、活动联办、服务联动、人才联育、发展联促。",
                en="Five links: organization, activity, service, talent, development.",
            ),
            progress=55,
        ),
    ),
    _project(
        "P12",
        T(
            zh_hans="新企业单独组建组织（演示）",
            en="Standalone organizations in new enterprises (demo)",
        ),
        "HUADU-TWONEW",
        _task(
            "P12.1",
            T(
                zh_hans="提高单独组建（非联合）组织的数量",
                en="Raise the number of standalone (not joint) organizations",
            ),
            "HUADU-TWONEW",
            T(
                zh_hans="规模足以单独建立组织的新企业。",
                en="New enterprises large enough for their own organization.",
            ),
            T(
                zh_hans="人数条件允许时，将联合组织改为单独组织。",
                en="Turn joint organizations into standalone ones where membership allows.",
            ),
            progress=35,
        ),
    ),
    _project(
        "P13",
        T(zh_hans="镇街示范带（演示）", en="Demonstration belts of towns and streets (demo)"),
        "HUADU-TANBU",
        _task(
            "P13.1",
            T(zh_hans="在炭步镇打造示范带", en="Build a demonstration belt in Tanbu Town"),
            "HUADU-TANBU",
            T(
                zh_hans="沿镇主要产业道路的企业。",
                en="Enterprises along the town's main industrial road.",
            ),
            T(
                zh_hans="示范组织和共享活动阵地。",
                en="Model organizations and shared activity sites.",
            ),
            progress=40,
        ),
    ),
    _project(
        "P14",
        T(zh_hans="新企业盲点排查（演示）", en="Blind-spot survey of new enterprises (demo)"),
        "HUADU-TWONEW",
        _task(
            "P14.1",
            T(
                zh_hans="找出尚未建立组织的新企业",
                en="Find the new enterprises without organizations",
            ),
            "HUADU-TWONEW",
            T(
                zh_hans="上次摸排以来登记的企业。",
                en="Enterprises registered since the last survey.",
            ),
            T(
                zh_hans="将企业登记名录与覆盖台账比对。",
                en="Match the business register with the coverage register.",
            ),
            done_on=date(2024, 10, 31),
        ),
    ),
    _project(
        "P15",
        T(zh_hans="新社会组织工会组建（演示）", en="Unions in new social organizations (demo)"),
        "HUADU-TWONEW",
        _task(
            "P15.1",
            T(
                zh_hans="在新社会组织中组建工会组织",
                en="Found union organizations in new social organizations",
            ),
            "HUADU-TWONEW",
            T(zh_hans="协会等新社会组织。", en="Associations and other new social organizations."),
            T(
                zh_hans="与党组织同步组建。",
                en="Founding at the same time as the party organization.",
            ),
            progress=30,
        ),
    ),
)

#: The three dual-synchronization projects whose key tasks follow up blind spots of the
#: coverage register as of the meeting (demo/coverage.py, through the register's
#: follow-up service): project code → which blind spots, and how many (per town or street
#: for "per_town"). "standalone": 3 or more full party members without a standalone party
#: organization; "social_union": new social organizations without a union; "per_town":
#: the other blind spots of new enterprises, the first of each town's list. Demo choices.
FOLLOW_UPS: tuple[tuple[str, str, int], ...] = (
    ("P12", "standalone", 8),
    ("P15", "social_union", 8),
    ("P14", "per_town", 2),
)

PLAN = PlanSpec(
    key=PLAN_KEY,
    body=WORK_COMMITTEE.key,
    name=T(
        zh_hans="“双同步”：15个项目，2024年8月至2025年8月",
        en="Dual synchronization: 15 projects, August 2024 to August 2025",
    ),
    kind="year",
    start=START,
    end=END,
    manager="staff.huadu",
    projects=PROJECTS,
)

MEETING = MeetingSpec(
    key="HUADU-DUAL-SYNC-2024",
    kind="review",
    title="Huadu 'dual synchronization' work meeting",
    organizer="HUADU-TWONEW",
    organized_by="staff.huadu",
    starts_at="2024-08-15T09:00",
    ends_at="2024-08-15T12:00",
    place="Huadu District, Guangzhou",
    chair="Secretary of the district 'Two New' Work Committee",
    description="When an enterprise or association is founded, its party and union "
    "organizations are built at the same time. 15 projects run as projects, lists and chains.",
    body=WORK_COMMITTEE.key,
    chain=LEATHER_CHAIN,
    minutes="draft",
    unit_invitees=("HUADU-SHILING-A1", "HUADU-SHILING-E1", "HUADU-SHILING-E2", "HUADU-XINYA-E1"),
    groups=(
        InviteeGroupSpec("Representative of a new enterprise or association", 40, 37, role="guest"),
    ),
    agenda=(
        AgendaSpec(
            "The 15 projects: projects, lists and chains",
            30,
            "'Two New' Work Committee",
            "HUADU-TWONEW",
        ),
        AgendaSpec(
            "Speeches",
            45,
            children=(
                AgendaSpec(
                    "Transport sector: Five-Link Coordination", 15, speaker_unit="HUADU-TRANSPORT"
                ),
                AgendaSpec("Commercial buildings: Red Fortress", 15, speaker_unit="HUADU-XINYA"),
                AgendaSpec("Leather goods: the Red Chain", 15, speaker_unit="HUADU-SHILING"),
            ),
        ),
        AgendaSpec("Goals and demonstration belts", 20),
    ),
    resolutions=(
        ResolutionSpec(
            "Run the 15 projects as projects, lists and chains; cover the blind spots among new "
            "enterprises; raise the number of newly built organizations, especially standalone "
            "ones; towns and streets build demonstration belts.",
            plan=PLAN_KEY,
            tasks=(
                _task(
                    "R1",
                    "Report the newly built organizations every quarter",
                    "HUADU-TWONEW",
                    "Organizations founded in new enterprises and associations.",
                    "Quarterly count by town and street, standalone and joint apart.",
                    progress=75,
                ),
            ),
        ),
    ),
)
