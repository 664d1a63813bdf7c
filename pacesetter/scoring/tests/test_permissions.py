"""Score items: each role x each action x (own unit's item, a peer's item)."""

import pytest

from pacesetter.scoring.models import ItemState, ScoreItem
from pacesetter.scoring.policies import score_item_policy
from pacesetter.scoring.services import inspection_assign

ROLES = [
    "superuser",
    "committee_staff",
    "cluster_leader",
    "unit_officer",
    "council_member",
    "viewer",
    "nobody",
]
# (own unit's item, peer's item); the own unit is assigned to cross-inspect the peer.
MATRIX = {
    "view": {
        "superuser": (True, True),
        "committee_staff": (True, True),
        "cluster_leader": (True, True),
        "unit_officer": (True, True),  # the peer only because its unit inspects it
        "council_member": (False, False),
        "viewer": (True, False),
        "nobody": (False, False),
    },
    "report": {
        "superuser": (True, True),
        "committee_staff": (True, True),
        "cluster_leader": (False, False),
        "unit_officer": (True, False),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
    "inspect": {
        "superuser": (True, True),
        "committee_staff": (False, True),
        "cluster_leader": (False, False),
        "unit_officer": (False, True),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
    "review": {
        "superuser": (True, True),
        "committee_staff": (False, False),
        "cluster_leader": (True, True),
        "unit_officer": (False, False),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
    "finalize": {
        "superuser": (True, True),
        "committee_staff": (True, True),
        "cluster_leader": (False, False),
        "unit_officer": (False, False),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
}
CELLS = [
    pytest.param(role, action, target, expected, id=f"{role}-{action}-{target}")
    for action, by_role in MATRIX.items()
    for role in ROLES
    for target, expected in zip(("own", "peer"), by_role[role], strict=True)
]


@pytest.mark.parametrize(("role", "action", "target", "expected"), CELLS)
def test_score_item_matrix(world, scoring, role, action, target, expected):
    inspection_assign(actor=None, review_point=scoring.h1, unit=world.sibling, inspector=world.own)
    unit = world.own if target == "own" else world.sibling
    item = scoring.item(unit, "Q1")
    user = world.users[role]
    assert score_item_policy.allows(user, action, item) is expected
    assert (item in score_item_policy.visible(user, action)) is expected


def test_unpublished_scores_of_another_unit_stay_hidden_until_published(world, scoring):
    officer = world.users["unit_officer"]
    visible_units = set(score_item_policy.visible(officer).values_list("unit_id", flat=True))
    assert visible_units == {world.own.pk}
    ScoreItem.objects.filter(review_point=scoring.h1).update(state=ItemState.PUBLISHED)
    visible_units = set(score_item_policy.visible(officer).values_list("unit_id", flat=True))
    assert visible_units == {world.own.pk, world.sibling.pk, scoring.third.pk}
