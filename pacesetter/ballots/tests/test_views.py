"""The ballot screens: the list, setting up, managing, voting, receipts and results."""

import datetime as dt
import re
from fractions import Fraction

import pytest
from django.contrib import admin
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots.models import (
    Ballot,
    BallotChoice,
    Entitlement,
    Option,
    PaperBallots,
    Poll,
    PollState,
)
from pacesetter.ballots.policies import may_vote, poll_policy
from pacesetter.ballots.services import (
    ballot_cast,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
)
from pacesetter.bodies.services import body_member_add


@pytest.fixture
def sibling_officer(world):
    user = UserFactory(username="officer.sibling")
    role_grant(actor=None, user=user, role=Role.UNIT_OFFICER, unit=world.sibling)
    return user


def make_poll(world, *, title="Provincial Emulation Flag 2024", kind="yes_no", **kwargs):
    defaults = {
        "options": ["Own unit", "Sibling unit"],
        "cluster": world.cluster,
        "quorum": Fraction(1, 2),
        "majority": "simple",
        "base": "valid",
    }
    defaults.update(kwargs)
    return poll_create(actor=None, owner_unit=world.committee, title=title, kind=kind, **defaults)


@pytest.fixture
def open_poll(world, sibling_officer):
    """Cluster A votes yes/no on two candidates: the officers of Own and Sibling unit."""
    return poll_open(actor=None, poll=make_poll(world))


def options(poll):
    return list(poll.options.order_by("position"))


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def vote_data(poll, *votes):
    return {f"option_{o.pk}": v for o, v in zip(options(poll), votes, strict=True)}


def cast_on_page(client, poll, *votes):
    return client.post(reverse("ballots:vote", args=[poll.pk]), vote_data(poll, *votes))


def receipt_in(response):
    match = re.search(r'id="receipt">([^<]+)<', response.text)
    assert match, "no receipt on the page"
    return match.group(1).strip()


def close_and_publish(poll):
    poll_close(actor=None, poll=poll)
    return poll_publish(actor=None, poll=poll)


# --- Policy -------------------------------------------------------------------------------


def test_who_sees_manages_and_votes(world, open_poll, sibling_officer):
    users = world.users
    seen = {name for name, user in users.items() if poll_policy.visible(user).exists()}
    # Voters, managers (staff over the committee), those who may view Cluster A.
    assert seen == {"superuser", "committee_staff", "cluster_leader", "unit_officer", "viewer"}
    assert poll_policy.visible(sibling_officer).filter(pk=open_poll.pk).exists()
    managers = {n for n, u in users.items() if poll_policy.visible(u, "manage").exists()}
    # the leader of the voting cluster runs its vote too
    assert managers == {"superuser", "committee_staff", "cluster_leader"}
    assert may_vote(users["unit_officer"], open_poll) and may_vote(sibling_officer, open_poll)
    assert not may_vote(users["viewer"], open_poll)
    assert not may_vote(users["superuser"], open_poll)


# --- Voting -------------------------------------------------------------------------------


