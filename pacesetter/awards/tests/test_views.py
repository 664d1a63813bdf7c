import datetime as dt
from fractions import Fraction

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards import services
from pacesetter.awards.models import (
    Award,
    AwardGrant,
    Person,
    Proposal,
    ProposalAttachment,
    ProposalState,
    PublicComment,
)
from pacesetter.ballots.services import ballot_cast, poll_close, poll_publish
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create


def login(client, user):
    client.force_login(user)
    return client


def from_ranking(client, ranked, world, **extra):
    data = {
        "award": ranked.flag.pk,
        "review_point": ranked.scoring.h1.pk,
        "cluster": world.cluster.pk,
        "decision_date": "2024-12-15",
        **extra,
    }
    return client.post(reverse("awards:proposal_create_from_ranking"), data)


def vote_all(poll, voters, choose):
    """Every voter casts ``choose(label)`` on every option; then close and publish."""
    options = list(poll.options.order_by("position"))
    for voter in voters:
        ballot_cast(voter=voter, poll=poll, choices={o.pk: choose(voter, o.label) for o in options})
    poll_close(actor=None, poll=poll)
    return poll_publish(actor=None, poll=poll)


@pytest.fixture
def drafted(world, ranked):
    return services.proposal_from_ranking(
        actor=None,
        award=ranked.flag,
        review_point=ranked.scoring.h1,
        cluster=world.cluster,
        decision_date=dt.date(2024, 12, 15),
        committee_unit=world.committee,
        proposer_unit=world.own,
        achievement_report="A strong year.",
    )


def make_grant(world, award, unit, year, number):
    decision = decision_create(
        actor=None,
        owner_unit=world.committee,
        number=number,
        date=dt.date(year, 12, 1),
        issuer="PPC",
    )
    return services.grant_record(
        actor=None, award=award, decision=decision, year=year, unit=unit, certificate_number=number
    )


# --- Catalog -----------------------------------------------------------------------------


def test_the_catalog_lists_awards_in_the_current_language(client, world, ranked):
    login(client, world.users["viewer"])
    page = client.get(reverse("awards:index")).content.decode()
    assert "Provincial Emulation Flag" in page and "at most 2" in page
    assert "at most 15% of a cluster" in page and reverse("awards:registry") in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Cờ thi đua cấp tỉnh" in client.get(reverse("awards:index")).content.decode()


def test_the_catalog_needs_a_login(client, world, ranked):
    assert client.get(reverse("awards:index")).status_code == 302


def test_an_award_page_shows_its_rules_as_sentences_and_unconfirmed_references(
    client, world, ranked
):
    login(client, world.users["viewer"])
    page = client.get(reverse("awards:award", args=[ranked.flag.pk])).content.decode()
    assert "Ranked 2 or better in the cluster" in page  # the rule in force
    assert "Ranked 1 or better in the cluster" in page  # the earlier one, kept
    assert "no longer in force" in page and "in force" in page
    assert "Not awarded “Certificate of Merit” within 2 years" in page
    assert "Score at least 50%" in page and "None of the following" in page
    assert "Decree 98/2023/ND-CP" in page and "unconfirmed" in page
    assert client.get(reverse("awards:award", args=[999999])).status_code == 404


# --- Writing the catalog -------------------------------------------------------------------


def staff_award(world):
    return services.award_create(
        actor=None,
        code="own-flag",
        name="Own Emulation Flag",
        level="district",
        recipient_kind="unit",
        issuer="District People's Committee",
    )


