"""Case 3: Huadu district (Guangzhou), "dual synchronization" meeting, 15 August 2024.

The district's "Two New" work committee (for new economic and new social organizations)
leads; speakers came from the district transport bureau, Xinya street and Shiling town.
The report names no enterprise, so the new enterprises and associations under the towns
carry descriptive names (Shiling is the leather goods town of the "Red Chain" project).
"""

from __future__ import annotations

from pacesetter.accounts.models import Role
from pacesetter.demo.specs import AccountSpec, CaseSpec, GrantSpec, UnitSpec
from pacesetter.units.models import OwnershipType

AREA = "Huadu, Guangzhou"
ROOT = "HUADU"


def _government(code: str, name: str, unit_type: str, *children: UnitSpec) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        unit_type,
        ownership_type=OwnershipType.GOVERNMENT,
        area=AREA,
        children=children,
    )


def _enterprise(code: str, name: str, industry: str) -> UnitSpec:
    return UnitSpec(
        code, name, "enterprise", ownership_type=OwnershipType.PRIVATE, industry=industry, area=AREA
    )


def _association(code: str, name: str, industry: str) -> UnitSpec:
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
    "Huadu District",
    "district",
    _government("HUADU-TWONEW", "Huadu District 'Two New' Work Committee", "committee"),
    _government("HUADU-TRANSPORT", "Huadu District Transport Bureau", "government-department"),
    _government(
        "HUADU-SHILING",
        "Shiling Town",
        "town",
        _enterprise("HUADU-SHILING-E1", "Shiling leather goods enterprise No. 1", LEATHER),
        _enterprise("HUADU-SHILING-E2", "Shiling leather goods enterprise No. 2", LEATHER),
        _association("HUADU-SHILING-A1", "Shiling leather goods industry association", LEATHER),
    ),
    _government(
        "HUADU-XINYA",
        "Xinya Street",
        "street",
        _enterprise(
            "HUADU-XINYA-E1", "Xinya Street commercial-building enterprise No. 1", "Commerce"
        ),
    ),
    _government(
        "HUADU-HUADONG",
        "Huadong Town",
        "town",
        _enterprise(
            "HUADU-HUADONG-E1", "Huadong airport-economy enterprise No. 1", "Aviation logistics"
        ),
    ),
    _government("HUADU-TANBU", "Tanbu Town", "town"),
)

CASE = CaseSpec(
    title="Huadu district (Guangzhou): 'Two New' work, 15 August 2024",
    root=ROOT_UNIT,
    accounts=(
        AccountSpec("staff.huadu", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec("officer.shiling", (GrantSpec(Role.UNIT_OFFICER, unit="HUADU-SHILING"),)),
        AccountSpec("officer.xinya", (GrantSpec(Role.UNIT_OFFICER, unit="HUADU-XINYA"),)),
    ),
)
