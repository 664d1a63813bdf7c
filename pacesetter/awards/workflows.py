"""The proposal's workflow: one table for the services, the proposal page and the API."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import Proposal, ProposalState
from .policies import proposal_policy

S = ProposalState
#: States in which the proposer may still change the proposal.
DRAFTABLE = (S.DRAFT, S.RETURNED)
#: States before the decision: the candidates may be checked again and the dossier grows.
OPEN_STATES = (
    S.DRAFT,
    S.RETURNED,
    S.CLUSTER_VOTE,
    S.SENT,
    S.ACCEPTED,
    S.PUBLIC_COMMENT,
    S.COUNCIL_VOTE,
)


def _no_cluster_poll(proposal: Proposal) -> bool:
    return proposal.cluster_poll_id is None


def _no_council_poll(proposal: Proposal) -> bool:
    return proposal.council_poll_id is None


def comment_window_closed(proposal: Proposal) -> bool:
    """No public comment window, or it is over (comments are taken through its last day)."""
    return proposal.public_until is None or proposal.public_until < timezone.localdate()


def _can_decide(proposal: Proposal) -> bool:
    return _no_council_poll(proposal) and comment_window_closed(proposal)


def _has_cluster(proposal: Proposal) -> bool:
    return proposal.cluster_id is not None


def _for_people(proposal: Proposal) -> bool:
    return proposal.award.recipient_kind == "person"


def _refusal(proposal: Proposal, name: str) -> str:
    state = ProposalState(proposal.state).label
    targets = [t.target for t in proposal_workflow.transitions if t.name == name and t.target]
    if not targets:
        if name == "check":
            return _("A decided proposal is not checked again.")
        return _("The proposal is %(state)s; this cannot be done now.") % {"state": state}
    return _("The proposal is %(state)s; it cannot move to %(to)s.") % {
        "state": state,
        "to": ProposalState(targets[0]).label,
    }


_t = Transition[Proposal]

proposal_workflow: Workflow[Proposal] = Workflow(
    policy=proposal_policy,
    refusal=_refusal,
    transitions=[
        # Steps that do not move the proposal: the proposer or the committee.
        _t("check", OPEN_STATES, None, "propose"),
        _t("check", OPEN_STATES, None, "decide"),
        _t("attach", OPEN_STATES, None, "propose"),
        _t("attach", OPEN_STATES, None, "decide"),
        # A person of the proposing unit's register, while the proposal is a draft.
        _t("add_person", DRAFTABLE, None, "nominate", when=_for_people),
        # The proposer.
        _t("cluster_vote", DRAFTABLE, S.CLUSTER_VOTE, "propose", when=_has_cluster),
        # Without a cluster vote the eligible candidates go on; after one, those it carried.
        _t("send", DRAFTABLE, S.SENT, "propose", when=_no_cluster_poll),
        _t("send", (S.CLUSTER_VOTE,), S.SENT, "propose"),
        # The committee.
        _t("accept", (S.SENT,), S.ACCEPTED, "decide"),
        _t("return", (S.SENT,), S.RETURNED, "decide"),
        _t("publish", (S.ACCEPTED,), S.PUBLIC_COMMENT, "decide"),
        _t("council_vote", (S.ACCEPTED, S.PUBLIC_COMMENT), S.COUNCIL_VOTE, "decide"),
        # Not while the list is open for comment (the service says so: comment_window_open).
        _t("decide", (S.ACCEPTED, S.PUBLIC_COMMENT), S.DECIDED, "decide", when=_can_decide),
        _t("decide", (S.COUNCIL_VOTE,), S.DECIDED, "decide", when=comment_window_closed),
    ],
)
