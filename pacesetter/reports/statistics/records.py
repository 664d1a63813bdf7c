"""How the records behind a figure are listed (on the screen, in the .xlsx's "Records"
sheet and through the API): the same columns for each source, and each record's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import CampaignKind, OrganizingLevel
from pacesetter.coverage.models import Form, OrganizationKind


def record_headers(source: str) -> list[str]:
    if source == "campaigns":
        return [
            _("Code"),
            _("Name"),
            _("Organizer"),
            _("Start"),
            _("End"),
            _("Organizing level"),
            _("Kind"),
        ]
    if source == "grants":
        return [_("Award"), _("Recipient"), _("Unit"), _("Decision"), _("Year")]
    return [
        _("Credit code"),
        _("Name"),
        _("Town or street"),
        _("Kind"),
        _("Party building"),
        _("Union building"),
        _("Staff"),
        _("Union members"),
    ]


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else ""


def record_values(source: str, record: Any) -> list[Any]:
    if source == "campaigns":
        return [
            record.code,
            record.name,
            record.organizer.name,
            record.start,
            record.end,
            _label(OrganizingLevel, record.organizing_level),
            _label(CampaignKind, record.kind),
        ]
    if source == "grants":
        if record.person_id:
            recipient, unit = record.person.full_name, record.person.unit.name
        else:
            recipient, unit = record.unit.name, record.unit.name
        return [record.award.name, recipient, unit, record.decision.number, record.year]
    return [
        record.credit_code,
        record.name,
        record.town.name,
        _label(OrganizationKind, record.kind),
        _label(Form, record.party_form),
        _label(Form, record.union_form),
        record.staff_count,
        record.union_members,
    ]


def record_url(source: str, record: Any) -> str:
    name = {
        "campaigns": "campaigns:detail",
        "grants": "awards:grant",
        "organizations": "coverage:organization",
    }[source]
    return reverse(name, args=[record.pk])
