"""The shapes of the demo data: plain, frozen records the loader turns into service calls.

Records refer to each other by code (units, clusters) or by key (decisions, bodies),
so a data module reads like the report it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pacesetter.bodies.models import MemberPosition


@dataclass(frozen=True)
class UnitTypeSpec:
    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    unit_type: str  # a UnitTypeSpec code
    short_name: str = ""
    ownership_type: str = ""
    industry: str = ""
    area: str = ""
    children: tuple[UnitSpec, ...] = ()


@dataclass(frozen=True)
class DecisionSpec:
    key: str
    number: str
    date: date
    issuer: str
    recorded_by: str  # unit code
    title: str = ""
    signer_title: str = ""
    file_name: str = ""  # a one-page PDF placeholder is generated when set
    file_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderSpec:
    year: int
    role: str  # LeadershipRole value
    unit: str
    assigned_on: date


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name: str
    owner: str  # unit code
    members: tuple[str, ...]
    members_from: date
    decision: str = ""  # decision key
    description: str = ""
    leaders: tuple[LeaderSpec, ...] = ()


@dataclass(frozen=True)
class TermSpec:
    name: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class SeatSpec:
    """A seat held by a unit (through its representative) or by a demo account."""

    start: date
    unit: str = ""
    username: str = ""
    position: str = MemberPosition.MEMBER


@dataclass(frozen=True)
class BodySpec:
    key: str
    name: str
    kind: str  # BodyKind value
    owner: str  # unit code
    description: str = ""
    term: TermSpec | None = None
    seats: tuple[SeatSpec, ...] = ()


@dataclass(frozen=True)
class GrantSpec:
    """A role over a unit subtree (unit code), a cluster (code) or a body (key)."""

    role: str
    unit: str = ""
    cluster: str = ""
    body: str = ""


@dataclass(frozen=True)
class AccountSpec:
    username: str
    grants: tuple[GrantSpec, ...]


@dataclass(frozen=True)
class CaseSpec:
    """One real case of the product brief: an organization and its network."""

    title: str
    root: UnitSpec
    decisions: tuple[DecisionSpec, ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    bodies: tuple[BodySpec, ...] = ()
    accounts: tuple[AccountSpec, ...] = ()
