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

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind, MemberPosition
from pacesetter.demo.specs import (
    AccountSpec,
    BodySpec,
    CaseSpec,
    GrantSpec,
    SeatSpec,
    TermSpec,
    UnitSpec,
)
from pacesetter.units.models import OwnershipType

ROOT = "COA"
TERM_START = date(2019, 1, 1)
NINTH_TERM = TermSpec("9th", TERM_START)


def _member_enterprise(code: str, name: str, industry: str, area: str) -> UnitSpec:
    return UnitSpec(code, name, "enterprise", industry=industry, area=area)


def _local(code: str, name: str, unit_type: str, area: str) -> UnitSpec:
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
    "China Optical Association",
    "association",
    short_name="COA",
    ownership_type=OwnershipType.NON_PROFIT,
    industry="Optical",
    area="Beijing",
    children=(*STANDING_DIRECTOR_UNITS, *SUPERVISOR_UNITS, *LOCAL_ASSOCIATIONS),
)

STANDING_COUNCIL = BodySpec(
    key="COA-STANDING",
    name="China Optical Association 9th Standing Council",
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
    name="China Optical Association Board of Supervisors",
    kind=BodyKind.SUPERVISORY_BOARD,
    owner=ROOT,
    term=NINTH_TERM,
    seats=tuple(
        SeatSpec(TERM_START, unit=unit.code, position=MemberPosition.SUPERVISOR)
        for unit in SUPERVISOR_UNITS
    ),
)

CASE = CaseSpec(
    title="China Optical Association: 9th standing council, 26 May 2021",
    root=ROOT_UNIT,
    bodies=(STANDING_COUNCIL, SUPERVISORY_BOARD),
    accounts=(
        AccountSpec("staff.optical", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec(
            "council.optical", (GrantSpec(Role.COUNCIL_MEMBER, body=STANDING_COUNCIL.key),)
        ),
        AccountSpec("officer.hunan-optical", (GrantSpec(Role.UNIT_OFFICER, unit="COA-HUNAN"),)),
    ),
)
