"""The register's print view holds every organization of the filters, not one page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from .factories import organization

pytestmark = pytest.mark.django_db


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-organization="(\d+)"', response.content.decode())]


def test_the_registers_print_view_holds_every_row_of_its_filters(client, world, settings):
    settings.PAGE_SIZE = 2
    own = [organization(world.own, registered_on=dt.date(2023, 1, 1)) for _ in range(3)]
    sibling = organization(world.sibling, registered_on=dt.date(2023, 1, 1))
    client.force_login(world.users["committee_staff"])
    url = reverse("coverage:register")
    screen = client.get(url)
    assert len(rows(screen)) == 2
    assert 'href="?print=1"' in screen.content.decode()
    printed = client.get(url, {"print": "1"})
    assert sorted(rows(printed)) == sorted([o.pk for o in own] + [sibling.pk])
    town = client.get(url, {"print": "1", "town": world.sibling.pk})
    assert rows(town) == [sibling.pk]


def test_the_registers_print_view_shows_an_officer_only_their_towns(client, world):
    mine = organization(world.own, registered_on=dt.date(2023, 1, 1))
    organization(world.other, registered_on=dt.date(2023, 1, 1))
    client.force_login(world.users["unit_officer"])
    printed = client.get(reverse("coverage:register"), {"print": "1"})
    assert rows(printed) == [mine.pk]
