"""Award fixtures: a published ranking of Cluster A (own 1st, third 2nd, sibling vetoed
3rd), a provincial flag for the top two that meets rank and veto rules, and an officer
for every member unit so the cluster can vote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.models import Award, EligibilityRule, LegalReference
from pacesetter.scoring.services import (
    item_finalize,
    item_report,
    item_review,
    item_submit,
    review_point_publish,
)
from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
from pacesetter.testing.shared import register, shared


@dataclass
class Ranked:
    scoring: Any
    flag: Award
    merit: Award
    officers: dict[str, Any]


def _finalize_all(campaign: Any, results: dict[tuple[int, str], dict[str, Any]]) -> None:
    for item in campaign.h1.items.select_related("criterion"):
        values = results.get((item.unit_id, item.criterion.code), {})
        if values:
            item = item_report(actor=None, item=item, version=item.version, **values)
        if item.not_assigned:
            continue
        item.refresh_from_db()
        if item.computed is None and item.criterion.kind != "veto":
            item = item_report(
                actor=None, item=item, version=item.version, actual=D(0), count=0, passed=False
            )
        item = item_submit(
            actor=None,
            item=item,
            version=item.version,
            self_score=None if item.computed is not None else D(0),
        )
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)


def build_ranked(world: Any, scoring: Any) -> Ranked:  # noqa: F811
    own, sib, third = world.own.pk, world.sibling.pk, scoring.third.pk
    _finalize_all(
        scoring,
        {
            (own, "Q1"): {"actual": D(100)},
            (own, "Q2"): {"actual": D(50)},
            (own, "P1"): {"passed": True},
            (own, "C1"): {"count": 4},
            (sib, "Q1"): {"actual": D(200)},
            (sib, "P1"): {"passed": True},
            (sib, "V1"): {"passed": True},
            (third, "Q1"): {"actual": D(40)},
            (third, "Q2"): {"actual": D(20)},
            (third, "P1"): {"passed": True},
        },
    )
    review_point_publish(actor=None, review_point=scoring.h1)
    scoring.h1.refresh_from_db()
    flag = Award.objects.create(
        code="test-provincial-flag",
        preset="vn",
        name_en="Provincial Emulation Flag",
        name_vi="Cờ thi đua cấp tỉnh",
        name_zh_hans="省级竞赛旗",
        level="provincial",
        recipient_kind="unit",
        issuer_en="Provincial People's Committee",
        quota_count=2,
        position=1,
    )
    EligibilityRule.objects.create(
        award=flag,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2023, 12, 31),
        rule={"rank_at_most": {"rank": 1}},
    )
    EligibilityRule.objects.create(
        award=flag,
        valid_from=dt.date(2024, 1, 1),
        rule={
            "all": [
                {"rank_at_most": {"rank": 2}},
                {"no_veto": {}},
                {
                    "any": [
                        {"percentage_at_least": {"percent": 50}},
                        {"not": {"unit_type_in": {"codes": ["province"]}}},
                    ]
                },
                {"not_awarded_within": {"award": "test-merit", "years": 2}},
            ]
        },
    )
    LegalReference.objects.create(
        award=flag, citation="Decree 98/2023/ND-CP, art. 26", valid_from=dt.date(2024, 1, 15)
    )
    merit = Award.objects.create(
        code="test-merit",
        preset="vn",
        name_en="Certificate of Merit",
        level="provincial",
        recipient_kind="person",
        issuer_en="Chairman of the Provincial People's Committee",
        quota_percent=D("15"),
        position=2,
    )
    officers = {"own": world.users["unit_officer"]}
    for key, unit in (("sibling", world.sibling), ("third", scoring.third)):
        officers[key] = UserFactory(username=f"officer.{key}")
        role_grant(actor=None, user=officers[key], role=Role.UNIT_OFFICER, unit=unit)
    return Ranked(scoring=scoring, flag=flag, merit=merit, officers=officers)


register("ranked", build_ranked, needs=("world", "scoring"))


@pytest.fixture
def ranked(request: pytest.FixtureRequest, world: Any, scoring: Any) -> Ranked:  # noqa: F811
    return shared(request, "ranked", world, scoring)
