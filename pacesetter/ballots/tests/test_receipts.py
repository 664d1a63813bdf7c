"""Receipts against receipt-freeness (docs/ballots.md): per poll, the organizer chooses
whether each voter gets a receipt they can check (and could show), or no one does."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.ballots import tally
from pacesetter.ballots.minutes import minutes_docx
from pacesetter.ballots.models import Ballot, BallotChoice, Poll, Verification
from pacesetter.ballots.services import (
    ballot_cast,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
    poll_update,
)
from pacesetter.ballots.tests.test_api import create, ok, voters  # noqa: F401
from pacesetter.ballots.tests.test_minutes import docx_text
from pacesetter.ballots.tests.test_views import create_data
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def council_poll(world, *, verification=Verification.RECEIPT_FREE, members=3):
    """A small council (equal weights) voting yes/no on one motion; the poll is a draft."""
    council = BodyFactory(owner_unit=world.committee)
    people = [UserFactory() for _ in range(members)]
    for person in people:
        body_member_add(actor=None, body=council, user=person, start=dt.date(2024, 1, 1))
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Censure the chair",
        kind="yes_no",
        options=["Censure"],
        body=council,
        verification=verification,
    )
    return poll, people


def cast_all(poll, people, votes):
    option = poll.options.get().pk
    return [
        ballot_cast(voter=person, poll=poll, choices={option: vote})
        for person, vote in zip(people, votes, strict=True)
    ]


def test_a_receipt_free_ballot_has_no_receipt_anywhere(world):
    poll, people = council_poll(world)
    poll = poll_open(actor=None, poll=poll)
    assert cast_all(poll, people, ["yes", "no", "yes"]) == [None, None, None]
    assert list(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)) == [None] * 3
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    assert poll.result["options"][0]["yes"] == "2.00" and poll.result["voted"] == "3.00"
    assert tally.receipts_withheld(poll) == tally.RECEIPT_FREE
    assert not tally.receipts_public(poll)
    # The digest covers the ballots' choices alone, and still catches a changed ballot.
    option = str(poll.options.get().pk)
    marks = [{option: "no"}, {option: "yes"}, {option: "yes"}]
    assert poll.digest == tally.digest(marks)
    call_command("ballot_recount", poll.pk)
    BallotChoice.objects.filter(ballot__poll=poll, vote="no").update(vote="yes")
    with pytest.raises(CommandError, match="digest"):
        call_command("ballot_recount", poll.pk)


def test_an_individual_poll_still_hands_out_receipts_and_publishes_them(world):
    poll, people = council_poll(world, verification=Verification.INDIVIDUAL)
    assert poll.verification == "individual"
    poll = poll_open(actor=None, poll=poll)
    receipts = cast_all(poll, people, ["yes", "no", "abstain"])
    assert all(receipts) and len(set(receipts)) == 3
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    assert tally.receipts_public(poll)
    assert sorted(r for r, _choices in tally.receipts(poll)) == sorted(receipts)
    assert poll.digest == tally.digest(tally.receipts(poll))


def test_individual_is_the_default(world):
    council = BodyFactory(owner_unit=world.committee)
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Default",
        kind="yes_no",
        options=["A"],
        body=council,
    )
    assert poll.verification == Verification.INDIVIDUAL


def test_the_verification_changes_while_a_draft_and_is_audited(world):
    poll, _people = council_poll(world, verification=Verification.INDIVIDUAL)
    staff = world.users["committee_staff"]
    poll = poll_update(actor=staff, poll=poll, verification=Verification.RECEIPT_FREE)
    poll.refresh_from_db()
    assert poll.verification == Verification.RECEIPT_FREE
    entry = AuditEntry.objects.get(action="poll.update")
    assert entry.changes == {"verification": ["individual", "receipt_free"]}


def test_changing_the_verification_after_opening_is_refused_on_its_field(world):
    poll, _people = council_poll(world, verification=Verification.RECEIPT_FREE)
    poll = poll_open(actor=None, poll=poll)
    with pytest.raises(ValidationError) as refused:
        poll_update(actor=None, poll=poll, verification=Verification.INDIVIDUAL)
    assert "only while the poll is a draft" in refused.value.message_dict["verification"][0]
    assert refused.value.rule_code == "poll_not_draft"
    poll.refresh_from_db()
    assert poll.verification == Verification.RECEIPT_FREE
    assert not AuditEntry.objects.filter(action="poll.update").exists()


def test_an_unknown_verification_is_refused_on_its_field(world):
    poll, _people = council_poll(world, verification=Verification.INDIVIDUAL)
    with pytest.raises(ValidationError) as refused:
        poll_update(actor=None, poll=poll, verification="anonymous")
    assert "verification" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        poll_create(
            actor=None,
            owner_unit=world.committee,
            title="Bad",
            kind="yes_no",
            options=["A"],
            body=poll.body,
            verification="anonymous",
        )
    assert "verification" in refused.value.message_dict


# --- the API ------------------------------------------------------------------------


def test_a_receipt_free_poll_over_the_api_returns_no_receipt_and_publishes_totals_only(
    world,
    voters,  # noqa: F811
):
    staff = ApiClient(world.users["committee_staff"])
    poll = create(staff, world, verification="receipt_free")
    pid = poll["id"]
    assert poll["verification"] == "receipt_free"
    own_opt, sib_opt = (str(o["id"]) for o in poll["options"])
    ok(staff.post(f"/polls/{pid}/open"))
    for key, vote in (("own", "yes"), ("sibling", "yes"), ("third", "no")):
        cast = ok(
            ApiClient(voters[key]).post(
                f"/polls/{pid}/vote", {"choices": {own_opt: vote, sib_opt: "no"}}
            ),
            201,
        )
        assert cast == {"receipt": None}
    ok(staff.post(f"/polls/{pid}/close"))
    published = ok(staff.post(f"/polls/{pid}/publish"))
    by_label = {o["label"]: o for o in published["result"]["options"]}
    assert D(by_label["Own unit"]["yes"]) == 2 and D(by_label["Own unit"]["no"]) == 1
    assert D(by_label["Sibling unit"]["no"]) == 3
    assert published["receipts"] is None and published["receipts_withheld"] == "receipt_free"
    assert published["digest"] == tally.digest(
        sorted(
            [{own_opt: v, sib_opt: "no"} for v in ("yes", "yes", "no")],
            key=lambda m: json.dumps(m, sort_keys=True),
        )
    )
    refused = assert_error_shape(
        ApiClient(voters["own"]).post(f"/polls/{pid}/verify", {"receipt": "anything"}),
        422,
        "receipt_free",
    )
    assert "receipt-free" in refused["detail"]["__all__"][0]


def test_the_api_changes_the_verification_of_a_draft_and_refuses_it_once_open(
    world,
    voters,  # noqa: F811
):
    staff = ApiClient(world.users["committee_staff"])
    pid = create(staff, world)["id"]
    changed = ok(staff.patch(f"/polls/{pid}", {"verification": "receipt_free"}))
    assert changed["verification"] == "receipt_free"
    # A voter of the cluster manages nothing.
    officer = ApiClient(voters["own"])
    assert officer.patch(f"/polls/{pid}", {"verification": "individual"}).status_code == 403
    ok(staff.post(f"/polls/{pid}/open"))
    refused = assert_error_shape(
        staff.patch(f"/polls/{pid}", {"verification": "individual"}), 422, "poll_not_draft"
    )
    assert "only while the poll is a draft" in refused["detail"]["verification"][0]
    assert ok(staff.get(f"/polls/{pid}"))["verification"] == "receipt_free"
    bad = assert_error_shape(staff.patch(f"/polls/{pid}", {"verification": "secret"}), 422)
    assert bad["code"] == "invalid"


# --- the screens --------------------------------------------------------------------


def page(client, name, poll, data=None):
    url = reverse(f"ballots:{name}", args=[poll.pk])
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response


def test_staff_create_a_receipt_free_poll_and_change_it_while_a_draft(client, world):
    client.force_login(world.users["committee_staff"])
    form = client.get(reverse("ballots:create")).text
    assert "nobody can check their own" in form  # the trade-off, stated on the form
    client.post(reverse("ballots:create"), create_data(world, verification="receipt_free"))
    poll = Poll.objects.get()
    assert poll.verification == Verification.RECEIPT_FREE
    detail = page(client, "detail", poll).text
    assert reverse("ballots:edit", args=[poll.pk]) in detail
    page(client, "edit", poll, {"verification": "individual"})
    poll.refresh_from_db()
    assert poll.verification == Verification.INDIVIDUAL


def test_the_settings_page_refuses_a_change_once_the_poll_is_open(client, world):
    poll, _people = council_poll(world, verification=Verification.INDIVIDUAL)
    poll = poll_open(actor=None, poll=poll)
    client.force_login(world.users["committee_staff"])
    assert reverse("ballots:edit", args=[poll.pk]) not in page(client, "detail", poll).text
    refused = page(client, "edit", poll, {"verification": "receipt_free"})
    assert refused.status_code == 200
    assert "can be changed only while the poll is a draft" in refused.text
    poll.refresh_from_db()
    assert poll.verification == Verification.INDIVIDUAL


def test_a_receipt_free_ballot_page_says_why_there_is_no_receipt(client, world):
    poll, people = council_poll(world)
    poll = poll_open(actor=None, poll=poll)
    client.force_login(people[0])
    why = "This poll is receipt-free: you get no receipt, so nobody can make you prove"
    assert why in page(client, "vote", poll).text
    option = poll.options.get()
    cast = page(client, "vote", poll, {f"option_{option.pk}": "yes"})
    assert "Your vote is recorded" in cast.text and why in cast.text
    assert 'id="receipt"' not in cast.text
    assert Ballot.objects.get(poll=poll).receipt is None


def test_a_published_receipt_free_poll_shows_totals_and_no_ballot_list(client, world):
    poll, people = council_poll(world)
    poll = poll_open(actor=None, poll=poll)
    cast_all(poll, people, ["yes", "yes", "no"])
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    client.force_login(people[0])
    detail = page(client, "detail", poll).text
    assert 'id="result-options"' in detail and ">2</td>" in detail  # two yes
    assert 'id="receipts"' not in detail
    assert "no list of ballots by receipt is published" in detail
    assert poll.digest in detail
    check = page(client, "receipt", poll, {"receipt": "anything"}).text
    assert "there is none to check" in check and 'id="receipt-result"' not in check
    minutes, _tables = docx_text(minutes_docx(poll, "en"))
    assert "The poll is receipt-free" in minutes and poll.digest in minutes


def test_unequal_weights_say_why_the_ballot_list_is_missing(client, world):
    council = BodyFactory(owner_unit=world.committee)
    people = [UserFactory() for _ in range(2)]
    for person, weight in zip(people, (D(2), D(1)), strict=True):
        body_member_add(
            actor=None, body=council, user=person, start=dt.date(2024, 1, 1), weight=weight
        )
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Weighted",
        kind="yes_no",
        options=["A"],
        body=council,
    )
    poll = poll_open(actor=None, poll=poll)
    receipts = cast_all(poll, people, ["yes", "no"])
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    client.force_login(people[0])
    detail = page(client, "detail", poll).text
    assert "carry different weights" in detail and receipts[0] not in detail
    assert "Counted" in page(client, "receipt", poll, {"receipt": receipts[0]}).text
