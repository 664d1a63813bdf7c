"""Deadlines: opened on registration, met by a building change, reminded before the date
to the town's officers and escalated after it to the staff above, once per stage, in the
recipient's language and as their profile allows (the daily job run directly)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.core import outbox
from pacesetter.coverage import deadlines, tasks
from pacesetter.coverage.models import CoverageKind, Deadline, DeadlineNotice
from pacesetter.coverage.services import building_record, organization_update

from .factories import organization
from .test_rules import make_rule

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def days(n):
    """``n`` days from today (the tests' clock, read when called)."""
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def rules():
    return {
        "dual": make_rule("dual", "build_within_days", {"days": 90, "min_full_members": 1}),
        "three": make_rule("three", "standalone_if_members", {"min_full_members": 3}),
        "size": make_rule(
            "size", "standalone_by_date_if_size", {"min_staff": 100, "by": days(200).isoformat()}
        ),
    }


@pytest.fixture
def people(world):
    officer, staff = world.users["unit_officer"], world.users["committee_staff"]
    officer.email, staff.email = "officer@example.org", "staff@example.org"
    officer.save()
    staff.language = "zh-hans"
    staff.save()
    return officer, staff


def test_registering_opens_a_deadline_per_applicable_rule_with_a_date(world, rules):
    org = organization(world.own, registered_on=days(-10), party_members_full=4, staff_count=20)
    (deadline,) = Deadline.objects.filter(organization=org)
    assert (deadline.rule, deadline.due_on, deadline.met_on) == (rules["dual"], days(80), None)
    # No member: the dual-synchronization rule does not apply; "three" has no date.
    assert not Deadline.objects.filter(
        organization=organization(world.own, registered_on=days(-10))
    )


def test_a_building_change_meets_the_deadline_and_a_dissolution_reopens_it(world, rules):
    org = organization(world.own, registered_on=days(-30), party_members_full=1)
    party = CoverageKind.objects.get(code="party")
    building_record(actor=None, organization=org, kind=party, on=days(-5), form="joint_region")
    deadline = Deadline.objects.get(organization=org)
    assert deadline.met_on == days(-5)
    building_record(actor=None, organization=org, kind=party, on=days(-2), form="joint_unit")
    assert Deadline.objects.get(pk=deadline.pk).met_on == days(-5)  # still built since then
    building_record(actor=None, organization=org, kind=party, on=days(-1), form="not_built")
    assert Deadline.objects.get(pk=deadline.pk).met_on is None


def test_changed_facts_open_and_drop_deadlines(world, rules):
    org = organization(world.own, registered_on=days(-30), staff_count=20)
    assert not Deadline.objects.filter(organization=org).exists()
    organization_update(actor=None, organization=org, staff_count=150)
    assert Deadline.objects.get(organization=org).rule == rules["size"]
    organization_update(actor=None, organization=org, staff_count=50)
    assert not Deadline.objects.filter(organization=org).exists()


def test_an_organization_already_built_when_registered_has_its_deadline_met(world, rules):
    org = organization(
        world.own,
        registered_on=days(-10),
        party_members_full=3,
        buildings={"party": {"form": "standalone", "founded_on": days(-10)}},
    )
    assert Deadline.objects.get(organization=org).met_on == days(-10)


def stages(today):
    return [
        (Deadline.objects.get(pk=pk).organization.name, stage)
        for pk, stage in deadlines.scan(today)
    ]


def test_the_officers_are_reminded_before_the_date_once(world, rules, people):
    officer, _staff = people
    org = organization(
        world.own, name="Lychee Works", registered_on=days(-80), party_members_full=1
    )
    assert stages(days(-5)) == []  # more than 14 days before the date
    assert stages(days(0)) == [("Lychee Works", "remind")]
    tasks.deadlines_scan.call(today=days(0).isoformat())
    queued = DBTaskResult.objects.filter(task_path=tasks.deadline_notify.module_path)
    assert queued.count() == 1
    assert (
        tasks.deadline_notify.call(
            *queued.get().args_kwargs["args"], **queued.get().args_kwargs["kwargs"]
        )
        == "sent"
    )
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert message.subject == "Due in 10 days: “Lychee Works”"
    assert (
        "should meet this rule by" in message.body
        and f"/coverage/{org.pk}/deadlines/" in message.body
    )
    # Once: the next scan finds nothing, and a second send is refused.
    assert stages(days(1)) == []
    deadline = Deadline.objects.get(organization=org)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "taken"
    assert len(mail.outbox) == 1


def test_the_next_scan_is_scheduled_for_tomorrow(world, rules):
    tasks.deadlines_scan.call(today=days(0).isoformat())
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.deadlines_scan.module_path, status="READY"
    )
    assert waiting.count() == 1
    assert timezone.localtime(waiting.get().run_after).date() == days(1)
    assert tasks.scan_schedule() is False  # one is waiting already


def test_an_overdue_deadline_is_escalated_to_the_staff_above_in_their_language(
    world, rules, people
):
    _officer, staff = people
    org = organization(
        world.own, name="Longan Trading", registered_on=days(-80), party_members_full=1
    )
    deadline = Deadline.objects.get(organization=org)
    rules["dual"].name_zh_hans = "双同步"
    rules["dual"].save()
    later = deadline.due_on + dt.timedelta(days=1)
    assert stages(later) == [("Longan Trading", "escalate")]
    assert deadlines.notify(deadline.pk, "escalate", later) == "sent"
    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert "Longan Trading" in message.subject and "Own unit" in message.subject
    assert "双同步" in message.body  # the staff member reads Chinese (the profile's language)
    assert stages(later + dt.timedelta(days=3)) == []
    assert deadlines.notify(deadline.pk, "escalate", later) == "taken"
    assert len(mail.outbox) == 1


