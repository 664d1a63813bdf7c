"""The award catalog, proposals and granted awards: each role x each action x (own unit,
child unit, other unit, other cluster), and anonymous.

The policies' rules: everyone signed in reads the catalog; committee staff of a root unit
(and superusers) add awards, change them and add versions of their rules. A proposal is seen by the
proposer (the cluster's leader, or committee staff over the proposing unit), by the
committee (staff over the receiving committee unit) and by roles over a candidate's
unit; the proposer proposes and the committee decides; the dossier is for the proposer
and the committee only. A granted award is seen by roles over the recipient unit (or the
person's unit) and by committee staff over the unit that recorded the decision, who
revoke it. A person of the register is read by the roles over their unit and edited by
its officers and the committee staff above it; unit officers over the proposing unit
also add people of its register to a proposal (``nominate``). Each cell checks
``allows`` for the object and ``visible`` for the queryset, which must agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.models import Award, AwardGrant, Proposal
from pacesetter.awards.policies import award_policy, grant_policy, person_policy, proposal_policy
from pacesetter.awards.services import (
    award_create,
    grant_record,
    proposal_from_ranking,
    proposal_nominate,
)
from pacesetter.awards.tests.factories import PersonFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.matrix import (
    NONE,
    ROLES,
    assert_allowed_actions_agree,
    assert_matrix,
    user_of,
)


def _award(code: str, recipient_kind: str) -> Award:
    # The catalog has no factory; the awards fixtures create awards the same way.
    return Award.objects.create(
        code=code, name_en=code, level="provincial", recipient_kind=recipient_kind, issuer_en="PPC"
    )


# --- The catalog ---------------------------------------------------------------------------

#: A preset award (loaded from a catalog) and a deployment's own (created on a screen).
#: The catalog is shared by every organization and an award has no unit, so the targets
#: differ only in where the award came from; ``create`` is ``award_policy.may_create``.
AWARD_TARGETS = ("preset", "own")

EVERYONE_SIGNED_IN = {role: frozenset(AWARD_TARGETS) for role in ROLES if role != "anonymous"}
CATALOG_WRITERS = {
    "superuser": frozenset(AWARD_TARGETS),
    "committee_staff": frozenset(AWARD_TARGETS),  # staff of a root unit
}
AWARD_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": EVERYONE_SIGNED_IN,
    "update": CATALOG_WRITERS,
}
#: Roles that may add an award (no object to ask about).
AWARD_CREATORS = frozenset(CATALOG_WRITERS)


def awards() -> dict[str, Award]:
    preset = _award("flag", "unit")
    preset.preset = "vn"
    preset.save(update_fields=["preset"])
    own = award_create(
        actor=None,
        code="own-merit",
        name="Own merit",
        level="grassroots",
        recipient_kind="person",
        issuer="The committee",
    )
    return {"preset": preset, "own": own}


def test_the_award_matrix_names_every_action():
    assert set(AWARD_MATRIX) == set(award_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_award_permission_matrix(world, role):
    user = user_of(world, role)
    assert_matrix(award_policy, user, awards(), AWARD_MATRIX, role)
    assert award_policy.may_create(user) is (role in AWARD_CREATORS)


def test_staff_below_a_root_unit_may_not_write_the_catalog(world):
    # Committee staff over the Committee (a unit under the province) read the catalog
    # like everyone, but it is shared beyond their subtree: they may not change it.
    user = UserFactory(username="staff.committee")
    role_grant(actor=None, user=user, role=Role.COMMITTEE_STAFF, unit=world.committee)
    found = awards()
    assert award_policy.allows(user, "view", found["own"])
    assert not award_policy.allows(user, "update", found["own"])
    assert not award_policy.may_create(user)


# The catalog's rule for ``view`` is the empty Q() (everyone signed in): allowed_actions
# once put it in a When(), which Django refuses; it now answers it as "all rows".
@pytest.mark.parametrize("role", ROLES)
def test_award_allowed_actions_agree_with_allows(world, role):
    user = user_of(world, role)
    assert_allowed_actions_agree(award_policy, user, awards().values())


# --- Proposals -----------------------------------------------------------------------------

#: ``from_ranking``: Cluster A's proposal drafted by the own unit from the published
#: ranking (the own and the third unit are its candidates), to the committee. The others
#: are nominations to their organization's committee, each by one unit of itself: the own
#: unit, its child, the sibling unit (Cluster A) and the other unit (Cluster B, another
#: organization). ``candidacy``: the other unit proposes a person of the child unit.
PROPOSAL_TARGETS = ("from_ranking", "own", "child", "other_unit", "other_cluster", "candidacy")

#: Proposed and decided under the province, where the staff work.
PROVINCE = frozenset({"from_ranking", "own", "child", "other_unit"})
#: With a candidate of the own unit or its child (the officer's and the viewer's subtree).
CANDIDATE_IN_SUBTREE = frozenset({"from_ranking", "own", "child", "candidacy"})
#: The proposal of Cluster A (the leader's).
LED = frozenset({"from_ranking"})

#: action → role → the targets the role may do the action to. ``dossier`` is
#: ``proposal_policy.sees_dossier``: every candidate, the dossier and the attachments.
PROPOSAL_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": frozenset(PROPOSAL_TARGETS),
        "committee_staff": PROVINCE | {"candidacy"},  # the person's unit is under it
        "cluster_leader": LED,
        "unit_officer": CANDIDATE_IN_SUBTREE,
        "viewer": CANDIDATE_IN_SUBTREE,
    },
    "propose": {
        "superuser": frozenset(PROPOSAL_TARGETS),
        "committee_staff": PROVINCE,
        "cluster_leader": LED,
    },
    "decide": {"superuser": frozenset(PROPOSAL_TARGETS), "committee_staff": PROVINCE},
    # Adding a person of the proposing unit's register: the proposers, and the unit
    # officers over the proposing unit (the own unit proposes from_ranking and own).
    "nominate": {
        "superuser": frozenset(PROPOSAL_TARGETS),
        "committee_staff": PROVINCE,
        "cluster_leader": LED,
        "unit_officer": frozenset({"from_ranking", "own", "child"}),
    },
    "dossier": {
        "superuser": frozenset(PROPOSAL_TARGETS),
        "committee_staff": PROVINCE,
        "cluster_leader": LED,
    },
}


def proposals(world: Any, ranked: Any) -> dict[str, Proposal]:
    found = {
        "from_ranking": proposal_from_ranking(
            actor=None,
            award=ranked.flag,
            review_point=ranked.scoring.h1,
            cluster=world.cluster,
            decision_date=dt.date(2024, 12, 15),
            committee_unit=world.committee,
            proposer_unit=world.own,
        )
    }
    nominations = {
        "own": (world.own, world.committee),
        "child": (world.child, world.committee),
        "other_unit": (world.sibling, world.committee),
        "other_cluster": (world.other, world.other_root),
    }
    for key, (unit, committee) in nominations.items():
        found[key] = proposal_nominate(
            actor=None,
            award=ranked.flag,
            year=2024,
            decision_date=dt.date(2024, 12, 15),
            committee_unit=committee,
            proposer_unit=unit,
            units=[unit],
        )
    found["candidacy"] = proposal_nominate(
        actor=None,
        award=ranked.merit,
        year=2024,
        decision_date=dt.date(2024, 12, 15),
        committee_unit=world.other_root,
        proposer_unit=world.other,
        people=[PersonFactory.create(unit=world.child)],
    )
    return found


def test_the_proposal_matrix_names_every_action():
    assert set(PROPOSAL_MATRIX) == {*proposal_policy.actions, "dossier"}


@pytest.mark.parametrize("role", ROLES)
def test_proposal_permission_matrix(world, ranked, role):
    # One test per role for both questions: the ranking behind the proposals is costly.
    user = user_of(world, role)
    objects = proposals(world, ranked)
    answers: dict[str, frozenset[str]] = {}
    visible: dict[str, frozenset[str]] = {}
    for action in proposal_policy.actions:
        answers[action] = frozenset(
            key for key in PROPOSAL_TARGETS if proposal_policy.allows(user, action, objects[key])
        )
        pks = set(proposal_policy.visible(user, action).values_list("pk", flat=True))
        visible[action] = frozenset(key for key in PROPOSAL_TARGETS if objects[key].pk in pks)
    answers["dossier"] = visible["dossier"] = frozenset(
        key for key in PROPOSAL_TARGETS if proposal_policy.sees_dossier(user, objects[key])
    )
    expected = {action: by_role.get(role, NONE) for action, by_role in PROPOSAL_MATRIX.items()}
    assert answers == expected
    assert visible == expected
    # allowed_actions agrees with allows, object by object.
    assert proposal_policy.allowed_actions(user, objects.values()) == {
        proposal.pk: frozenset(
            action
            for action in proposal_policy.actions
            if proposal_policy.allows(user, action, proposal)
        )
        for proposal in objects.values()
    }


# --- Granted awards ------------------------------------------------------------------------

#: Granted to the own unit, its child and the sibling unit by a decision of the committee;
#: to the other unit (Cluster B) by a decision of the other organization's root; and
#: ``person_child``: to a person of the child unit by a decision of that root.
GRANT_TARGETS = ("own", "child", "other_unit", "other_cluster", "person_child")

#: Recorded by the committee (under the province, where the staff work).
RECORDED_IN_PROVINCE = frozenset({"own", "child", "other_unit"})
#: Received in the own unit's subtree (the officer's and the viewer's).
RECEIVED_IN_SUBTREE = frozenset({"own", "child", "person_child"})

GRANT_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": frozenset(GRANT_TARGETS),
        "committee_staff": RECORDED_IN_PROVINCE | {"person_child"},  # received under it
        "unit_officer": RECEIVED_IN_SUBTREE,
        "viewer": RECEIVED_IN_SUBTREE,
    },
    "update": {"superuser": frozenset(GRANT_TARGETS), "committee_staff": RECORDED_IN_PROVINCE},
}


def grants(world: Any) -> dict[str, AwardGrant]:
    flag, merit = _award("flag", "unit"), _award("merit", "person")
    decisions = {
        owner.pk: DecisionFactory(owner_unit=owner) for owner in (world.committee, world.other_root)
    }
    recipients = {
        "own": (world.own, world.committee),
        "child": (world.child, world.committee),
        "other_unit": (world.sibling, world.committee),
        "other_cluster": (world.other, world.other_root),
    }
    found = {
        key: grant_record(
            actor=None, award=flag, decision=decisions[owner.pk], year=2024, unit=unit
        )
        for key, (unit, owner) in recipients.items()
    }
    found["person_child"] = grant_record(
        actor=None,
        award=merit,
        decision=decisions[world.other_root.pk],
        year=2024,
        person=PersonFactory(unit=world.child),
    )
    return found


def test_the_grant_matrix_names_every_action():
    assert set(GRANT_MATRIX) == set(grant_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_grant_permission_matrix(world, role):
    user = user_of(world, role)
    objects = grants(world)
    assert_matrix(
        grant_policy, user, {key: objects[key] for key in GRANT_TARGETS}, GRANT_MATRIX, role
    )


@pytest.mark.parametrize("role", ROLES)
def test_grant_allowed_actions_agree_with_allows(world, role):
    user = user_of(world, role)
    found = list(grants(world).values())
    assert_allowed_actions_agree(grant_policy, user, found)


# --- The register of people ------------------------------------------------------------

#: A person of the own unit, of its child, of the sibling unit (Cluster A) and of the
#: other organization's unit (Cluster B).
PERSON_TARGETS = ("own", "child", "sibling", "other")
UNDER_PROVINCE = frozenset({"own", "child", "sibling"})
UNDER_OWN = frozenset({"own", "child"})

#: The roles over the person's current unit read the register; its officers and the
#: committee staff above it edit it. A cluster's leader and a council see the units but
#: not their people.
PERSON_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": frozenset(PERSON_TARGETS),
        "committee_staff": UNDER_PROVINCE,
        "unit_officer": UNDER_OWN,
        "viewer": UNDER_OWN,
    },
    "update": {
        "superuser": frozenset(PERSON_TARGETS),
        "committee_staff": UNDER_PROVINCE,
        "unit_officer": UNDER_OWN,
    },
}


def test_the_person_matrix_names_every_action():
    assert set(PERSON_MATRIX) == set(person_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_person_permission_matrix(world, role):
    people = {
        key: PersonFactory.create(unit=getattr(world, key), full_name=f"Person {key}")
        for key in PERSON_TARGETS
    }
    user = user_of(world, role)
    assert_matrix(person_policy, user, people, PERSON_MATRIX, role)
    assert_allowed_actions_agree(person_policy, user, people.values())
