"""The demo's awards: Cluster No. 18's history, its proposals from the 2024 6-month
ranking with their checks, the published cluster vote and the decision with its grants,
and the light industry's Worker Pioneer."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from pacesetter.audit.models import AuditEntry
from pacesetter.audit.services import audit_seal
from pacesetter.awards import eligibility
from pacesetter.awards.models import Award, AwardGrant, Candidate, EligibilityRule, Proposal
from pacesetter.ballots.models import Ballot, BallotChoice, Entitlement, Poll
from pacesetter.decisions.models import Decision
from pacesetter.units.models import Unit

CLUSTER_UNITS = {
    "TH-NAMSONGMA",
    "TH-URBANENV",
    "TH-WATER",
    "TH-SONGCHU",
    "TH-BACSONGMA",
    "TH-LAMSON",
    "TH-MEDLATEC",
}


def proposal(code: str) -> Proposal:
    return Proposal.objects.get(award__code=code, proposer_unit__code="TH-LAMSON")


def merit() -> Proposal:
    return Proposal.objects.get(
        award__code="vn-certificate-of-merit", proposer_unit__code="TH-LAMSON"
    )


def test_the_catalog_has_each_award_once(demo: str) -> None:
    names = {
        "vn-provincial-flag": "Provincial Emulation Flag",
        "vn-excellent-collective": "Excellent Labour Collective",
    }
    for code, name in names.items():
        assert Award.objects.get(code=code).name == name
    merit_awards = Award.objects.filter(name_vi__startswith="Bằng khen của Chủ tịch")
    assert merit_awards.count() == 1
    assert Award.objects.filter(code="cn-worker-pioneer").exists()


def test_cluster_18_has_its_award_history_for_2022_and_2023(demo: str) -> None:
    history = AwardGrant.objects.filter(unit__code__in=CLUSTER_UNITS, year__in=(2022, 2023))
    excellent = history.filter(award__code="vn-excellent-collective")
    assert set(excellent.values_list("year", flat=True)) == {2022, 2023}
    assert excellent.filter(year=2022).count() >= 3 and excellent.filter(year=2023).count() >= 3
    assert history.exclude(award__code="vn-excellent-collective").filter(year=2023).exists()
    for grant in history.select_related("decision"):
        assert grant.decision.issuer == "Chairman of the Thanh Hoa Provincial People's Committee"
        assert grant.decision.owner_unit.code == "TH-ERC"
        assert "demo number" in grant.decision.title
        assert grant.decision.created_by.username == "staff.thanhhoa"
    assert AuditEntry.objects.filter(action="award.record").count() >= history.count()


def test_both_proposals_come_from_the_2024_six_month_ranking_with_their_checks(
    demo: str,
) -> None:
    flag, certificate = proposal("vn-provincial-flag"), merit()
    for item in (flag, certificate):
        assert item.review_point.campaign.code == "TH-C18-2024"
        assert item.review_point.code == "h1"
        assert item.cluster.code == "TH-C18"
        assert item.committee_unit.code == "TH-ERC"
        assert item.created_by.username == "leader.lamson"
        candidates = list(item.candidates.all())
        assert candidates
        for candidate in candidates:
            assert candidate.rank is not None and candidate.percentage is not None
            assert candidate.eligibility is not None and candidate.eligible is not None
            assert candidate.eligibility["tree"]["passed"] is candidate.eligible
    assert flag.state == "draft"
    assert certificate.state == "decided"
    assert certificate.candidates.filter(eligible=True).exists()


def test_one_achievement_backs_one_award_only(demo: str) -> None:
    """The cluster's first unit is on both lists: its 6-month result backs the Certificate
    of Merit, so the flag proposal's check fails and says why."""
    water = Candidate.objects.get(proposal=proposal("vn-provincial-flag"), unit__code="TH-WATER")
    assert water.eligible is False
    failed = [c for c in water.eligibility["tree"]["children"] if not c["passed"]]
    assert [c["rule"] for c in failed] == ["achievement_unused"]


