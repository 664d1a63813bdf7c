"""The top navigation shows each role the screens it uses."""

import pytest

from pacesetter.accounts.navigation import MENU, menu_for

ALL = [str(item.label) for item in MENU]

EXPECTED = {
    "committee_staff": ALL,
    "superuser": ALL,
    "cluster_leader": ["Clusters", "Campaigns", "My queue", "Work plans", "Meetings", "My work"],
    "unit_officer": [
        "Units",
        "Campaigns",
        "Awards",
        "People register",
        "Work plans",
        "Meetings",
        "Chains",
        "My work",
    ],
    "council_member": ["Bodies", "Awards", "Votes", "Work plans", "Meetings"],
    "viewer": ["Units", "Campaigns", "Awards", "People register", "Work plans"],
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
