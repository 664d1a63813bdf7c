"""Case 5: research visit of the China machinery, metallurgy and building-materials trade
union to Hunan enterprises, 31 August to 2 September 2020.

The report names Xiangdian and Xianggang "and others"; the third enterprise union
carries a descriptive name.
"""

from __future__ import annotations

from pacesetter.accounts.models import Role
from pacesetter.demo.specs import AccountSpec, CaseSpec, GrantSpec, UnitSpec
from pacesetter.units.models import OwnershipType

ROOT = "MMB-TU"
XIANGDIAN = "MMB-XIANGDIAN"


def _enterprise_union(code: str, name: str, short: str, industry: str, area: str) -> UnitSpec:
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
    "China Machinery, Metallurgy and Building Materials Trade Union",
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

CASE = CaseSpec(
    title="Machinery, metallurgy and building materials: Hunan research visit, 2020",
    root=ROOT_UNIT,
    accounts=(
        AccountSpec("staff.machinery", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.xiangdian", (GrantSpec(Role.UNIT_OFFICER, unit=XIANGDIAN),)),
    ),
)
