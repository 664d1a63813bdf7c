"""The demo's own award catalog, for an installation without the award presets: written
through the award services like the rest of the demo, each award and rule version with
its audit entry. (A module of its own: the other demo modules load the whole demo.)"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.awards.models import Award
from pacesetter.demo import awards as demo_awards
from pacesetter.demo.awards import AwardLoader
from pacesetter.demo.data import AWARD_CATALOG, AWARD_LOCAL_RULES

pytestmark = pytest.mark.django_db


def entries(award: Award) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="awards.award", target_id=str(award.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_without_the_presets_the_demo_writes_its_catalog_through_the_services(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(demo_awards, "get_commands", dict)  # no load_award_presets
    authors = {rule.author for rule in AWARD_LOCAL_RULES}
    loader = AwardLoader(
        units={},
        users={name: UserFactory(username=name) for name in authors},
        clusters={},
        campaigns={},
    )

    loader.load(
        catalog=AWARD_CATALOG,
        local_rules=AWARD_LOCAL_RULES,
        decisions=(),
        recorded_by={},
        history=(),
        proposals=(),
    )

    for spec in AWARD_CATALOG:
        award = Award.objects.get(code=spec.code)
        assert (award.name, award.preset) == (spec.name, spec.preset)
        assert entries(award)[:1] == ["award.preset_load"]
        if spec.rule is not None:
            assert award.rules.get(valid_from=spec.rule_from).rule == spec.rule
    for rule in AWARD_LOCAL_RULES:
        award = Award.objects.get(code=rule.award)
        assert award.rules.get(valid_from=rule.valid_from).valid_to == rule.valid_to
        entry = AuditEntry.objects.filter(target_id=str(award.pk), action="award.rule_add").get()
        assert entry.actor.username == rule.author
