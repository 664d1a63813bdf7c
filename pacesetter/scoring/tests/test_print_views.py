"""The ranking's and the score sheet's print views: the ranking page links to its export
and its print view, which holds every row of the filters (not one page); the score
sheet's print view is the sheet without its report forms, and links to its .xlsx."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.scoring.views import sheets

from . import test_ranking_surfaces

league = test_ranking_surfaces.league  # the fixture: three units in two clusters

pytestmark = pytest.mark.django_db


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-unit="(\d+)">', response.content.decode())]


def test_the_ranking_links_to_its_export_and_a_print_view_of_every_row(world, league, monkeypatch):
    monkeypatch.setattr(sheets, "RANKING_PAGE_SIZE", 2)
    client = Client()
    client.force_login(world.users["committee_staff"])
    url = reverse("scoring:ranking", args=[league["h1"].pk])
    screen = client.get(url)
    page = screen.content.decode()
    assert len(rows(screen)) == 2 and "Page 1 of 2" in page
    assert reverse("scoring:ranking_xlsx", args=[league["h1"].pk]) in page
    assert 'href="?print=1"' in page
    printed = client.get(url, {"print": "1"})
    assert len(rows(printed)) == 3
    assert "Page 1 of" not in printed.content.decode()
    cluster = client.get(url, {"print": "1", "cluster": world.cluster.pk})
    assert sorted(rows(cluster)) == sorted([world.own.pk, world.sibling.pk])


def test_the_rankings_print_view_shows_nobody_a_row_they_may_not_see(world, league):
    client = Client()
    client.force_login(world.users["unit_officer"])  # before publication: nothing
    url = reverse("scoring:ranking", args=[league["h1"].pk])
    assert rows(client.get(url, {"print": "1"})) == []


def test_the_score_sheets_print_view_has_no_report_forms(world, league):
    client = Client()
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:sheet", args=[league["h1"].pk, world.own.pk])
    screen = client.get(url).content.decode()
    assert 'class="report-form"' in screen  # the officer reports on screen
    assert reverse("scoring:sheet_xlsx", args=[league["h1"].pk, world.own.pk]) in screen
    assert 'href="?print=1"' in screen
    printed = client.get(url, {"print": "1"}).content.decode()
    assert 'class="report-form"' not in printed
    assert printed.count('class="item-row') == screen.count('class="item-row')
    assert printed.count('class="item-row') > 0
