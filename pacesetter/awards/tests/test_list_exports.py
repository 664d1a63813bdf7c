"""The award registry's and the proposal list's exports hold the rows of their print
views, for the same user and filters; text that looks like a formula stays text."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.testing.exports import xlsx_cell_types, xlsx_rows

from .factories import AwardFactory, AwardGrantFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def printed_rows(client: Client, name: str, params: dict[str, str]) -> int:
    page = client.get(reverse(name), {**params, "print": "1"}).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return len(re.findall(r"<tr[ >]", body.group(1))) if body else 0


@pytest.mark.parametrize("role", ["committee_staff", "unit_officer", "viewer"])
def test_the_registry_export_holds_the_rows_of_its_print_view(world, role):
    flag = AwardFactory(name="Emulation flag")
    AwardGrantFactory(award=flag, unit=world.own, certificate_number="=1+1")
    AwardGrantFactory(award=flag, unit=world.sibling)
    AwardGrantFactory(unit=world.other)  # another province: not the committee's staff's
    client = Client()
    client.force_login(world.users[role])
    for params in ({}, {"award": str(flag.pk)}):
        rows = xlsx_rows(client.get(reverse("awards:registry_xlsx"), params))
        assert rows[0][:3] == ["Year", "Award", "Awarded to"]
        assert len(rows) - 1 == printed_rows(client, "awards:registry", params), params
    if role == "committee_staff":
        flagged = xlsx_rows(client.get(reverse("awards:registry_xlsx"), {"award": flag.pk}))
        assert sorted(row[3] for row in flagged[1:]) == sorted([world.own.code, world.sibling.code])
        everything = xlsx_rows(client.get(reverse("awards:registry_xlsx")))
        assert world.other.code not in [row[3] for row in everything]
        response = client.get(reverse("awards:registry_xlsx"))
        assert xlsx_cell_types(response)["=1+1"] == "s"


@pytest.mark.parametrize("role", ["committee_staff", "unit_officer"])
def test_the_proposal_export_holds_the_rows_of_its_print_view(world, role):
    award = AwardFactory(name="=Model unit")
    ProposalFactory(award=award, committee_unit=world.committee, proposer_unit=world.own)
    ProposalFactory(committee_unit=world.committee, proposer_unit=world.sibling)
    client = Client()
    client.force_login(world.users[role])
    for params in ({}, {"award": str(award.pk)}):
        rows = xlsx_rows(client.get(reverse("awards:proposal_list_xlsx"), params))
        assert len(rows) - 1 == printed_rows(client, "awards:proposal_list", params), params
    if role == "committee_staff":
        rows = xlsx_rows(client.get(reverse("awards:proposal_list_xlsx"), {"award": award.pk}))
        assert [row[0] for row in rows[1:]] == ["=Model unit"]
        response = client.get(reverse("awards:proposal_list_xlsx"))
        assert xlsx_cell_types(response)["=Model unit"] == "s"
