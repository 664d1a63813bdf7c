"""The poll's one transition table: the services refuse a move it does not have (with a
code), the page shows exactly the allowed buttons, and the API sends the same set."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.ballots.services import ballot_cast, poll_close, poll_open, poll_publish
from pacesetter.ballots.tests.test_views import make_poll, open_poll, sibling_officer  # noqa: F401
from pacesetter.ballots.workflows import poll_workflow
from pacesetter.testing.api import ApiClient

BUTTONS = {
    "update": "ballots:edit",
    "open": "ballots:open",
    "close": "ballots:close",
    "publish": "ballots:publish",
}


def buttons(client, poll):
    page = client.get(reverse("ballots:detail", args=[poll.pk])).content.decode()
    shown = {step for step, name in BUTTONS.items() if reverse(name, args=[poll.pk]) in page}
    if reverse("ballots:paper_tally", args=[poll.pk]) in page:
        shown.add("paper_tally")
    return shown


def test_a_move_not_in_the_table_is_refused_with_its_code(world, sibling_officer):  # noqa: F811
    poll = make_poll(world)
    for service in (poll_close, poll_publish):
        with pytest.raises(ValidationError) as excinfo:
            service(actor=None, poll=poll)
        assert excinfo.value.code == "invalid_transition"
        assert excinfo.value.messages == ["The poll is Draft; this cannot be done now."]
    with pytest.raises(ValidationError) as excinfo:
        ballot_cast(voter=world.users["unit_officer"], poll=poll, choices={})
    assert excinfo.value.code == "poll_closed"


def test_the_page_shows_exactly_the_allowed_buttons(client, world, sibling_officer):  # noqa: F811
    poll = make_poll(world)
    staff, officer = world.users["committee_staff"], world.users["unit_officer"]
    for state_buttons in (
        {"update", "open"},
        {"close", "paper_tally"},
        {"paper_tally", "publish"},
        set(),
    ):
        client.force_login(staff)
        assert buttons(client, poll) == state_buttons == poll_workflow.allowed(staff, poll)
        client.force_login(officer)  # a voter of the cluster: votes, manages nothing
        assert buttons(client, poll) == set() == poll_workflow.allowed(officer, poll)
        if poll.state == "draft":
            poll = poll_open(actor=None, poll=poll)
        elif poll.state == "open":
            poll = poll_close(actor=None, poll=poll)
        elif poll.state == "closed":
            poll = poll_publish(actor=None, poll=poll)


def test_the_api_sends_allowed_actions_and_rule_codes(world, open_poll):  # noqa: F811
    staff = ApiClient(world.users["committee_staff"])
    officer = ApiClient(world.users["unit_officer"])
    url = f"/polls/{open_poll.pk}"
    assert staff.get(url).json()["allowed_actions"] == ["close", "paper_tally"]
    assert officer.get(url).json()["allowed_actions"] == []
    refused = staff.post(f"{url}/publish")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_transition"
    option = str(open_poll.options.first().pk)
    assert officer.post(f"{url}/vote", {"choices": {option: "yes"}}).status_code == 201
    again = officer.post(f"{url}/vote", {"choices": {option: "no"}}).json()
    assert again["code"] == "already_voted"
    closed = staff.post(f"{url}/close").json()
    assert closed["allowed_actions"] == ["paper_tally", "publish"]
    late = officer.post(f"{url}/vote", {"choices": {option: "no"}}).json()
    assert late["code"] == "poll_closed"


def test_the_cluster_leader_gets_its_own_clusters_steps_and_not_the_councils(
    world,
    client,
    open_poll,  # noqa: F811
):
    """The leader of the voting cluster closes and publishes its vote (page and API); a
    council poll of the same committee stays with the committee staff."""
    leader = world.users["cluster_leader"]
    api = ApiClient(leader)
    poll = open_poll
    client.force_login(leader)
    assert buttons(client, poll) == {"close", "paper_tally"}
    assert api.get(f"/polls/{poll.pk}").json()["allowed_actions"] == ["close", "paper_tally"]
    assert api.post(f"/polls/{poll.pk}/close").json()["allowed_actions"] == [
        "paper_tally",
        "publish",
    ]
    council = make_poll(world, cluster=None, body=world.council)
    assert poll_workflow.allowed(world.users["committee_staff"], council) == {"update", "open"}
    assert poll_workflow.allowed(leader, council) == set()
    assert api.post(f"/polls/{council.pk}/open").status_code in (403, 404)
