"""Returning a score item tells the unit's officers, in the bell (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.notifications import kinds
from pacesetter.notifications.kinds import render
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import preferences_set
from pacesetter.scoring.services import item_report, item_return, item_submit

pytestmark = pytest.mark.django_db


def _submitted(scoring: Any, unit: Any) -> Any:
    item = scoring.item(unit, "P1")
    item = item_report(actor=None, item=item, version=item.version, passed=True)
    return item_submit(actor=None, item=item, version=item.version, self_score=None)


def test_a_returned_item_reaches_the_units_officers_only(world: Any, scoring: Any) -> None:
    second = UserFactory(username="officer.two")
    role_grant(actor=None, user=second, role=Role.UNIT_OFFICER, unit=world.own)
    elsewhere = UserFactory(username="officer.sibling")
    role_grant(actor=None, user=elsewhere, role=Role.UNIT_OFFICER, unit=world.sibling)
    item = _submitted(scoring, world.own)

    item_return(
        actor=world.users["committee_staff"],
        item=item,
        version=item.version,
        question="Where is the certificate?",
        step="finalize",
    )

    sent = Notification.objects.filter(kind=kinds.SCORE_ITEM_RETURNED)
    assert set(sent.values_list("recipient_id", flat=True)) == {
        world.users["unit_officer"].pk,
        second.pk,
    }
    notice = sent.first()
    assert notice.url == reverse("scoring:item", args=[item.pk])
    with translation.override("en"):
        assert render(notice.kind, notice.params) == (
            f"The item “{item.criterion.title}” of Own unit was returned with a question: "
            "Where is the certificate?"
        )


def test_a_refused_return_notifies_nobody(world: Any, scoring: Any) -> None:
    item = _submitted(scoring, world.own)

    with pytest.raises(ValidationError), transaction.atomic():
        item_return(actor=None, item=item, version=item.version, question=" ", step="finalize")

    assert not Notification.objects.exists()


def test_an_officer_who_turned_it_off_gets_none(world: Any, scoring: Any) -> None:
    officer = world.users["unit_officer"]
    preferences_set(actor=officer, user=officer, kinds={kinds.SCORE_ITEM_RETURNED: False})
    item = _submitted(scoring, world.own)

    item_return(actor=None, item=item, version=item.version, question="Why?", step="finalize")

    assert not Notification.objects.filter(recipient=officer).exists()
