"""The proposal's one transition table: the services refuse a move it does not have, the
page shows exactly the allowed steps, and the API sends the same set."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.awards import services
from pacesetter.awards.tests.test_views import drafted  # noqa: F401
from pacesetter.awards.workflows import proposal_workflow
from pacesetter.testing.api import ApiClient

STEP_URLS = {
    "check": "awards:proposal_check",
    "cluster_vote": "awards:proposal_cluster_vote",
    "send": "awards:proposal_send",
    "accept": "awards:proposal_accept",
    "return": "awards:proposal_return",
    "publish": "awards:proposal_publish",
    "council_vote": "awards:proposal_council_vote",
    "decide": "awards:proposal_decide",
    "attach": "awards:attachment_upload",
}


def buttons(client, proposal):
    page = client.get(reverse("awards:proposal", args=[proposal.pk])).content.decode()
    return {step for step, name in STEP_URLS.items() if reverse(name, args=[proposal.pk]) in page}


def test_a_move_not_in_the_table_is_refused_with_its_code(drafted):  # noqa: F811
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_accept(actor=None, proposal=drafted)
    assert excinfo.value.code == "invalid_transition"
    assert "it cannot move to Accepted by the committee" in excinfo.value.messages[0]
    drafted.refresh_from_db()
    assert drafted.state == "draft"


def test_the_page_shows_exactly_the_allowed_steps(client, world, drafted):  # noqa: F811
    leader, officer = world.users["cluster_leader"], world.users["unit_officer"]
    client.force_login(leader)
    assert buttons(client, drafted) == {"check", "attach", "cluster_vote", "send"}
    assert buttons(client, drafted) == proposal_workflow.allowed(leader, drafted)
    client.force_login(officer)  # a candidate's unit: sees its candidacy, acts on nothing
    assert buttons(client, drafted) == set() == proposal_workflow.allowed(officer, drafted)


def test_after_sending_the_committee_has_the_next_steps(client, world, drafted):  # noqa: F811
    sent = services.proposal_send(actor=None, proposal=drafted)
    client.force_login(world.users["committee_staff"])
    assert buttons(client, sent) == {"check", "attach", "accept", "return"}
    client.force_login(world.users["cluster_leader"])
    assert buttons(client, sent) == {"check", "attach"}


def test_the_api_sends_allowed_actions_per_role(world, drafted):  # noqa: F811
    url = f"/proposals/{drafted.pk}"
    leader = ApiClient(world.users["cluster_leader"]).get(url).json()
    assert leader["allowed_actions"] == ["check", "attach", "cluster_vote", "send"]
    officer = ApiClient(world.users["unit_officer"]).get(url).json()
    assert officer["allowed_actions"] == []
    sent = ApiClient(world.users["cluster_leader"]).post(f"{url}/send").json()
    assert sent["allowed_actions"] == ["check", "attach"]
    staff = ApiClient(world.users["committee_staff"]).get(url).json()
    assert staff["allowed_actions"] == ["check", "attach", "accept", "return"]
    refused = ApiClient(world.users["committee_staff"]).post(
        f"{url}/publish-for-comment", {"days": 5}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_transition"
