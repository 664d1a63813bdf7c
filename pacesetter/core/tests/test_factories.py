"""Every factory of the project builds a valid object from its defaults alone, and the
factories that go through a service leave that service's audit entry, as real use does."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import factory
import pytest

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.ballots.tests.factories import PollFactory
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.meetings.tests.factories import InvitationFactory
from pacesetter.units.tests.factories import UnitFactory

PACKAGE = Path(__file__).resolve().parents[2]

#: Each factory and the audit action of the service it builds through (None: it saves
#: the model directly, no service audits it). A new factory must be added here.
AUDITED = {
    "accounts.UserFactory": None,
    "units.UnitTypeFactory": None,
    "units.UnitFactory": "unit.create",
    "clusters.ClusterFactory": None,
    "clusters.ClusterMembershipFactory": None,
    "bodies.BodyFactory": None,
    "decisions.DecisionFactory": "decision.create",
    "campaigns.CampaignFactory": "campaign.create",
    "campaigns.ReviewPointFactory": "campaign.review_point_add",
    "campaigns.ParticipantFactory": "campaign.participant_add",
    "scoring.ScoringTableFactory": "table.create",
    "scoring.CriterionFactory": "criterion.create",
    "ballots.PollFactory": "poll.create",
    "awards.AwardFactory": "award.create",
    "awards.EligibilityRuleFactory": "award.rule_add",
    "awards.PersonFactory": "person.create",
    "awards.ProposalFactory": "proposal.nominate",
    "awards.AwardGrantFactory": "award.record",
    "chains.ChainFactory": "chain.create",
    "workplans.WorkPlanFactory": "workplan.create",
    "workplans.ProjectFactory": "workplan.project_create",
    "workplans.TaskFactory": "task.create",
    "meetings.MeetingFactory": "meeting.create",
    "meetings.InvitationFactory": "meeting.invite",
    "meetings.AgendaItemFactory": "meeting.agenda_add",
    "meetings.ResolutionFactory": "meeting.resolution_create",
    "practices.WorkFieldFactory": "practice.field_create",
    "practices.PracticeFactory": "practice.propose",
    "reports.ReportFactory": "report.create",
}


def project_factories() -> dict[str, type[factory.django.DjangoModelFactory]]:
    found = {}
    for path in sorted(PACKAGE.glob("*/tests/factories.py")):
        app = path.parent.parent.name
        module = importlib.import_module(f"pacesetter.{app}.tests.factories")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value.__module__ == module.__name__
            ):
                found[f"{app}.{name}"] = value
    return found


FACTORIES = project_factories()


def test_every_factory_is_checked_here():
    assert set(FACTORIES) == set(AUDITED)


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_a_factory_alone_builds_a_valid_object(db, name):
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    built = FACTORIES[name]()
    built.full_clean()
    action = AUDITED[name]
    if action is not None:
        assert AuditEntry.objects.filter(pk__gt=before, action=action).exists()
    # Each build is a new object: unique codes and names come from sequences.
    second = FACTORIES[name]()
    assert second.pk != built.pk
    second.full_clean()


def test_a_poll_is_voted_by_the_cluster_given_instead_of_a_new_body(db):
    cluster = ClusterFactory()
    poll = PollFactory(cluster=cluster)
    assert (poll.cluster, poll.body) == (cluster, None)
    by_body = PollFactory()
    assert by_body.cluster is None and by_body.body.owner_unit == by_body.owner_unit


def test_an_invitation_of_a_person_or_unit_has_no_made_up_name(db):
    assert InvitationFactory(user=UserFactory()).label == ""
    assert InvitationFactory(unit=UnitFactory()).label == ""
    assert InvitationFactory().label.startswith("Invitee ")
