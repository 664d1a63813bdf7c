"""Case 1: Emulation Cluster No. 18, Thanh Hoa province (Vietnam), 2024.

Set up by Decision No. 1197/QD-UBND of 27 March 2024 of the Chairman of the provincial
People's Committee: 7 provincial enterprises of 2 types; Lam Son leads the cluster for
2024 and Bac Song Ma is deputy.

Assumptions (not stated in the report): the enterprises hang directly under the
province; the irrigation companies are 100% state-owned, MEDLATEC Thanh Hoa is private,
Lam Son's ownership and industry are left blank; councils seat from 1 January 2024.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind, MemberPosition
from pacesetter.clusters.models import LeadershipRole
from pacesetter.demo.specs import (
    AccountSpec,
    BodySpec,
    CaseSpec,
    ClusterSpec,
    DecisionSpec,
    GrantSpec,
    LeaderSpec,
    SeatSpec,
    UnitSpec,
)
from pacesetter.units.models import OwnershipType

AREA = "Thanh Hoa"
DECIDED = date(2024, 3, 27)
COUNCILS_FROM = date(2024, 1, 1)

ROOT = "TH"
COMMITTEE = "TH-ERC"
LAM_SON = "TH-LAMSON"
BAC_SONG_MA = "TH-BACSONGMA"
CLUSTER = "TH-C18"


def _llc(code: str, name: str, short: str, ownership: str = "", industry: str = "") -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "llc-single-member",
        short_name=short,
        ownership_type=ownership,
        industry=industry,
        area=AREA,
    )


def _jsc(code: str, name: str, short: str, industry: str) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "jsc-state-majority",
        short_name=short,
        ownership_type=OwnershipType.STATE_MAJORITY,
        industry=industry,
        area=AREA,
    )


IRRIGATION = "Irrigation works management"

# Lam Son's emulation and reward council seats its union and departments, each
# following its own field of work.
LAM_SON_DEPARTMENTS = (
    UnitSpec("TH-LAMSON-UNION", "Lam Son Company Limited trade union", "grassroots-union"),
    UnitSpec("TH-LAMSON-PROD", "Lam Son Company Limited — production division", "department"),
    UnitSpec(
        "TH-LAMSON-ADMIN",
        "Lam Son Company Limited — administration and personnel department",
        "department",
    ),
)

# The 7 member units in the order of the report, with the short names used for
# their officer accounts.
ENTERPRISES: tuple[tuple[UnitSpec, str], ...] = (
    (
        _llc(
            "TH-NAMSONGMA",
            "Nam Song Ma Irrigation One Member LLC",
            "Nam Song Ma",
            OwnershipType.STATE,
            IRRIGATION,
        ),
        "namsongma",
    ),
    (
        _jsc(
            "TH-URBANENV",
            "Thanh Hoa Urban Environment and Construction JSC",
            "Urban Environment",
            "Urban environment and construction",
        ),
        "urbanenv",
    ),
    (
        _jsc("TH-WATER", "Thanh Hoa Water Supply JSC", "Water Supply", "Water supply"),
        "watersupply",
    ),
    (
        _llc("TH-SONGCHU", "Song Chu Company Limited", "Song Chu", OwnershipType.STATE, IRRIGATION),
        "songchu",
    ),
    (
        _llc(
            BAC_SONG_MA,
            "Bac Song Ma Irrigation Company Limited",
            "Bac Song Ma",
            OwnershipType.STATE,
            IRRIGATION,
        ),
        "bacsongma",
    ),
    (
        replace(_llc(LAM_SON, "Lam Son Company Limited", "Lam Son"), children=LAM_SON_DEPARTMENTS),
        "lamson",
    ),
    (
        _llc(
            "TH-MEDLATEC",
            "MEDLATEC Thanh Hoa Company Limited",
            "MEDLATEC Thanh Hoa",
            OwnershipType.PRIVATE,
            "Medical testing and diagnostics",
        ),
        "medlatec",
    ),
)

ROOT_UNIT = UnitSpec(
    ROOT,
    "Thanh Hoa Province",
    "province",
    short_name="Thanh Hoa",
    ownership_type=OwnershipType.GOVERNMENT,
    area=AREA,
    children=(
        UnitSpec(
            COMMITTEE,
            "Thanh Hoa Provincial Emulation and Reward Committee",
            "committee",
            short_name="Provincial Emulation and Reward Committee",
            ownership_type=OwnershipType.GOVERNMENT,
            area=AREA,
        ),
        *(unit for unit, _ in ENTERPRISES),
    ),
)

DECISION = DecisionSpec(
    key="TH-1197",
    number="1197/QD-UBND",
    date=DECIDED,
    issuer="Chairman of the Thanh Hoa Provincial People's Committee",
    recorded_by=COMMITTEE,
    title="On the emulation clusters and blocks of Thanh Hoa province, "
    "including Emulation Cluster No. 18",
    signer_title="Chairman",
    file_name="1197-QD-UBND.pdf",
    file_lines=(
        "THANH HOA PROVINCIAL PEOPLE'S COMMITTEE",
        "No. 1197/QD-UBND                        Thanh Hoa, 27 March 2024",
        "",
        "DECISION",
        "of the Chairman of the Thanh Hoa Provincial People's Committee",
        "on the emulation clusters and blocks of the province",
        "",
        "Emulation Cluster No. 18 has 7 member units:",
        "1. Nam Song Ma Irrigation One Member LLC",
        "2. Thanh Hoa Urban Environment and Construction JSC",
        "3. Thanh Hoa Water Supply JSC",
        "4. Song Chu Company Limited",
        "5. Bac Song Ma Irrigation Company Limited",
        "6. Lam Son Company Limited",
        "7. MEDLATEC Thanh Hoa Company Limited",
        "",
        "Pacesetter demo: a placeholder standing in for the signed scan.",
    ),
)

CLUSTER_18 = ClusterSpec(
    code=CLUSTER,
    name="Emulation Cluster No. 18",
    owner=COMMITTEE,
    decision=DECISION.key,
    description="Provincial enterprises of two types: single-member LLCs and joint-stock "
    "companies with 50–100% state capital. Units register emulation content; each unit's "
    "Emulation & Reward Council monitors, inspects, encourages and evaluates.",
    members=tuple(unit.code for unit, _ in ENTERPRISES),
    members_from=DECIDED,
    leaders=(
        LeaderSpec(2024, LeadershipRole.LEADER, LAM_SON, DECIDED),
        LeaderSpec(2024, LeadershipRole.DEPUTY, BAC_SONG_MA, DECIDED),
    ),
)

PROVINCIAL_COUNCIL = BodySpec(
    key="TH-COUNCIL",
    name="Thanh Hoa Provincial Emulation and Reward Council",
    kind=BodyKind.COUNCIL,
    owner=COMMITTEE,
    seats=(SeatSpec(COUNCILS_FROM, username="council.thanhhoa"),),
)

UNIT_COUNCILS = tuple(
    BodySpec(
        key=f"{unit.code}-COUNCIL",
        name=f"{unit.short_name} Emulation & Reward Council",
        kind=BodyKind.COUNCIL,
        owner=unit.code,
        seats=(
            (
                SeatSpec(COUNCILS_FROM, username="leader.lamson", position=MemberPosition.CHAIR),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-UNION", position=MemberPosition.VICE_CHAIR),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-PROD"),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-ADMIN", position=MemberPosition.SECRETARY),
            )
            if unit.code == LAM_SON
            else ()
        ),
    )
    for unit, _ in ENTERPRISES
)

CASE = CaseSpec(
    title="Thanh Hoa province (Vietnam): Emulation Cluster No. 18, 2024",
    root=ROOT_UNIT,
    time_zone="Asia/Ho_Chi_Minh",
    decisions=(DECISION,),
    clusters=(CLUSTER_18,),
    bodies=(PROVINCIAL_COUNCIL, *UNIT_COUNCILS),
    accounts=(
        AccountSpec("staff.thanhhoa", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec(
            "leader.lamson",
            (
                GrantSpec(Role.CLUSTER_LEADER, cluster=CLUSTER),
                GrantSpec(Role.UNIT_OFFICER, unit=LAM_SON),
            ),
        ),
        *(
            AccountSpec(f"officer.{short}", (GrantSpec(Role.UNIT_OFFICER, unit=unit.code),))
            for unit, short in ENTERPRISES
            if unit.code != LAM_SON
        ),
        AccountSpec("viewer.thanhhoa", (GrantSpec(Role.VIEWER, unit=ROOT),)),
        AccountSpec("council.thanhhoa", (GrantSpec(Role.COUNCIL_MEMBER, body="TH-COUNCIL"),)),
    ),
)