def test_the_entitled_officer_votes_and_gets_a_receipt(client, world, open_poll):
    login(client, world, "unit_officer")
    url = reverse("ballots:vote", args=[open_poll.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert text.count('class="ballot-form"') == 1  # one form, one column
    assert text.count('type="radio"') == 6  # yes / no / abstain for each of two options
    for option in options(open_poll):
        assert f"<legend>{option.label}</legend>" in text

    response = cast_on_page(client, open_poll, "yes", "abstain")
    assert response.status_code == 200
    receipt = receipt_in(response)
    assert "Keep this receipt" in response.text
    assert reverse("ballots:receipt", args=[open_poll.pk]) in response.text
    assert "no-store" in response["Cache-Control"]
    ballot = Ballot.objects.get(poll=open_poll)
    assert ballot.receipt == receipt
    assert sorted(ballot.choices.values_list("vote", flat=True)) == ["abstain", "yes"]
    assert Entitlement.objects.get(poll=open_poll, voter=world.users["unit_officer"]).voted
    # The receipt is kept nowhere but on the page: not in the session, not in messages.
    assert receipt not in str(dict(client.session))


def test_a_second_ballot_is_refused(client, world, open_poll):
    login(client, world, "unit_officer")
    cast_on_page(client, open_poll, "yes", "no")
    again = cast_on_page(client, open_poll, "no", "no")
    assert "You have already voted in this poll." in again.text
    assert 'id="receipt"' not in again.text
    assert Ballot.objects.filter(poll=open_poll).count() == 1
    page = client.get(reverse("ballots:vote", args=[open_poll.pk]))
    assert "You have already voted in this poll." in page.text
    assert 'class="ballot-form"' not in page.text


def test_a_ballot_needs_a_mark_on_every_option(client, world, open_poll):
    login(client, world, "unit_officer")
    (own, _sibling) = options(open_poll)
    response = client.post(
        reverse("ballots:vote", args=[open_poll.pk]), {f"option_{own.pk}": "yes"}
    )
    assert "Choose yes, no or abstain." in response.text
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "cluster_leader", "committee_staff", "nobody"])
def test_only_the_entitled_reach_the_ballot_page(client, world, open_poll, role):
    login(client, world, role)
    url = reverse("ballots:vote", args=[open_poll.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, vote_data(open_poll, "yes", "yes")).status_code == 404
    assert not Ballot.objects.exists()


def test_the_ballot_page_says_when_voting_is_not_open(client, world, sibling_officer):
    poll = make_poll(world)
    login(client, world, "unit_officer")
    # In draft there is no roll yet, so nobody may vote.
    assert client.get(reverse("ballots:vote", args=[poll.pk])).status_code == 404
    poll_open(actor=None, poll=poll)
    poll_close(actor=None, poll=poll)
    page = client.get(reverse("ballots:vote", args=[poll.pk]))
    assert "Voting is not open" in page.text and 'class="ballot-form"' not in page.text
    response = cast_on_page(client, poll, "yes", "yes")
    assert "this cannot be done now" in response.text
    assert not Ballot.objects.exists()


def test_an_approval_ballot_with_up_to_k(client, world):
    person = UserFactory(username="councillor.two")
    body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 1, 1))
    poll = poll_open(
        actor=None,
        poll=make_poll(
            world,
            title="Two of three",
            kind="approval",
            options=["A", "B", "C"],
            cluster=None,
            body=world.council,
            max_choices=2,
        ),
    )
    a, b, c = options(poll)
    client.force_login(person)
    url = reverse("ballots:vote", args=[poll.pk])
    page = client.get(url)
    assert "Choose up to 2 candidates." in page.text
    assert page.text.count('type="checkbox"') == 3
    too_many = client.post(url, {"approve": [a.pk, b.pk, c.pk]})
    assert "Choose at most 2." in too_many.text
    assert not Ballot.objects.exists()
    done = client.post(url, {"approve": [a.pk, c.pk]})
    receipt_in(done)
    assert set(BallotChoice.objects.values_list("option__label", "vote")) == {
        ("A", "yes"),
        ("C", "yes"),
    }


# --- Results and receipts -------------------------------------------------------------------


def test_results_are_hidden_until_published(client, world, open_poll, sibling_officer):
    login(client, world, "unit_officer")
    receipt = receipt_in(cast_on_page(client, open_poll, "yes", "no"))
    client.force_login(sibling_officer)
    cast_on_page(client, open_poll, "yes", "yes")
    poll_close(actor=None, poll=open_poll)

    for role in ("unit_officer", "committee_staff", "viewer"):
        login(client, world, role)
        detail = client.get(reverse("ballots:detail", args=[open_poll.pk])).text
        assert "The result is not published yet." in detail
        assert receipt not in detail and 'id="receipts"' not in detail
        check_url = reverse("ballots:receipt", args=[open_poll.pk])
        assert "The result is not published yet." in client.get(check_url).text
        checked = client.post(check_url, {"receipt": receipt}).text
        assert "The result is not published yet." in checked
        assert 'id="receipt-choices"' not in checked

    poll_publish(actor=None, poll=open_poll)
    login(client, world, "viewer")  # anyone who may see the poll may check a receipt
    detail = client.get(reverse("ballots:detail", args=[open_poll.pk])).text
    open_poll.refresh_from_db()
    assert receipt in detail and open_poll.digest in detail
    assert 'id="invalid"' not in detail
    result = detail.split('id="result-options"')[1].split("</table>")[0]
    assert re.search(r"Own unit</th>\s*<td class=\"num\">2</td>", result)
    found = client.post(reverse("ballots:receipt", args=[open_poll.pk]), {"receipt": receipt})
    choices = found.text.split('id="receipt-choices"')[1].split("</ul>")[0]
    assert "<strong>Own unit</strong>: Yes" in choices
    assert "<strong>Sibling unit</strong>: No" in choices
    missing = client.post(reverse("ballots:receipt", args=[open_poll.pk]), {"receipt": "nope"})
    assert "No ballot with this receipt was found" in missing.text