def test_the_profile_turns_mails_off_and_a_met_deadline_is_not_mailed(world, rules, people):
    officer, _staff = people
    officer.mail_reminders = False
    officer.save()
    org = organization(world.own, registered_on=days(-80), party_members_full=1)
    deadline = Deadline.objects.get(organization=org)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "nobody"
    assert mail.outbox == []
    # Not stamped: the next scan looks again, and finds the officer once they turn it on.
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is None
    assert [stage for _pk, stage in deadlines.scan(days(1))] == ["remind"]
    officer.mail_reminders = True
    officer.save()
    assert deadlines.notify(deadline.pk, "remind", days(1)) == "sent"
    assert [m.to for m in mail.outbox] == [[officer.email]]
    party = CoverageKind.objects.get(code="party")
    building_record(actor=None, organization=org, kind=party, on=days(0), form="joint_region")
    assert deadlines.notify(deadline.pk, "escalate", days(20)) == "taken"
    assert stages(days(20)) == []


def test_a_deadline_overdue_when_opened_is_not_escalated_by_mail(world, rules, people):
    organization(world.own, registered_on=days(-200), party_members_full=1)
    assert stages(days(0)) == []


def test_a_failed_send_releases_the_claim(world, rules, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    org = organization(world.own, registered_on=days(-80), party_members_full=1)
    deadline = Deadline.objects.get(organization=org)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "failed"
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is None
    assert [stage for _pk, stage in deadlines.scan(days(0))] == ["remind"]


@pytest.fixture
def two_officers(world, people):
    officer, _staff = people
    second = UserFactory(username="officer.two", email="officer.two@example.org")
    role_grant(actor=None, user=second, role=Role.UNIT_OFFICER, unit=world.own)
    return officer, second


def mailed():
    return sorted(address for m in mail.outbox for address in m.to)


def test_a_failure_after_the_first_recipient_leaves_only_the_rest_for_the_re_run(
    world, rules, two_officers, monkeypatch
):
    first, second = two_officers
    deadline = Deadline.objects.get(
        organization=organization(world.own, registered_on=days(-80), party_members_full=1)
    )
    send = deadlines.send_message

    def refused_for_the_second(message):
        if message.to == [second.email]:
            raise ConnectionResetError("connection reset")
        send(message)

    monkeypatch.setattr(deadlines, "send_message", refused_for_the_second)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "failed"
    assert mailed() == [first.email]
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is None  # not all sent
    failed = DeadlineNotice.objects.get(recipient=second)
    assert (failed.sent_at, failed.claim_token) == (None, "")
    assert failed.error == "ConnectionResetError: connection reset"

    monkeypatch.setattr(deadlines, "send_message", send)
    assert [stage for _pk, stage in deadlines.scan(days(1))] == ["remind"]
    assert deadlines.notify(deadline.pk, "remind", days(1)) == "sent"
    assert mailed() == sorted([first.email, second.email])  # the first once only
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is not None
    assert deadlines.notify(deadline.pk, "remind", days(1)) == "taken"
    assert deadlines.scan(days(2)) == []


def test_a_worker_killed_mid_stage_leaves_it_to_the_next_run(
    world, rules, two_officers, monkeypatch
):
    first, second = two_officers
    deadline = Deadline.objects.get(
        organization=organization(world.own, registered_on=days(-80), party_members_full=1)
    )
    send = deadlines.send_message

    def killed_before_sending(message):
        raise SystemExit("killed")  # not an error the worker catches: it just stops

    monkeypatch.setattr(deadlines, "send_message", killed_before_sending)
    with pytest.raises(SystemExit):
        deadlines.notify(deadline.pk, "remind", days(0))
    assert mail.outbox == []
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is None
    # Another run at once mails the second officer; the first one's mail is held by the
    # dead worker's claim until it expires (the next day's scan comes long after).
    monkeypatch.setattr(deadlines, "send_message", send)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "sent"
    assert mailed() == [second.email]
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is None
    expired = timezone.now() - outbox.claim_timeout() - dt.timedelta(seconds=1)
    DeadlineNotice.objects.exclude(claimed_at=None).update(claimed_at=expired)
    assert [stage for _pk, stage in deadlines.scan(days(1))] == ["remind"]
    assert deadlines.notify(deadline.pk, "remind", days(1)) == "sent"
    assert mailed() == sorted([first.email, second.email])
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is not None


def test_two_workers_on_one_stage_mail_each_recipient_once(world, rules, two_officers, monkeypatch):
    first, second = two_officers
    deadline = Deadline.objects.get(
        organization=organization(world.own, registered_on=days(-80), party_members_full=1)
    )
    send = deadlines.send_message
    calls: list[object] = []
    meanwhile: list[str] = []

    def second_worker_meanwhile(message):
        calls.append(message)
        if len(calls) == 1:  # while the first mail is being sent, another worker runs
            meanwhile.append(deadlines.notify(deadline.pk, "remind", days(0)))
        send(message)

    monkeypatch.setattr(deadlines, "send_message", second_worker_meanwhile)
    assert deadlines.notify(deadline.pk, "remind", days(0)) == "sent"
    assert meanwhile == ["sent"]  # it mailed the recipient the first worker had not claimed
    assert mailed() == sorted([first.email, second.email])
    assert Deadline.objects.get(pk=deadline.pk).reminded_at is not None