def test_staff_create_and_edit_an_award_on_its_forms(client, world):
    login(client, world.users["committee_staff"])
    index = client.get(reverse("awards:index")).content.decode()
    assert reverse("awards:award_create") in index
    assert client.get(reverse("awards:award_create")).status_code == 200
    response = client.post(
        reverse("awards:award_create"),
        {
            "code": "own-flag",
            "source_language": "en",
            "name_en": "Own Emulation Flag",
            "name_vi": "Cờ thi đua",
            "name_zh_hans": "",
            "level": "district",
            "recipient_kind": "unit",
            "issuer_en": "District People's Committee",
            "quota_count": "1",
            "quota_percent": "",
            "position": "0",
            "is_active": "on",
        },
    )
    award = Award.objects.get(code="own-flag")
    assert response.status_code == 302 and response.url == reverse("awards:award", args=[award.pk])
    page = client.get(response.url).content.decode()
    assert "Own Emulation Flag" in page and "Cờ thi đua" in page
    assert reverse("awards:award_edit", args=[award.pk]) in page
    assert reverse("awards:rule_add", args=[award.pk]) in page

    edit_url = reverse("awards:award_edit", args=[award.pk])
    form = client.get(edit_url).content.decode()
    assert 'value="Own Emulation Flag"' in form and 'name="code"' not in form
    data = {
        "source_language": "en",
        "name_en": "Own Emulation Flag",
        "name_vi": "Cờ thi đua",
        "name_zh_hans": "竞赛旗",
        "level": "district",
        "recipient_kind": "unit",
        "issuer_en": "District People's Committee",
        "quota_count": "1",
        "quota_percent": "120",
        "position": "0",
        "is_active": "on",
    }
    page = client.post(edit_url, data).content.decode()
    assert 'id="id_quota_percent_error"' in page
    assert "Give a percentage above 0 and at most 100." in page
    response = client.post(edit_url, {**data, "quota_percent": "20"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.name_zh_hans == "竞赛旗" and award.quota_percent == 20


def test_a_taken_code_is_shown_at_its_field(client, world):
    staff_award(world)
    login(client, world.users["committee_staff"])
    page = client.post(
        reverse("awards:award_create"),
        {
            "code": "own-flag",
            "source_language": "en",
            "name_en": "Another",
            "level": "district",
            "recipient_kind": "unit",
            "issuer_en": "X",
            "position": "0",
        },
    ).content.decode()
    assert 'id="id_code_error"' in page
    assert Award.objects.count() == 1


def test_an_inactive_award_stays_in_the_catalog_for_those_who_may_activate_it(client, world):
    award = staff_award(world)
    services.award_update(actor=None, award=award, is_active=False)
    login(client, world.users["viewer"])
    assert "Own Emulation Flag" not in client.get(reverse("awards:index")).content.decode()
    login(client, world.users["committee_staff"])
    page = client.get(reverse("awards:index")).content.decode()
    assert "Own Emulation Flag" in page and "inactive" in page


def test_a_new_rule_version_on_its_form(client, world):
    award = staff_award(world)
    services.eligibility_rule_add(
        actor=None, award=award, valid_from=dt.date(2024, 1, 1), rule={"rank_at_most": {"rank": 2}}
    )
    login(client, world.users["committee_staff"])
    url = reverse("awards:rule_add", args=[award.pk])
    form = client.get(url).content.decode()
    # The form starts from the latest version's rule.
    assert "&quot;rank_at_most&quot;: {\n    &quot;rank&quot;: 2" in form

    page = client.post(url, {"valid_from": "2026-01-01", "rule": '{"all": [}'}).content.decode()
    assert 'id="id_rule_error"' in page and "This is not valid JSON (line 1, column 10)." in page

    bad = '{"all": [{"no_veto": {}}, {"held_each_year": {"award": "own-flag"}}]}'
    page = client.post(url, {"valid_from": "2026-01-01", "rule": bad}).content.decode()
    assert 'id="id_rule_error"' in page
    assert "At $.all[1].held_each_year: “held_each_year” needs: years." in page

    good = '{"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]}'
    page = client.post(url, {"valid_from": "2023-06-01", "rule": good}).content.decode()
    assert 'id="id_valid_from_error"' in page and "must start after the latest one" in page
    assert award.rules.count() == 1

    response = client.post(url, {"valid_from": "2026-01-01", "rule": good, "description": "New"})
    assert response.status_code == 302
    page = client.get(reverse("awards:award", args=[award.pk])).content.decode()
    assert "Ranked 1 or better in the cluster" in page  # the new version, in force
    assert "Ranked 2 or better in the cluster" in page  # the earlier one, kept
    assert page.count("no longer in force") == 1


@pytest.mark.parametrize("depth", [100, 5000])
def test_a_rule_nested_too_deeply_is_shown_at_its_field(client, world, depth):
    award = staff_award(world)
    login(client, world.users["committee_staff"])
    rule = '{"not": ' * depth + '{"no_veto": {}}' + "}" * depth
    response = client.post(
        reverse("awards:rule_add", args=[award.pk]), {"valid_from": "2026-01-01", "rule": rule}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_rule_error"' in page and "nested too deeply" in page
    assert not award.rules.exists()


def test_a_viewer_sees_no_catalog_links_and_may_not_open_the_forms(client, world):
    award = staff_award(world)
    login(client, world.users["viewer"])
    index = client.get(reverse("awards:index")).content.decode()
    assert "Own Emulation Flag" in index and reverse("awards:award_create") not in index
    page = client.get(reverse("awards:award", args=[award.pk])).content.decode()
    assert reverse("awards:award_edit", args=[award.pk]) not in page
    assert reverse("awards:rule_add", args=[award.pk]) not in page
    assert client.get(reverse("awards:award_create")).status_code == 403
    assert client.get(reverse("awards:award_edit", args=[award.pk])).status_code == 403
    response = client.post(
        reverse("awards:rule_add", args=[award.pk]),
        {"valid_from": "2026-01-01", "rule": '{"no_veto": {}}'},
    )
    assert response.status_code == 403 and not award.rules.exists()


# --- The whole flow through the screens ----------------------------------------------------


def test_from_a_published_ranking_to_granted_awards(client, world, ranked):
    leader, staff = world.users["cluster_leader"], world.users["committee_staff"]
    login(client, leader)
    assert client.get(reverse("awards:proposal_create_from_ranking")).status_code == 200
    response = from_ranking(client, ranked, world)
    proposal = Proposal.objects.get()
    assert response.url == reverse("awards:proposal", args=[proposal.pk])
    assert proposal.proposer_unit == world.own and proposal.committee_unit == world.committee
    assert [c.unit for c in proposal.candidates.all()] == [world.own, ranked.scoring.third]

    page = client.get(response.url).content.decode()
    assert "Ranked 2 or better in the cluster — rank: 1" in page and "pass" in page
    assert reverse("awards:proposal_cluster_vote", args=[proposal.pk]) in page

    response = client.post(
        reverse("awards:proposal_cluster_vote", args=[proposal.pk]),
        {"quorum": "0.5", "majority": "simple", "base": "valid"},
    )
    proposal.refresh_from_db()
    assert response.status_code == 302 and proposal.state == ProposalState.CLUSTER_VOTE
    assert f"/ballots/{proposal.cluster_poll_id}/" in client.get(response.url).content.decode()
    # Own unit carries with three yes; Third unit only has its own.
    vote_all(
        proposal.cluster_poll,
        ranked.officers.values(),
        lambda voter, label: (
            "yes" if label.startswith("Own unit") or voter.username.endswith("third") else "no"
        ),
    )
    client.post(reverse("awards:proposal_send", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SENT
    assert dict(proposal.candidates.values_list("unit__code", "selected")) == {
        "OWN": True,
        "THIRD": False,
    }

    login(client, staff)
    client.post(reverse("awards:proposal_accept", args=[proposal.pk]))
    client.post(reverse("awards:proposal_publish", args=[proposal.pk]), {"days": "10"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PUBLIC_COMMENT

    public = Client()  # nobody logged in
    url = reverse("awards:public_proposal", args=[proposal.pk])
    page = public.get(url).content.decode()
    assert "Own unit" in page and "Third unit" not in page and "Send a comment" in page
    public.post(url, {"author_name": "A neighbour", "text": "Well deserved."})
    assert PublicComment.objects.get().text == "Well deserved."
    assert "A neighbour" in public.get(url).content.decode()

    response = client.post(
        reverse("awards:proposal_council_vote", args=[proposal.pk]),
        {"body": world.council.pk, "quorum": "2/3", "majority": "simple", "base": "valid"},
    )
    proposal.refresh_from_db()
    assert response.status_code == 302 and proposal.state == ProposalState.COUNCIL_VOTE
    assert proposal.council_poll.quorum == Fraction(2, 3)
    vote_all(proposal.council_poll, [world.users["unit_officer"]], lambda voter, label: "yes")
    # The decision comes once the comment window is over.
    assert proposal.public_until is not None
    closed = proposal.public_until + dt.timedelta(days=1)
    with time_machine.travel(closed, tick=False):
        response = client.post(
            reverse("awards:proposal_decide", args=[proposal.pk]),
            {
                "number": "123/QD-UBND",
                "date": str(closed),
                "issuer": "Provincial People's Committee",
                "place": "Thanh Hoa",
                "signed_for": "For the Chairman",
                "signer_title": "Vice-Chairman",
                "signer_name": "Le Duc Giang",
            },
        )
    proposal.refresh_from_db()
    assert response.status_code == 302 and proposal.state == ProposalState.DECIDED
    grant = AwardGrant.objects.get()
    assert grant.unit == world.own and grant.certificate_number == "123/QD-UBND/001"
    decision = proposal.decision
    assert (decision.place, decision.signed_for, decision.signer_title, decision.signer_name) == (
        "Thanh Hoa",
        "For the Chairman",
        "Vice-Chairman",
        "Le Duc Giang",
    )
    page = client.get(reverse("awards:proposal", args=[proposal.pk])).content.decode()
    assert reverse("awards:decision_certificates", args=[proposal.decision_id]) in page

    login(client, world.users["unit_officer"])  # the winner's officer finds it in the registry
    page = client.get(reverse("awards:registry")).content.decode()
    assert "Provincial Emulation Flag" in page and "123/QD-UBND/001" in page
    login(client, world.users["nobody"])
    assert "123/QD-UBND" not in client.get(reverse("awards:registry")).content.decode()


# --- Permissions ----------------------------------------------------------------------------


def test_who_sees_a_proposal_and_how_much(client, world, ranked, drafted):
    url = reverse("awards:proposal", args=[drafted.pk])
    for key in ("cluster_leader", "committee_staff", "superuser"):
        page = login(client, world.users[key]).get(url).content.decode()
        assert "Third unit" in page and "A strong year." in page, key
    # A candidate's officer sees the own candidacy only, and no dossier.
    page = login(client, world.users["unit_officer"]).get(url).content.decode()
    assert "Own unit" in page and "Third unit" not in page and "A strong year." not in page
    assert "What you can do now" not in page
    login(client, ranked.officers["sibling"])  # in the cluster, not a candidate
    assert client.get(url).status_code == 404
    login(client, world.users["nobody"])
    assert client.get(url).status_code == 404
    page = client.get(reverse("awards:proposal_list")).content.decode()
    assert "There are no proposals you may see." in page


def test_a_proposals_vote_links_to_the_proposal_for_those_who_may_see_it(
    client, world, ranked, drafted
):
    poll = services.proposal_cluster_vote(actor=None, proposal=drafted).cluster_poll
    assert poll is not None
    proposal_url = f'href="{reverse("awards:proposal", args=[drafted.pk])}"'
    detail, vote = (reverse(f"ballots:{name}", args=[poll.pk]) for name in ("detail", "vote"))
    for key in ("cluster_leader", "unit_officer"):
        assert proposal_url in login(client, world.users[key]).get(detail).text, key
    page = login(client, world.users["unit_officer"]).get(vote).text
    assert proposal_url in page and "Provincial Emulation Flag 2024: the proposal" in page
    # On the roll (a unit of the cluster), but not a candidate: the proposal is not theirs.
    login(client, ranked.officers["sibling"])
    assert client.get(vote).status_code == 200
    assert proposal_url not in client.get(vote).text
    assert proposal_url not in client.get(detail).text


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("proposal_accept", "post"),
        ("proposal_send", "post"),
        ("proposal_check", "post"),
        ("proposal_return", "get"),
        ("proposal_publish", "get"),
        ("proposal_council_vote", "get"),
        ("proposal_decide", "get"),
        ("proposal_cluster_vote", "get"),
    ],
)
def test_a_candidates_officer_may_not_act(client, world, drafted, name, method):
    login(client, world.users["unit_officer"])
    response = getattr(client, method)(reverse(f"awards:{name}", args=[drafted.pk]))
    assert response.status_code == 403
    login(client, world.users["nobody"])
    response = getattr(client, method)(reverse(f"awards:{name}", args=[drafted.pk]))
    assert response.status_code == 404


def test_the_proposer_may_not_do_the_committees_part(client, world, drafted):
    login(client, world.users["cluster_leader"])
    assert client.post(reverse("awards:proposal_accept", args=[drafted.pk])).status_code == 403
    assert client.get(reverse("awards:proposal_decide", args=[drafted.pk])).status_code == 403


def test_proposing_needs_a_cluster_or_a_unit_to_manage(client, world, ranked):
    login(client, world.users["unit_officer"])
    assert client.get(reverse("awards:proposal_create_from_ranking")).status_code == 403
    assert client.get(reverse("awards:proposal_nominate")).status_code == 403


def test_leading_a_cluster_ranked_in_no_campaign_offers_no_ranking_to_propose_from(
    client, world, ranked
):
    # Cluster B's leader: the same leader role as Cluster A's, but Cluster B takes part in
    # no campaign, so no ranking has rows of theirs (the rule the ranking itself reads).
    leader = UserFactory(username="leader.b")
    role_grant(actor=None, user=leader, role=Role.CLUSTER_LEADER, cluster=world.other_cluster)
    login(client, leader)
    assert client.get(reverse("awards:proposal_create_from_ranking")).status_code == 403
    listing = client.get(reverse("awards:proposal_list")).content.decode()
    assert reverse("awards:proposal_create_from_ranking") not in listing


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        # The leader of a ranked cluster proposes from its ranking; nominating is for
        # those who manage a unit, so the leader is not shown a "Nominate" that says 403.
        ("cluster_leader", {"proposal_create_from_ranking"}),
        ("committee_staff", {"proposal_create_from_ranking", "proposal_nominate"}),
        ("unit_officer", set()),
    ],
)
def test_the_proposal_list_shows_only_the_buttons_whose_page_opens(
    client, world, ranked, role, buttons
):
    login(client, world.users[role])
    listing = client.get(reverse("awards:proposal_list")).content.decode()
    for name in ("proposal_create_from_ranking", "proposal_nominate"):
        url = reverse(f"awards:{name}")
        assert (url in listing) == (name in buttons), name
        assert client.get(url).status_code == (200 if name in buttons else 403), name


# --- Bad input re-renders with errors, and saves nothing ------------------------------------


def test_a_draft_without_a_date_shows_the_error(client, world, ranked):
    login(client, world.users["cluster_leader"])
    response = from_ranking(client, ranked, world, decision_date="")
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Proposal.objects.exists()


def test_dates_in_the_future_are_shown_on_their_field(client, world, ranked):
    login(client, world.users["cluster_leader"])
    response = from_ranking(client, ranked, world, decision_date="2099-12-15")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "decision_date": ["The expected decision date is at most a year after today."]
    }
    assert not Proposal.objects.exists()
    from_ranking(client, ranked, world)
    proposal = Proposal.objects.get()
    services.proposal_send(actor=None, proposal=proposal)
    services.proposal_accept(actor=None, proposal=proposal)
    login(client, world.users["committee_staff"])
    response = client.post(
        reverse("awards:proposal_decide", args=[proposal.pk]),
        {"number": "9/QD", "date": "2099-01-01", "issuer": "PPC"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"date": ["A decision cannot be dated after today."]}
    assert not Decision.objects.filter(number="9/QD").exists()


def test_an_unpublished_ranking_cannot_be_chosen(client, world, ranked):
    login(client, world.users["cluster_leader"])
    response = from_ranking(client, ranked, world, review_point=ranked.scoring.year_end.pk)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_committee_sees_service_errors_next_to_the_field(client, world, drafted):
    login(client, world.users["committee_staff"])
    services.proposal_send(actor=None, proposal=drafted)
    services.proposal_accept(actor=None, proposal=drafted)
    response = client.post(reverse("awards:proposal_publish", args=[drafted.pk]), {"days": "0"})
    assert response.status_code == 200 and "Publish for 1 to 90 days." in response.content.decode()
    drafted.refresh_from_db()
    assert drafted.state == ProposalState.ACCEPTED
    # The decision and the grant are one step: a refused grant leaves no decision.
    response = client.post(reverse("awards:proposal_decide", args=[drafted.pk]), {"number": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    services.proposal_publish_for_comment(actor=None, proposal=drafted, days=5)
    services.proposal_council_vote(actor=None, proposal=drafted, body=world.council)
    response = client.post(
        reverse("awards:proposal_decide", args=[drafted.pk]),
        {"number": "9/QD", "date": "2024-12-20", "issuer": "PPC"},
    )
    assert response.status_code == 200 and "Publish the vote" in response.content.decode()
    assert not Decision.objects.filter(number="9/QD").exists()
    assert not AwardGrant.objects.exists()


def test_the_decision_waits_for_the_comment_window_to_close(client, world, drafted):
    login(client, world.users["committee_staff"])
    services.proposal_send(actor=None, proposal=drafted)
    services.proposal_accept(actor=None, proposal=drafted)
    services.proposal_publish_for_comment(actor=None, proposal=drafted, days=5)
    url = reverse("awards:proposal_decide", args=[drafted.pk])
    assert url not in client.get(reverse("awards:proposal", args=[drafted.pk])).content.decode()
    today = timezone.localdate()
    response = client.post(url, {"number": "9/QD", "date": str(today), "issuer": "PPC"})
    assert response.status_code == 200
    assert "The list is open for public comment until" in response.content.decode()
    assert not Decision.objects.filter(number="9/QD").exists()


def test_returning_needs_a_reason(client, world, drafted):
    login(client, world.users["committee_staff"])
    services.proposal_send(actor=None, proposal=drafted)
    url = reverse("awards:proposal_return", args=[drafted.pk])
    assert client.post(url, {"return_reason": ""}).status_code == 200
    client.post(url, {"return_reason": "Add the minutes."})
    drafted.refresh_from_db()
    assert drafted.state == ProposalState.RETURNED
    login(client, world.users["cluster_leader"])
    assert (
        "Add the minutes."
        in client.get(reverse("awards:proposal", args=[drafted.pk])).content.decode()
    )


def test_a_state_that_does_not_allow_the_step_is_reported(client, world, drafted):
    login(client, world.users["committee_staff"])
    response = client.post(reverse("awards:proposal_accept", args=[drafted.pk]), follow=True)
    assert "it cannot move to" in response.content.decode()
    drafted.refresh_from_db()
    assert drafted.state == ProposalState.DRAFT


# --- Nomination ------------------------------------------------------------------------------


def test_staff_nominate_people_and_see_the_rule_check(client, world, ranked):
    person = Person.objects.create(full_name="Nguyen Van A", unit=world.own)
    login(client, world.users["committee_staff"])
    url = reverse("awards:proposal_nominate")
    data = {
        "award": ranked.merit.pk,
        "year": "2024",
        "decision_date": "2024-12-15",
        "proposer_unit": world.own.pk,
        "committee_unit": world.committee.pk,
        "units": [world.own.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "nominate people" in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(url, {**data, "units": [], "people": [person.pk]})
    proposal = Proposal.objects.get()
    assert response.url == reverse("awards:proposal", args=[proposal.pk])
    page = client.get(response.url).content.decode()
    assert "Nguyen Van A" in page and "No rule in force: eligible." in page
    assert reverse("awards:proposal_send", args=[proposal.pk]) in page  # no cluster vote


# --- Dossier attachments ---------------------------------------------------------------------


def test_attachments_upload_and_download_with_checks(client, world, drafted, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("awards:attachment_upload", args=[drafted.pk])
    login(client, world.users["unit_officer"])
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    assert client.post(url, {"kind": "minutes", "file": upload}).status_code == 403
    login(client, world.users["cluster_leader"])
    bad = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(url, {"kind": "other", "file": bad}, follow=True)
    assert "are not accepted" in response.content.decode()
    assert not ProposalAttachment.objects.exists()
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    client.post(url, {"kind": "minutes", "file": upload, "name": "Minutes"})
    attachment = ProposalAttachment.objects.get()
    download = reverse("awards:attachment_download", args=[drafted.pk, attachment.pk])
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 minutes"
    login(client, world.users["committee_staff"])
    assert client.get(download).status_code == 200
    login(client, world.users["unit_officer"])  # sees the candidacy, not the dossier
    assert client.get(download).status_code == 404


# --- Public page -----------------------------------------------------------------------------


def test_the_public_page_exists_only_during_public_comment(client, world, drafted):
    url = reverse("awards:public_proposal", args=[drafted.pk])
    assert client.get(url).status_code == 404
    services.proposal_send(actor=None, proposal=drafted)
    services.proposal_accept(actor=None, proposal=drafted)
    services.proposal_publish_for_comment(actor=None, proposal=drafted, days=5)
    response = client.get(url)
    assert response.status_code == 200 and "Own unit" in response.content.decode()
    response = client.post(url, {"text": "   "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not PublicComment.objects.exists()
    services.proposal_council_vote(actor=None, proposal=drafted, body=world.council)
    assert client.get(url).status_code == 404


def test_public_comments_from_the_page_are_rate_limited_per_trusted_address(
    world, drafted, settings
):
    from pacesetter.awards.throttles import COMMENT_RATE
    from pacesetter.testing.api import ApiClient

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    services.proposal_send(actor=None, proposal=drafted)
    services.proposal_accept(actor=None, proposal=drafted)
    services.proposal_publish_for_comment(actor=None, proposal=drafted, days=5)
    url = reverse("awards:public_proposal", args=[drafted.pk])
    allowed = int(COMMENT_RATE.split("/")[0])
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    # The API's comments from the address count with the page's: one limit.
    api = ApiClient()
    api.client = Client(REMOTE_ADDR="203.0.113.9")
    assert api.post(f"/proposals/{drafted.pk}/comments", {"text": "By the API."}).status_code == 201
    for n in range(allowed - 1):
        assert visitor.post(url, {"text": f"Comment {n}"}).status_code == 302
    refused = visitor.post(url, {"text": "One too many."}, headers={"Accept-Language": "vi"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert PublicComment.objects.count() == allowed
    assert not PublicComment.objects.filter(text="One too many.").exists()
    # Reading the page is not refused; a header the visitor wrote does not reset the count.
    assert visitor.get(url).status_code == 200
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.post(url, {"text": "Forged."}).status_code == 429
    # Through the trusted proxy the address it forwards is the one counted.
    proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.post(url, {"text": "Via the proxy."}).status_code == 429
    assert api.post(f"/proposals/{drafted.pk}/comments", {"text": "API."}).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.post(url, {"text": "Another visitor."}).status_code == 302
    assert PublicComment.objects.count() == allowed + 1


# --- Registry --------------------------------------------------------------------------------


def test_registry_search_history_and_revoking(client, world, ranked):
    old = make_grant(world, ranked.flag, world.own, 2022, "12/QD")
    make_grant(world, ranked.flag, world.own, 2023, "34/QD")
    make_grant(world, ranked.flag, world.sibling, 2023, "56/QD")
    login(client, world.users["committee_staff"])
    page = client.get(reverse("awards:registry"), {"unit": "sib"}).content.decode()
    assert "56/QD" in page and "34/QD" not in page
    page = client.get(reverse("awards:registry"), {"decision": "12/", "year": "2022"}).content
    assert b"12/QD" in page and b"34/QD" not in page
    page = client.get(reverse("awards:registry"), {"year": "abc"}).content.decode()
    assert "Enter a whole number." in page

    grant_url = reverse("awards:grant", args=[old.pk])
    response = client.post(grant_url, {"revoke_reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    client.post(grant_url, {"revoke_reason": "Violation found."})
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoke_reason == "Violation found."

    login(client, world.users["unit_officer"])
    history = client.get(reverse("awards:unit_history", args=[world.own.pk])).content.decode()
    assert "34/QD" in history and "12/QD" in history and "revoked" in history
    assert "56/QD" not in client.get(reverse("awards:registry")).content.decode()
    assert client.get(grant_url).status_code == 200
    assert client.post(grant_url, {"revoke_reason": "x"}).status_code == 403
    assert client.get(reverse("awards:unit_history", args=[world.other.pk])).status_code == 404
    login(client, world.users["nobody"])
    assert client.get(grant_url).status_code == 404


def test_certificates_download_as_pdf(client, world, ranked):
    grant = make_grant(world, ranked.flag, world.own, 2023, "34/QD")
    login(client, world.users["unit_officer"])
    response = client.get(reverse("awards:grant_certificate", args=[grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    login(client, world.users["committee_staff"])
    response = client.get(reverse("awards:decision_certificates", args=[grant.decision_id]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    login(client, world.users["nobody"])
    assert client.get(reverse("awards:grant_certificate", args=[grant.pk])).status_code == 404
    response = client.get(reverse("awards:decision_certificates", args=[grant.decision_id]))
    assert response.status_code == 404


# --- Query counts do not grow with rows --------------------------------------------------------


@pytest.mark.parametrize("size", [2, 7])
def test_the_proposal_list_has_a_fixed_query_count(
    client, world, ranked, size, django_assert_max_num_queries
):
    for year in range(size):
        services.proposal_nominate(
            actor=None,
            award=ranked.flag,
            year=2010 + year,
            decision_date=dt.date(2024, 12, 1),
            committee_unit=world.committee,
            proposer_unit=world.own,
            units=[world.own, world.sibling],
        )
    login(client, world.users["unit_officer"])
    with django_assert_max_num_queries(7):
        page = client.get(reverse("awards:proposal_list")).content.decode()
    assert page.count('href="/awards/proposals/') == size


@pytest.mark.parametrize("size", [2, 7])
def test_the_registry_and_history_have_fixed_query_counts(
    client, world, ranked, size, django_assert_max_num_queries
):
    for year in range(size):
        make_grant(world, ranked.flag, world.own, 2010 + year, f"{year}/QD")
    login(client, world.users["unit_officer"])
    with django_assert_max_num_queries(7):
        page = client.get(reverse("awards:registry")).content.decode()
    assert page.count("/QD") == 2 * size
    with django_assert_max_num_queries(7):
        page = client.get(reverse("awards:unit_history", args=[world.own.pk])).content.decode()
    assert page.count('href="/awards/grants/') == size
    with django_assert_max_num_queries(5):
        client.get(reverse("awards:index"))


def test_list_filters_work_with_htmx(client, world, drafted):
    login(client, world.users["cluster_leader"])
    response = client.get(
        reverse("awards:proposal_list"), {"state": "sent"}, HTTP_HX_REQUEST="true"
    )
    assert (
        response.status_code == 200
        and "No proposals match your search." in response.content.decode()
    )
    page = client.get(reverse("awards:proposal_list"), {"state": "draft"}).content.decode()
    assert reverse("awards:proposal", args=[drafted.pk]) in page


def test_the_councils_voters_read_the_dossier_they_vote_on(client, world, drafted):
    from pacesetter.ballots.models import Entitlement

    services.proposal_send(actor=None, proposal=drafted)
    services.proposal_accept(actor=None, proposal=drafted)
    services.proposal_publish_for_comment(actor=None, proposal=drafted, days=5)
    url = reverse("awards:proposal", args=[drafted.pk])
    login(client, world.users["council_member"])
    assert client.get(url).status_code == 404  # no vote yet: not theirs to read
    services.proposal_council_vote(actor=None, proposal=drafted, body=world.council)
    drafted.refresh_from_db()
    # the council-member role over the council, and those on the vote's roll
    (voter,) = {e.voter for e in Entitlement.objects.filter(poll=drafted.council_poll)}
    for user in (world.users["council_member"], voter):
        login(client, user)
        page = client.get(url)
        assert page.status_code == 200 and "A strong year." in page.content.decode()
        assert url in client.get(reverse("awards:proposal_list")).content.decode()
    login(client, world.users["nobody"])  # neither on the council nor a candidate
    assert client.get(url).status_code == 404
