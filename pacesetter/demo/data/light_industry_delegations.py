"""The delegations at the Danyang demonstration exchange of 6 June 2024 (case 4).

The report counts them and names two: 9 units presented their experience (the Danyang
Municipal Federation of Trade Unions among them), 42 units exchanged theirs (the Linhai
Municipal Federation of Trade Unions among them), and the top 200 light-industry
enterprises carry the action; nearly 300 took part. The 7 + 41 units it does not name are
units of the demo tree with numbered names that say so, and the 200 enterprises a list
that is DEMO DATA: numbered, by a light-industry sector, not the real list (which the
report does not publish). No company or person is invented.

Assumptions (demo figures, not the report's): a presenting unit sends 3 people, an
exchanging unit 1, an enterprise 1; 5 of the enterprises did not come. In the coverage
register (demo/coverage.py), kept by the light-industry federation of trade unions, 188
of the 200 have a trade union founded during the special action (from April 2022 to the
exchange), the 12 others none yet; the report gives no party or youth league figures, so
those are not recorded (not built).
"""

from __future__ import annotations

from pacesetter.demo.specs import DelegationSpec, T, UnitSpec
from pacesetter.units.models import OwnershipType

#: How many units presented and exchanged experience, and how many enterprises carry
#: the action (the report's figures).
PRESENTING_COUNT, EXCHANGING_COUNT, ENTERPRISE_COUNT = 9, 42, 200
#: The demo's assumptions: people per delegation, enterprises that did not come.
PRESENTING_SIZE, EXCHANGING_SIZE, ENTERPRISE_SIZE = 3, 1, 1
ENTERPRISES_ABSENT = 5


def _unit(code: str, number: int, what_en: str, what_zh: str) -> UnitSpec:
    return UnitSpec(
        code,
        T(
            zh_hans=f"{what_zh}第{number}号（报告未列名）",
            en=f"{what_en} No. {number} (not named in the report)",
        ),
        "trade-union",
        ownership_type=OwnershipType.NON_PROFIT,
        industry="Light industry",
    )


def presenting_code(number: int) -> str:
    return f"LIGHT-PRESENTING-{number:02d}"


def exchanging_code(number: int) -> str:
    return f"LIGHT-EXCHANGING-{number:02d}"


#: The presenting units other than Danyang's federation (numbers 2 to 9).
PRESENTING_UNITS: tuple[UnitSpec, ...] = tuple(
    _unit(presenting_code(n), n, "Presenting unit", "交流发言单位")
    for n in range(2, PRESENTING_COUNT + 1)
)
#: The exchanging units other than Linhai's federation (numbers 2 to 42).
EXCHANGING_UNITS: tuple[UnitSpec, ...] = tuple(
    _unit(exchanging_code(n), n, "Exchanging unit", "交流单位")
    for n in range(2, EXCHANGING_COUNT + 1)
)

#: Light-industry sectors the demo's enterprises are spread over (the federation's
#: sectors; eyewear first, as Danyang and Linhai are eyewear towns).
SECTORS = (
    "eyewear",
    "household appliances",
    "leather and footwear",
    "paper",
    "food",
    "furniture",
    "ceramics",
    "bicycles",
    "batteries",
    "toys",
)

#: DEMO DATA: the top 200 light-industry enterprises, numbered (not the real list).
TOP_ENTERPRISES: tuple[str, ...] = tuple(
    f"Top-200 light-industry enterprise No. {n:03d}, {SECTORS[(n - 1) % len(SECTORS)]} (demo data)"
    for n in range(1, ENTERPRISE_COUNT + 1)
)


#: DEMO DATA: the numbers of the enterprises without a trade union (every 16th: 12 of 200).
WITHOUT_UNION: frozenset[int] = frozenset(range(16, ENTERPRISE_COUNT + 1, 16))


def delegations(danyang: str, linhai: str) -> tuple[DelegationSpec, ...]:
    """The exchange's delegations: the 9 presenting units (speakers), the 42 exchanging
    units and the 200 enterprises (members), each checked in with the number who came."""
    presenting = (danyang, *(presenting_code(n) for n in range(2, PRESENTING_COUNT + 1)))
    exchanging = (linhai, *(exchanging_code(n) for n in range(2, EXCHANGING_COUNT + 1)))
    return (
        *(DelegationSpec(PRESENTING_SIZE, unit=code, role="speaker") for code in presenting),
        *(DelegationSpec(EXCHANGING_SIZE, unit=code) for code in exchanging),
        *(
            DelegationSpec(
                ENTERPRISE_SIZE,
                label=name,
                present=0 if n > ENTERPRISE_COUNT - ENTERPRISES_ABSENT else None,
            )
            for n, name in enumerate(TOP_ENTERPRISES, start=1)
        ),
    )
