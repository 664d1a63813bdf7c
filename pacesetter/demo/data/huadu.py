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
    code: str, title: str, lead: str, scope: str, measures: str, **kwargs: Any
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


PROJECTS = (
    _project(
        "P01",
        "Red Empowerment \u00b7 Wings near the Airport",
        "HUADU-HUADONG",
        _task(
            "P01.1",
            "Build party and union organizations in airport-economy enterprises",
            "HUADU-HUADONG",
            "New enterprises of the airport economic zone.",
            "Visit every new enterprise; found organizations at the same time as the enterprise.",
            supporting=("HUADU-HUADONG-E1",),
            progress=70,
            note="Organizations founded in the first enterprises of the zone.",
        ),
    ),
    _project(
        "P02",
        "Red Ears of One Heart \u00b7 Red Chain Win-Win",
        "HUADU-TWONEW",
        _task(
            "P02.1",
            "Listen to new organizations and link them along the chains",
            "HUADU-TWONEW",
            "Listening sessions with new economic and social organizations.",
            "Quarterly sessions; problems listed and followed up on the chain pages.",
            chain=LEATHER_CHAIN,
            done_on=date(2025, 6, 30),
            outcome=("good", "Four sessions held; each problem raised has an owner."),
        ),
    ),
    _project(
        "P03",
        "Workshop No. 10 \u00b7 A Doctor's Heart for the People",
        "HUADU-TWONEW",
        _task(
            "P03.1",
            "Run the workshop's services for new-economy workers",
            "HUADU-TWONEW",
            "Health services for workers of new enterprises.",
            "Regular service days at the workshop.",
            progress=60,
        ),
    ),
    _project(
        "P04",
        "Red Alliance Co-building to Cultivate Talent",
        "HUADU-TWONEW",
        _task(
            "P04.1",
            "Train organizers for new organizations",
            "HUADU-TWONEW",
            "Party and union organizers of new organizations.",
            "Joint training with towns and streets.",
            done_on=date(2025, 5, 31),
            outcome=("good", "Training held in every town and street."),
        ),
    ),
    _project(
        "P05",
        "Red Fortress in Commercial Buildings",
        "HUADU-XINYA",
        _task(
            "P05.1",
            "Cover the enterprises of commercial buildings in Xinya Street",
            "HUADU-XINYA",
            "Every enterprise in the street's commercial buildings.",
            "Building-by-building survey; joint organizations where an enterprise is too small.",
            supporting=("HUADU-XINYA-E1",),
            progress=80,
        ),
    ),
    _project(
        "P06",
        "Gathering the New, Warming Hearts",
        "HUADU-TWONEW",
        _task(
            "P06.1",
            "Care for workers of new forms of employment",
            "HUADU-TWONEW",
            "Couriers, drivers and other workers of new forms of employment.",
            "Service stations and union membership drives.",
            progress=50,
        ),
    ),
    _project(
        "P07",
        "Red Chain Party Committee Empowering the Leather Goods Industry",
        "HUADU-SHILING",
        _task(
            "P07.1",
            "Set up the chain party committee of the leather goods industry",
            "HUADU-SHILING",
            "Enterprises and the association of the Shiling leather goods chain.",
            "One party committee along the chain; organizations in each enterprise.",
            supporting=("HUADU-SHILING-A1", "HUADU-SHILING-E1", "HUADU-SHILING-E2"),
            chain=LEATHER_CHAIN,
            done_on=date(2024, 12, 20),
            outcome=("excellent", "The chain party committee covers the chain's enterprises."),
        ),
        _task(
            "P07.2",
            "Solve the chain's listed problems",
            "HUADU-SHILING-A1",
            "Problems raised by enterprises of the chain.",
            "Problem list on the chain; monthly follow-up by the chain leader.",
            chain=LEATHER_CHAIN,
            progress=65,
        ),
        chain=LEATHER_CHAIN,
    ),
    _project(
        "P08",
        "One Heart toward the Party \u00b7 Culture, Tourism and Sports Vanguard",
        "HUADU-TWONEW",
        _task(
            "P08.1",
            "Organize new enterprises of culture, tourism and sports",
            "HUADU-TWONEW",
            "New enterprises of culture, tourism and sports.",
            "Survey and founding of organizations.",
            progress=45,
        ),
    ),
    _project(
        "P09",
        "1+N Party-Building Service Matrix",
        "HUADU-TWONEW",
        _task(
            "P09.1",
            "Open one service centre with N service points",
            "HUADU-TWONEW",
            "Service points in towns and streets.",
            "One district centre; service points in every town and street.",
            done_on=date(2025, 3, 31),
        ),
    ),
    _project(
        "P10",
        "Law and Wisdom Guard \u00b7 Law Helps Huadu",
        "HUADU-TWONEW",
        _task(
            "P10.1",
            "Legal services for new organizations",
            "HUADU-TWONEW",
            "Legal questions of new enterprises and associations.",
            "Lawyers' service days; a hotline.",
            progress=75,
        ),
    ),
    _project(
        "P11",
        "Industry Red Gathering \u00b7 Five-Link Coordination",
        "HUADU-TRANSPORT",
        _task(
            "P11.1",
            "Coordinate transport-sector organizations",
            "HUADU-TRANSPORT",
            "New organizations of the transport sector.",
            "Five links: organization, activity, service, talent, development.",
            progress=55,
        ),
    ),
    _project(
        "P12",
        "Standalone organizations in new enterprises (demo)",
        "HUADU-TWONEW",
        _task(
            "P12.1",
            "Raise the number of standalone (not joint) organizations",
            "HUADU-TWONEW",
            "New enterprises large enough for their own organization.",
            "Turn joint organizations into standalone ones where membership allows.",
            progress=35,
        ),
    ),
    _project(
        "P13",
        "Demonstration belts of towns and streets (demo)",
        "HUADU-TANBU",
        _task(
            "P13.1",
            "Build a demonstration belt in Tanbu Town",
            "HUADU-TANBU",
            "Enterprises along the town's main industrial road.",
            "Model organizations and shared activity sites.",
            progress=40,
        ),
    ),
    _project(
        "P14",
        "Blind-spot survey of new enterprises (demo)",
        "HUADU-TWONEW",
        _task(
            "P14.1",
            "Find the new enterprises without organizations",
            "HUADU-TWONEW",
            "Enterprises registered since the last survey.",
            "Match the business register with the coverage register.",
            done_on=date(2024, 10, 31),
        ),
    ),
    _project(
        "P15",
        "Unions in new social organizations (demo)",
        "HUADU-TWONEW",
        _task(
            "P15.1",
            "Found union organizations in new social organizations",
            "HUADU-TWONEW",
            "Associations and other new social organizations.",
            "Founding at the same time as the party organization.",
            progress=30,
        ),
    ),
)

PLAN = PlanSpec(
    key=PLAN_KEY,
    body=WORK_COMMITTEE.key,
    name="Dual synchronization: 15 projects, August 2024 to August 2025",
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
