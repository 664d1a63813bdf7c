"""The lists' exports hold the rows their print views hold, for the same user and the
same filters (the page's selector): units, campaigns, meetings, clusters, bodies and
chains. Each opens with openpyxl; a name starting with "=" stays text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.campaigns.tests.factories import CampaignFactory
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.meetings.tests.conftest import make_meeting
from pacesetter.testing.exports import xlsx_cell_types, xlsx_rows
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

FORMULA = "=HYPERLINK(1)"


def _unit(world: Any, name: str) -> Any:
    return UnitFactory(parent=world.own, name=name, code=f"X{abs(hash(name)) % 10**6}")


def _campaign(world: Any, name: str) -> Any:
    return CampaignFactory(organizer=world.own, name=name)


def _meeting(world: Any, name: str) -> Any:
    return make_meeting(world, title=name, organizer_unit=world.own)


def _cluster(world: Any, name: str) -> Any:
    return ClusterFactory(owner_unit=world.own, name=name)


def _body(world: Any, name: str) -> Any:
    return BodyFactory(owner_unit=world.own, name=name)


def _chain(world: Any, name: str) -> Any:
    return ChainFactory(owner_unit=world.own, leader_unit=world.own, name=name)


#: list page, its export, the column of the name in the export, how to make one row
LISTS: dict[str, tuple[str, str, int, Callable[[Any, str], Any]]] = {
    "units": ("units:list", "units:list_xlsx", 1, _unit),
    "campaigns": ("campaigns:list", "campaigns:list_xlsx", 1, _campaign),
    "meetings": ("meetings:meeting_list", "meetings:meeting_list_xlsx", 2, _meeting),
    "clusters": ("clusters:list", "clusters:list_xlsx", 1, _cluster),
    "bodies": ("bodies:list", "bodies:list_xlsx", 0, _body),
    "chains": ("chains:chain_list", "chains:chain_list_xlsx", 0, _chain),
}


def printed_rows(client: Client, name: str, params: dict[str, str]) -> int:
    page = client.get(reverse(name), {**params, "print": "1"}).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return len(re.findall(r"<tr[ >]", body.group(1))) if body else 0


@pytest.mark.parametrize("kind", list(LISTS))
@pytest.mark.parametrize("role", ["committee_staff", "unit_officer"])
def test_the_export_holds_the_rows_of_the_print_view(world, kind, role):
    page, export, column, make = LISTS[kind]
    make(world, "Lantern festival of the river towns")
    make(world, FORMULA)
    client = Client()
    client.force_login(world.users[role])
    for params in ({}, {"q": "lantern"}):
        rows = xlsx_rows(client.get(reverse(export), params))[1:]
        assert len(rows) == printed_rows(client, page, params), (kind, role, params)
    searched = xlsx_rows(client.get(reverse(export), {"q": "lantern"}))[1:]
    if role == "committee_staff":
        assert [row[column] for row in searched] == ["Lantern festival of the river towns"]
        assert xlsx_cell_types(client.get(reverse(export)))[FORMULA] == "s"


@pytest.mark.parametrize("kind", list(LISTS))
def test_the_export_needs_a_login(client, kind):
    response = client.get(reverse(LISTS[kind][1]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_export_is_in_the_users_language(world):
    client = Client()
    client.force_login(world.users["committee_staff"])
    client.cookies["django_language"] = "vi"
    header = xlsx_rows(client.get(reverse("campaigns:list_xlsx")))[0]
    assert header[1] != "Name"