def test_a_poll_below_quorum_says_it_is_invalid(client, world, open_poll):
    poll = Poll.objects.get(pk=open_poll.pk)
    # Everyone must vote.
    Poll.objects.filter(pk=poll.pk).update(quorum_numerator=1, quorum_denominator=1)
    ballot_cast(voter=world.users["unit_officer"], poll=poll, choices={options(poll)[0].pk: "yes"})
    close_and_publish(poll)
    detail = login(client, world, "committee_staff").get(reverse("ballots:detail", args=[poll.pk]))
    assert "The poll is invalid" in detail.text
    assert "not met" in detail.text.split('id="quorum"')[1].split("</dd>")[0]
    assert "did not pass" in detail.text


def test_the_roll_shows_who_voted_never_what(client, world, open_poll, sibling_officer):
    login(client, world, "unit_officer")
    receipt = receipt_in(cast_on_page(client, open_poll, "yes", "no"))
    login(client, world, "committee_staff")
    detail = client.get(reverse("ballots:detail", args=[open_poll.pk])).text
    roll = detail.split('id="roll-table"')[1].split("</table>")[0]
    assert re.search(r"Own unit</td><td>officer</td><td class=\"num\">1</td><td>voted", roll)
    assert "not yet" in roll and "officer.sibling" in roll
    assert receipt not in detail and ">Yes<" not in roll
    # Voters and viewers do not see the roll.
    login(client, world, "unit_officer")
    assert 'id="roll-table"' not in client.get(reverse("ballots:detail", args=[open_poll.pk])).text


# --- Managing ------------------------------------------------------------------------------


