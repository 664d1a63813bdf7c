"""The top navigation shows each role the screens it uses."""

import pytest
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.navigation import MENU, menu_for
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots.services import poll_open
from pacesetter.ballots.tests.factories import PollFactory

ALL = [str(item.label) for item in MENU]

EXPECTED = {
    "committee_staff": ALL,
    "superuser": ALL,
    "cluster_leader": [
        "Clusters",
        "Campaigns",
        "Votes",
        "My queue",
        "Work plans",
        "Meetings",
        "Good practice",
        "My work",
    ],
    "unit_officer": [
        "Units",
        "Campaigns",
        "Awards",
        "People register",
        "Votes",
        "Work plans",
        "Meetings",
        "Chains",
        "Coverage",
        "Good practice",
        "My work",
    ],
    "council_member": ["Bodies", "Awards", "Votes", "Work plans", "Meetings", "Good practice"],
    "viewer": [
        "Units",
        "Campaigns",
        "Awards",
        "People register",
        "Work plans",
        "Coverage",
        "Good practice",
    ],
    "nobody": [],
}


def menu_labels(response):
    return [item["label"] for item in response.context["menu"]]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_its_menu(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/")
    assert menu_labels(response) == EXPECTED[role]
    html = response.content.decode()
    if "People and roles" not in EXPECTED[role]:
        assert "People and roles" not in html


def test_a_unit_officer_finds_their_units_cluster_vote_from_the_menu(client, world):
    # The cluster votes one ballot per member unit, cast by the unit's officer.
    sibling = UserFactory(username="officer.sibling")
    role_grant(actor=None, user=sibling, role=Role.UNIT_OFFICER, unit=world.sibling)
    poll = poll_open(
        actor=None, poll=PollFactory(owner_unit=world.committee, cluster=world.cluster)
    )
    client.force_login(world.users["unit_officer"])
    votes = next(i for i in client.get("/").context["menu"] if i["label"] == "Votes")
    page = client.get(votes["url"]).content.decode()
    assert reverse("ballots:vote", args=[poll.pk]) in page


def test_an_anonymous_visitor_sees_no_menu(client, db):
    response = client.get("/accounts/login/")
    assert response.context["menu"] == []
    assert 'aria-label="Main"' not in response.content.decode()


def test_the_menu_reads_the_roles_once(world, django_assert_max_num_queries):
    # The scope is computed once per request (cached on the user) and shared with the
    # page's own permission checks.
    user = world.users["unit_officer"]
    user._pacesetter_scope = None
    with django_assert_max_num_queries(1):
        menu_for(user)
        menu_for(user)
