"""Case 4: light-industry "industrial workforce reform" special action, demonstration
exchange, 6 June 2024, Danyang, Jiangsu.

The action has run since April 2022 with pilot units at every level; Danyang and Linhai
municipal federations of trade unions are among them. The report names no enterprise,
so the enterprise unions carry descriptive names (Danyang and Linhai are eyewear towns).

Assumption: pilot membership starts on 1 April 2022 (the report gives only the month).
"""

from __future__ import annotations

from datetime import date

from pacesetter.accounts.models import Role
from pacesetter.demo.specs import AccountSpec, CaseSpec, ClusterSpec, GrantSpec, UnitSpec
from pacesetter.units.models import OwnershipType

ROOT = "LIGHT-TU"
DANYANG = "LIGHT-DANYANG"
LINHAI = "LIGHT-LINHAI"


def _union(code: str, name: str, unit_type: str, area: str, *children: UnitSpec) -> UnitSpec:
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
    "China Light Industry Federation of Trade Unions",
    "trade-union",
    "Beijing",
    _union(
        DANYANG,
        "Danyang Municipal Federation of Trade Unions",
        "trade-union",
        "Danyang, Jiangsu",
        _union(
            "LIGHT-DANYANG-E1",
            "Danyang eyewear enterprise trade union No. 1",
            "grassroots-union",
            "Danyang, Jiangsu",
        ),
    ),
    _union(
        LINHAI,
        "Linhai Municipal Federation of Trade Unions",
        "trade-union",
        "Linhai, Zhejiang",
        _union(
            "LIGHT-LINHAI-E1",
            "Linhai eyewear enterprise trade union No. 1",
            "grassroots-union",
            "Linhai, Zhejiang",
        ),
    ),
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

CASE = CaseSpec(
    title="Light industry: industrial workforce reform special action, 6 June 2024",
    root=ROOT_UNIT,
    clusters=(PILOTS,),
    accounts=(
        AccountSpec("staff.lightindustry", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.danyang", (GrantSpec(Role.UNIT_OFFICER, unit=DANYANG),)),
        AccountSpec("officer.linhai", (GrantSpec(Role.UNIT_OFFICER, unit=LINHAI),)),
    ),
)
