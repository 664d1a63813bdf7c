"""The public pages show what was published, and nothing else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pacesetter.audit.models import AuditEntry
from pacesetter.awards.services import grant_record
from pacesetter.campaigns.services import campaign_publicity_set
from pacesetter.campaigns.tests.factories import CampaignFactory
from pacesetter.public import views
from pacesetter.units.services import unit_publicity_set
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _html(path: str, **headers: str) -> str:
    response = Client(**headers).get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _shows_no_secret(html: str, publicized) -> None:
    assert [secret for secret in publicized.secrets if secret in html] == []


def test_the_index_lists_what_is_published(publicized, world):
    html = _html("/public/")
    assert "Emulation 2024" in html and "Private drive 2024" not in html
    assert f'data-registry="{world.committee.pk}"' in html
    assert f'data-register="{world.own.pk}"' in html
    assert "/practices/public/" in html
    _shows_no_secret(html, publicized)


def test_the_index_says_when_nothing_is_published(db):
    html = _html("/public/")
    assert "No campaign has been made public yet." in html
    assert "No body publishes its award registry yet." in html
    assert "No register publishes its coverage rates yet." in html
    assert "No proposed list is open for comment now." in html


def test_the_login_page_links_the_public_pages(db):
    assert 'href="/public/"' in _html("/accounts/login/")


def test_a_public_campaign_shows_its_review_points_and_links_published_rankings(publicized):
    scoring = publicized.ranked.scoring
    html = _html(f"/public/campaigns/{publicized.campaign.pk}/")
    assert "Emulation 2024" in html and "Year-end review" in html
    assert f"/public/rankings/{scoring.h1.pk}/" in html
    assert f"/public/rankings/{scoring.year_end.pk}/" not in html


def test_a_private_campaign_and_an_unpublished_ranking_answer_404(publicized):
    client = Client()
    assert client.get(f"/public/campaigns/{publicized.private_campaign.pk}/").status_code == 404
    year_end = publicized.ranked.scoring.year_end
    assert client.get(f"/public/rankings/{year_end.pk}/").status_code == 404


def test_the_published_ranking_shows_its_rows_and_chart(publicized, world):
    h1 = publicized.ranked.scoring.h1
    html = _html(f"/public/rankings/{h1.pk}/")
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert f'data-unit="{world.own.pk}"' in html and "Third unit" in html
    assert "ineligible" in html  # the sibling's veto, as published
    _shows_no_secret(html, publicized)


def test_an_open_ranking_of_a_public_campaign_stays_hidden(world, scoring):
    campaign_publicity_set(actor=None, campaign=scoring.campaign, public=True)
    client = Client()
    assert client.get(f"/public/rankings/{scoring.h1.pk}/").status_code == 404
    page = client.get(f"/public/campaigns/{scoring.campaign.pk}/").content.decode()
    assert "Not published yet" in page and f"/public/rankings/{scoring.h1.pk}/" not in page


def test_taking_a_campaign_off_the_public_pages_hides_it(publicized):
    campaign_publicity_set(actor=None, campaign=publicized.campaign, public=False)
    client = Client()
    assert client.get(f"/public/campaigns/{publicized.campaign.pk}/").status_code == 404
    h1 = publicized.ranked.scoring.h1
    assert client.get(f"/public/rankings/{h1.pk}/").status_code == 404


def test_the_registry_shows_standing_grants_of_bodies_that_opted_in(publicized, world):
    html = _html("/public/awards/")
    assert f'data-grant="{publicized.grant.pk}"' in html
    assert "Tran Thi Merit" in html and "Sibling unit" in html  # a person: name and unit
    assert f'data-grant="{publicized.revoked.pk}"' not in html
    assert f'data-grant="{publicized.hidden_grant.pk}"' not in html
    assert "Child unit" not in html  # its proposal is still in the flow
    _shows_no_secret(html, publicized)


def test_the_registry_searches_and_filters(publicized, world):
    html = _html("/public/awards/?q=merit")
    assert "Tran Thi Merit" in html and f'data-grant="{publicized.grant.pk}"' not in html
    html = _html(f"/public/awards/?award={publicized.ranked.flag.pk}&year=2024")
    assert f'data-grant="{publicized.grant.pk}"' in html and "Tran Thi Merit" not in html
    assert "No granted award matches these filters." in _html("/public/awards/?year=1999&q=zz")
    # A wrong value is dropped, not an error.
    assert f'data-grant="{publicized.grant.pk}"' in _html("/public/awards/?issuer=abc")


def test_the_registry_pages(publicized, world, monkeypatch, settings):
    settings.PAGE_SIZE = 1
    first = _html("/public/awards/")
    assert "Page 1 of 2" in first
    second = _html("/public/awards/?page=2")
    assert ("Tran Thi Merit" in first) != ("Tran Thi Merit" in second)


def test_a_decision_page_shows_its_granted_awards(publicized):
    html = _html(f"/public/decisions/{publicized.decision.pk}/")
    assert "77/QD-KT" in html and "Nguyen Van A" in html and "Tran Thi Merit" in html
    assert f'data-grant="{publicized.revoked.pk}"' not in html
    _shows_no_secret(html, publicized)


def test_a_decision_of_a_body_not_opted_in_answers_404(publicized, world):
    client = Client()
    assert client.get(f"/public/decisions/{publicized.hidden_decision.pk}/").status_code == 404
    unit_publicity_set(actor=None, unit=world.committee, awards=False)
    assert client.get(f"/public/decisions/{publicized.decision.pk}/").status_code == 404
    assert f'data-grant="{publicized.grant.pk}"' not in _html("/public/awards/")


def test_coverage_rates_are_aggregates_only(publicized, world):
    html = _html(f"/public/coverage/{world.own.pk}/")
    assert "Own unit" in html and "Child unit" in html  # rows are towns
    _shows_no_secret(html, publicized)
    by_kind = _html(f"/public/coverage/{world.own.pk}/?by=kind")
    assert "Private enterprise" in by_kind or "private" not in by_kind
    _shows_no_secret(by_kind, publicized)


def test_coverage_rates_count_the_register(publicized, world):
    html = _html(f"/public/coverage/{world.own.pk}/?by=town&at=2024-12-31")
    # One of the two operating organizations is covered by a standalone party organization.
    assert "50%" in html


def test_a_register_not_opted_in_answers_404(publicized, world):
    client = Client()
    assert client.get(f"/public/coverage/{world.sibling.pk}/").status_code == 404
    assert client.get(f"/public/coverage/{world.other.pk}/").status_code == 404


def test_answers_are_cacheable_and_touch_no_session(publicized, world):
    for path in (
        "/public/",
        f"/public/campaigns/{publicized.campaign.pk}/",
        f"/public/rankings/{publicized.ranked.scoring.h1.pk}/",
        "/public/awards/",
        f"/public/decisions/{publicized.decision.pk}/",
        f"/public/coverage/{world.own.pk}/",
    ):
        response = Client().get(path)
        assert response.status_code == 200
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache == {"public", f"max-age={views.PUBLIC_MAX_AGE}"}, path
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        assert "cookie" not in vary and "accept-language" in vary, path
        assert not response.cookies, path
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html


def test_a_signed_in_visitor_reads_the_same_answer(publicized):
    client = Client()
    client.force_login(publicized.ranked.officers["own"])
    response = client.get("/public/")
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert "cookie" not in vary
    assert "officer" not in response.content.decode()


def test_the_language_comes_from_lang_or_accept_language_never_the_cookie(publicized):
    assert "Trang công khai" in _html("/public/?lang=vi")
    assert "公开页面" in _html("/public/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client = Client()
    client.cookies["django_language"] = "vi"
    response = client.get("/public/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Trang công khai" not in response.content.decode()
    assert "?lang=vi" in _html("/public/?lang=vi")  # the links keep the chosen language


def test_the_public_pages_are_rate_limited_per_address(db, monkeypatch):
    monkeypatch.setattr(views, "PUBLIC_RATE", "3/m")
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert visitor.get("/public/").status_code == 200
    refused = visitor.get("/public/awards/")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many requests" in refused.content.decode()
    assert "public" not in refused.get("Cache-Control", "")
    assert Client(REMOTE_ADDR="203.0.113.8").get("/public/").status_code == 200
    forged = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.get("/public/").status_code == 429


#: The rate limit's count in the database cache (read, count, savepoint, read, write,
#: release): the same on every public page.
RATE_LIMIT_QUERIES = 6


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_list_pages_have_fixed_query_counts(publicized, world):
    pages = {
        "/public/": 4,
        "/public/awards/": 5,
        f"/public/rankings/{publicized.ranked.scoring.h1.pk}/": 4,
        f"/public/coverage/{world.own.pk}/": 3,
    }
    for path, domain_queries in pages.items():
        assert _queries(path) == RATE_LIMIT_QUERIES + domain_queries, path
    # More rows, the same queries.
    for serial in range(3):
        grant_record(
            actor=None,
            award=publicized.ranked.flag,
            decision=publicized.decision,
            year=2023,
            unit=UnitFactory(parent=world.own, name=f"Town {serial}"),
        )
    campaign_publicity_set(
        actor=None,
        campaign=CampaignFactory(organizer=world.committee),
        public=True,
    )
    unit_publicity_set(actor=None, unit=world.sibling, awards=True, coverage=True)
    for path, domain_queries in pages.items():
        assert _queries(path) == RATE_LIMIT_QUERIES + domain_queries, path


def test_opting_in_is_audited(world, scoring):
    campaign_publicity_set(
        actor=world.users["committee_staff"], campaign=scoring.campaign, public=True
    )
    unit_publicity_set(actor=world.users["committee_staff"], unit=world.own, coverage=True)
    entries = {
        entry.action: entry.changes
        for entry in AuditEntry.objects.filter(action__in=("campaign.publicity", "unit.publicity"))
    }
    assert entries == {
        "campaign.publicity": {"is_public": [False, True]},
        "unit.publicity": {"publishes_coverage": [False, True]},
    }