def test_the_cluster_vote_is_published_and_recounts(demo: str) -> None:
    poll = merit().cluster_poll
    assert poll is not None and poll.state == "published"
    assert poll.cluster.code == "TH-C18"
    assert Entitlement.objects.filter(poll=poll, voted=True).count() == 7
    assert {e.unit.code for e in poll.entitlements.select_related("unit")} == CLUSTER_UNITS
    assert poll.result["valid"] and poll.result["electronic_ballots"] == 7
    assert any(option["passed"] for option in poll.result["options"])
    assert len(poll.digest) == 64
    out = StringIO()
    call_command("ballot_recount", str(poll.pk), stdout=out)
    assert "Recount matches" in out.getvalue() and poll.digest in out.getvalue()
    # Casting wrote no audit entry that could link a voter to a ballot.
    assert not AuditEntry.objects.filter(action__startswith="ballot").exists()


def test_the_decision_grants_the_carried_candidates(demo: str) -> None:
    certificate = merit()
    decision = certificate.decision
    assert decision is not None
    assert decision.number == "3012/QD-UBND"
    assert decision.date == date(2024, 8, 20)
    assert decision.issuer == "Chairman of the Thanh Hoa Provincial People's Committee"
    assert decision.signer_title == "Chairman"
    with decision.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    carried = {o["label"] for o in certificate.cluster_poll.result["options"] if o["passed"]}
    grants = AwardGrant.objects.filter(decision=decision).select_related("unit")
    assert {f"{g.unit.name} ({g.unit.code})" for g in grants} == carried
    assert all(g.proposal_id == certificate.pk and g.year == 2024 for g in grants)
    assert all(g.certificate_number.startswith("3012/QD-UBND/") for g in grants)


def test_a_worker_pioneer_goes_to_a_pilot_units_team(demo: str) -> None:
    grant = AwardGrant.objects.select_related("unit__parent", "decision", "proposal").get(
        award__code="cn-worker-pioneer"
    )
    assert grant.unit.code == "LIGHT-DANYANG-E1-T1"
    assert grant.unit.parent.code == "LIGHT-DANYANG-E1"
    assert grant.decision.owner_unit.code == "LIGHT-TU"
    assert "All-China Federation of Trade Unions" in grant.decision.issuer
    nomination = grant.proposal
    assert nomination.state == "decided" and nomination.review_point is None
    assert nomination.proposer_unit.code == "LIGHT-DANYANG"
    assert nomination.candidates.get().eligibility is not None


def test_the_summary_line_counts_grants_proposals_and_polls(demo: str) -> None:
    assert "Awards" in demo
    assert "1 polls, 1 published" in demo
    assert "3 proposals (2 decided, 1 draft)" in demo


def test_loading_twice_changes_no_award(demo: str) -> None:
    models = (
        Award,
        EligibilityRule,
        AwardGrant,
        Proposal,
        Candidate,
        Poll,
        Entitlement,
        Ballot,
        BallotChoice,
        Decision,
        AuditEntry,
    )
    before = {model: model.objects.count() for model in models}
    call_command("load_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in models} == before
    assert audit_seal().refused == []  # what the load's commit would have done
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue() and "wait to be chained" not in out.getvalue()


def test_the_2024_certificate_rule_counts_a_certificate_already_held(demo: str) -> None:
    """The cluster's 6-month rule names the Certificate of Merit by its real code, so its
    "not awarded within 1 year" check fails for Medlatec, which received it for 2023."""
    award = merit().award
    rule = award.rules.get(valid_from=date(2024, 7, 1))
    codes = set(Award.objects.values_list("code", flat=True))
    eligibility.validate(rule.rule, awards=codes)
    medlatec = Unit.objects.get(code="TH-MEDLATEC")
    assert AwardGrant.objects.filter(award=award, unit=medlatec, year=2023).exists()
    tree = eligibility.evaluate(
        rule.rule,
        eligibility.Context(decision_date=date(2024, 8, 20), unit=medlatec, reference_year=2024),
    )
    [within] = [c for c in tree["children"] if c["rule"] == "not_awarded_within"]
    assert within["params"]["award"] == award.code and within["passed"] is False