def test_managers_open_close_and_publish(client, world, sibling_officer):
    poll = make_poll(world)
    login(client, world, "committee_staff")
    detail_url = reverse("ballots:detail", args=[poll.pk])
    assert "Open the poll" in client.get(detail_url).text
    client.post(reverse("ballots:open", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.state == PollState.OPEN
    assert Entitlement.objects.filter(poll=poll).count() == 2
    page = client.get(detail_url).text
    assert "Close the poll" in page and "The poll is open; the roll is fixed." in page
    ballot_cast(voter=world.users["unit_officer"], poll=poll, choices={options(poll)[0].pk: "yes"})
    client.post(reverse("ballots:close", args=[poll.pk]))
    client.post(reverse("ballots:publish", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.state == PollState.PUBLISHED and poll.digest
    page = client.get(detail_url).text
    assert "The result is published." in page and poll.digest in page
    # A state that cannot be reached now is refused with the service's reason.
    response = client.post(reverse("ballots:close", args=[poll.pk]), follow=True)
    assert "this cannot be done now" in response.text


@pytest.mark.parametrize("role", ["unit_officer", "viewer"])
def test_others_cannot_move_a_poll(client, world, sibling_officer, role):
    poll = make_poll(world)
    login(client, world, role)
    assert client.post(reverse("ballots:open", args=[poll.pk])).status_code == 403
    assert "Open the poll" not in client.get(reverse("ballots:detail", args=[poll.pk])).text
    poll.refresh_from_db()
    assert poll.state == PollState.DRAFT


def test_state_buttons_need_post(client, world, open_poll):
    login(client, world, "committee_staff")
    assert client.get(reverse("ballots:close", args=[open_poll.pk])).status_code == 405


def test_managers_enter_paper_totals(client, world, open_poll):
    own, sibling = options(open_poll)
    login(client, world, "committee_staff")
    detail = client.get(reverse("ballots:detail", args=[open_poll.pk])).text
    assert 'id="paper-form"' in detail
    url = reverse("ballots:paper_tally", args=[open_poll.pk])
    data = {
        "ballots": 2,
        f"o{own.pk}_yes": 2,
        f"o{own.pk}_no": 0,
        f"o{own.pk}_abstain": 0,
        f"o{sibling.pk}_yes": 1,
        f"o{sibling.pk}_no": 1,
        f"o{sibling.pk}_abstain": 0,
    }
    too_many = client.post(url, {**data, f"o{own.pk}_no": 1})
    assert "more marks than paper ballots" in too_many.text
    assert not PaperBallots.objects.exists()
    response = client.post(url, data, follow=True)
    assert "The paper ballots are entered." in response.text
    assert "entered by staff" in response.text
    assert PaperBallots.objects.get(poll=open_poll).count == 2
    login(client, world, "unit_officer")
    assert client.post(url, data).status_code == 403


# --- Creating -------------------------------------------------------------------------------


def create_data(world, **overrides):
    data = {
        "title": "Certificate of Merit 2024",
        "kind": "yes_no",
        "options": "Own unit\n\nSibling unit\n",
        "voters": f"cluster:{world.cluster.pk}",
        "max_choices": "1",
        "quorum": "2/3",
        "majority": "absolute",
        "base": "cast",
        "verification": "individual",
    }
    data.update(overrides)
    return data


def test_staff_create_a_poll(client, world):
    login(client, world, "committee_staff")
    page = client.get(reverse("ballots:create"))
    assert page.status_code == 200
    assert f'value="cluster:{world.cluster.pk}"' in page.text
    assert f'value="body:{world.council.pk}"' in page.text
    assert f'value="cluster:{world.other_cluster.pk}"' not in page.text  # not theirs to update
    response = client.post(reverse("ballots:create"), create_data(world))
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ballots:detail", args=[poll.pk]
    )
    assert poll.owner_unit == world.committee and poll.cluster == world.cluster
    assert poll.quorum == Fraction(2, 3) and poll.majority == "absolute" and poll.base == "cast"
    detail = client.get(reverse("ballots:detail", args=[poll.pk])).text
    assert "2/3 of the entitled must vote" in detail
    assert list(poll.options.values_list("label", flat=True)) == ["Own unit", "Sibling unit"]
    assert poll.state == PollState.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"options": " \n \n"}, "Add at least one candidate or motion."),
        ({"options": "A\nA"}, "Each candidate or motion can appear once."),
        ({"kind": "approval", "options": "A\nB", "max_choices": "3"}, "Choose between 1 and 2."),
        ({"voters": f"cluster:{10**6}"}, "Select a valid choice"),
        ({"quorum": "120%"}, "A share is between 0 and 1 (0% to 100%)."),
        ({"quorum": "66"}, "Write 66% for a percentage"),
        ({"quorum": "two thirds"}, "Enter a share as a fraction (2/3)"),
    ],
)
def test_bad_input_on_create_shows_errors_and_saves_nothing(client, world, overrides, message):
    login(client, world, "committee_staff")
    response = client.post(reverse("ballots:create"), create_data(world, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Poll.objects.exists() and not Option.objects.exists()


def test_the_other_cluster_cannot_be_chosen(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("ballots:create"), create_data(world, voters=f"cluster:{world.other_cluster.pk}")
    )
    assert "Select a valid choice" in response.text
    assert not Poll.objects.exists()


@pytest.mark.parametrize("role", ["unit_officer", "viewer", "cluster_leader", "nobody"])
def test_only_staff_create_polls(client, world, role):
    login(client, world, role)
    assert client.get(reverse("ballots:create")).status_code == 403
    assert "New poll" not in client.get(reverse("ballots:list")).text


# --- The list -------------------------------------------------------------------------------


def test_the_list_offers_vote_now_until_the_officer_has_voted(client, world, open_poll):
    draft = make_poll(world, title="Still a draft")
    login(client, world, "unit_officer")
    text = client.get(reverse("ballots:list")).text
    row = text.split(f'data-poll="{open_poll.pk}"')[1].split("</tr>")[0]
    assert "Vote now" in row and reverse("ballots:vote", args=[open_poll.pk]) in row
    assert "Vote now" not in text.split(f'data-poll="{draft.pk}"')[1].split("</tr>")[0]
    cast_on_page(client, open_poll, "yes", "yes")
    text = client.get(reverse("ballots:list")).text
    row = text.split(f'data-poll="{open_poll.pk}"')[1].split("</tr>")[0]
    assert "You have voted" in row and "Vote now" not in row


def test_the_list_hides_polls_of_others(client, world, open_poll):
    login(client, world, "nobody")
    assert "There are no polls you may see." in client.get(reverse("ballots:list")).text
    assert client.get(reverse("ballots:detail", args=[open_poll.pk])).status_code == 404
    assert client.get(reverse("ballots:receipt", args=[open_poll.pk])).status_code == 404


@pytest.mark.parametrize("rows", [4, 12])
def test_list_query_count_is_constant(
    client, world, sibling_officer, django_assert_max_num_queries, rows
):
    for n in range(rows):
        poll = poll_open(actor=None, poll=make_poll(world, title=f"Counted {n:02d}"))
        if n % 2:
            ballot_cast(voter=world.users["unit_officer"], poll=poll, choices={})
    login(client, world, "unit_officer")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ballots:list"))
    assert response.text.count('">Counted ') == rows
    assert response.text.count("Vote now<") == (rows + 1) // 2
    assert response.text.count("You have voted") == rows // 2


# --- Minutes and the admin ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "magic"), [("minutes_docx", b"PK"), ("minutes_pdf", b"%PDF")])
def test_minutes_download_once_published(client, world, open_poll, name, magic):
    login(client, world, "unit_officer")
    url = reverse(f"ballots:{name}", args=[open_poll.pk])
    assert client.get(url).status_code == 404  # no result yet
    ballot_cast(
        voter=world.users["unit_officer"], poll=open_poll, choices={options(open_poll)[0].pk: "yes"}
    )
    close_and_publish(open_poll)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "attachment" in response["Content-Disposition"]
    assert 'id="minutes"' in client.get(reverse("ballots:detail", args=[open_poll.pk])).text


def test_the_admin_never_shows_ballots(client, world, open_poll):
    assert Ballot not in admin.site._registry
    assert BallotChoice not in admin.site._registry
    assert {Poll, Option, Entitlement} <= set(admin.site._registry)
    ballot_cast(
        voter=world.users["unit_officer"], poll=open_poll, choices={options(open_poll)[0].pk: "yes"}
    )
    client.force_login(world.users["superuser"])
    page = client.get(reverse("admin:ballots_poll_change", args=[open_poll.pk]))
    assert page.status_code == 200
    receipt = Ballot.objects.get().receipt
    assert receipt not in page.text
    assert client.get(reverse("admin:index")).status_code == 200
    assert "/admin/ballots/ballot/" not in client.get(reverse("admin:index")).text
    roll = client.get(reverse("admin:ballots_entitlement_changelist"))
    assert roll.status_code == 200 and receipt not in roll.text
    assert client.get(reverse("admin:ballots_poll_add")).status_code == 403


# --- In a real browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_votes_on_a_phone(live_server, page, world, sibling_officer):
    from playwright.sync_api import expect

    poll = poll_open(actor=None, poll=make_poll(world))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/ballots/")
    page.get_by_role("link", name=re.compile("Vote now")).first.click()
    page.wait_for_url(f"{live_server.url}/ballots/{poll.pk}/vote/")
    no_sideways = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways)
    own = page.get_by_role("group", name="Own unit")
    sibling = page.get_by_role("group", name="Sibling unit")
    yes = own.get_by_label("Yes")
    box = yes.locator("xpath=..").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    yes.check()
    sibling.get_by_label("Abstain").check()
    page.get_by_role("button", name="Cast my ballot").click()

    expect(page.locator("#receipt-box")).to_contain_text("Keep this receipt")
    receipt = page.locator("#receipt").inner_text().strip()
    assert page.evaluate(no_sideways)
    assert Ballot.objects.get(poll=poll).receipt == receipt
    page.get_by_role("link", name="Go to the receipt check page").click()
    expect(page.locator("#not-published")).to_be_visible()


def test_the_cluster_leader_closes_and_publishes_its_clusters_vote(client, world, open_poll):
    login(client, world, "cluster_leader")
    page = client.get(reverse("ballots:detail", args=[open_poll.pk])).text
    assert reverse("ballots:close", args=[open_poll.pk]) in page
    assert client.post(reverse("ballots:close", args=[open_poll.pk])).status_code == 302
    assert client.post(reverse("ballots:publish", args=[open_poll.pk])).status_code == 302
    open_poll.refresh_from_db()
    assert open_poll.state == PollState.PUBLISHED
    other = make_poll(world, title="Another cluster's vote", cluster=world.other_cluster)
    assert client.post(reverse("ballots:open", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("2/3", Fraction(2, 3), "2/3"),
        ("50%", Fraction(1, 2), "50%"),
        ("0.5", Fraction(1, 2), "50%"),
        ("66.5%", Fraction(133, 200), "66.5%"),
        (" 1 / 3 ", Fraction(1, 3), "1/3"),
    ],
)
def test_the_quorum_is_typed_as_a_fraction_a_percentage_or_a_decimal(
    client, world, typed, stored, shown
):
    login(client, world, "committee_staff")
    client.post(reverse("ballots:create"), create_data(world, quorum=typed))
    poll = Poll.objects.get()
    assert poll.quorum == stored
    detail = client.get(reverse("ballots:detail", args=[poll.pk])).text
    assert f"{shown} of the entitled must vote" in detail
