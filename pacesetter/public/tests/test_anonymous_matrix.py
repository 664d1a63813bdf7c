"""The anonymous access matrix: every URL of the project, asked without signing in.

Every URL pattern (the resolver walked as ``core/tests/test_screen_api_parity.py`` does)
and every operation of the OpenAPI document is asked by an anonymous client, its path
parameters filled with ids of the small fixture below. A page that is not public must
send the visitor to the login page (or answer 404/405); an API operation must answer 401
(or 404/405); a public page must answer 200 and show no unpublished object's name. The
public pages and the few open ones are listed here by name: a new URL fails this test
until someone classifies it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pacesetter.awards.models import Proposal, ProposalState
from pacesetter.awards.tests.factories import ProposalFactory
from pacesetter.practices import public_views as practice_pages
from pacesetter.practices.tests.factories import PracticeFactory, published
from pacesetter.public import views as public_pages

pytestmark = pytest.mark.django_db

API = "/api/v1"

#: The pages anyone may read (URL name -> its path parameters, from the fixture).
PUBLIC_PAGES = (
    "public:index",
    "public:campaign",
    "public:ranking",
    "public:registry",
    "public:decision",
    "public:coverage",
    "practices:public_list",
    "practices:public_feed",
    "practices:public_detail",
    "practices:public_pdf",
    "practices:public_docx",
    "awards:public_proposal",
)

#: Pages that answer without a login but show no record: signing in, resetting a
#: password, the health probe, choosing the language.
OPEN_PAGES = {
    "login": (200,),
    "logout": (302, 405),
    "health": (200,),
    "set_language": (302, 405),
}

#: API operations that need no login: getting a token, and the public comment.
PUBLIC_API = {
    ("post", "/auth/token"),
    ("get", "/public/proposals/{proposal_id}"),
    ("post", "/proposals/{proposal_id}/comments"),
}

#: The binary answers among the public pages (their text is not searched for names).
BINARY = {"practices:public_pdf", "practices:public_docx"}


def _patterns(patterns: list[Any], namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api-v1"):
                continue
            yield from _patterns(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


@pytest.fixture
def matrix(publicized, world, monkeypatch):
    monkeypatch.setattr(public_pages, "PUBLIC_RATE", "100000/m")
    monkeypatch.setattr(practice_pages, "PUBLIC_RATE", "100000/m")
    practice = published(PracticeFactory(owner_unit=world.own, title="Published practice"))
    PracticeFactory(owner_unit=world.own, title="Practice still proposed")
    proposal = ProposalFactory(committee_unit=world.committee, proposer_unit=world.sibling)
    today = dt.date(2026, 11, 18)
    # The proposed list in public comment (its workflow is awards' to test).
    Proposal.objects.filter(pk=proposal.pk).update(
        state=ProposalState.PUBLIC_COMMENT,
        public_from=today - dt.timedelta(days=3),
        public_until=today + dt.timedelta(days=10),
    )
    h1 = publicized.ranked.scoring.h1
    ids = {
        "public:index": {},
        "public:campaign": {"pk": publicized.campaign.pk},
        "public:ranking": {"pk": h1.pk},
        "public:registry": {},
        "public:decision": {"pk": publicized.decision.pk},
        "public:coverage": {"pk": world.own.pk},
        "practices:public_list": {},
        "practices:public_feed": {},
        "practices:public_detail": {"pk": practice.pk},
        "practices:public_pdf": {"pk": practice.pk},
        "practices:public_docx": {"pk": practice.pk},
        "awards:public_proposal": {"pk": proposal.pk},
    }
    # Real ids for every other path: each parameter name to a row of its kind; a name
    # not listed gets the public campaign's id (an id that exists).
    by_name = {
        "unit_id": world.own.pk,
        "cluster_id": world.cluster.pk,
        "cluster_pk": world.cluster.pk,
        "body_id": world.council.pk,
        "campaign_id": publicized.campaign.pk,
        "review_point_id": h1.pk,
        "review_point_pk": h1.pk,
        "decision_id": publicized.decision.pk,
        "grant_id": publicized.grant.pk,
        "award_id": publicized.ranked.flag.pk,
        "proposal_id": proposal.pk,
        "practice_id": practice.pk,
        "organization_id": publicized.organizations[0].pk,
        "user_id": world.users["unit_officer"].pk,
    }
    secrets = [*publicized.secrets, "Practice still proposed"]
    return ids, by_name, publicized.campaign.pk, secrets


def _kwargs(pattern: URLPattern, by_name: dict[str, int], default: int) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for key, converter in pattern.pattern.converters.items():
        if converter.regex == "[0-9]+":
            kwargs[key] = by_name.get(key, default)
        else:
            kwargs[key] = "x"
    return kwargs


def test_every_page_anonymously(matrix):
    ids, by_name, default, secrets = matrix
    client = Client()
    seen_public = set()
    private = 0
    wrong = []
    for name, pattern in _patterns(get_resolver().url_patterns):
        if not pattern.pattern.converters and re.search(r"\(\?P<", str(pattern.pattern)):
            continue  # a catch-all regex (the API's 404): asked below
        if name in ids:
            path = reverse(name, kwargs=ids[name])
            response = client.get(path)
            seen_public.add(name)
            if response.status_code != 200:
                wrong.append((name, path, response.status_code))
            elif name not in BINARY:
                html = response.content.decode()
                shown = [secret for secret in secrets if secret in html]
                if shown:
                    wrong.append((name, path, shown))
            continue
        path = reverse(name, kwargs=_kwargs(pattern, by_name, default))
        response = client.get(path)
        private += 1
        if name in OPEN_PAGES:
            if response.status_code not in OPEN_PAGES[name]:
                wrong.append((name, path, response.status_code))
            continue
        status = response.status_code
        to_login = status == 302 and response["Location"].startswith(reverse("login"))
        if not (to_login or status in (404, 405)):
            wrong.append((name, path, status, response.get("Location", "")))
    assert wrong == []
    assert seen_public == set(PUBLIC_PAGES)  # each public page exists and was asked
    assert private > 200  # the walk reached the whole project


def test_every_api_operation_anonymously(matrix, client):
    _ids, by_name, default, _secrets = matrix
    document = client.get(f"{API}/openapi.json").json()
    anonymous = Client()
    wrong = []
    asked = 0
    for template, operations in document["paths"].items():
        route = template.removeprefix(API)
        path = re.sub(r"\{(\w+)\}", lambda m: str(by_name.get(m.group(1), default)), template)
        for method in operations:
            if (method, route) in PUBLIC_API:
                continue
            asked += 1
            response = getattr(anonymous, method)(path, {}, content_type="application/json")
            if response.status_code not in (401, 404, 405):
                wrong.append((method.upper(), template, response.status_code))
            elif response.status_code == 401:
                assert response.json()["code"] == "unauthenticated"
    assert wrong == []
    assert asked > 100
    listed = {(method, API + route) for method, route in PUBLIC_API}
    assert {(m, p) for p, ops in document["paths"].items() for m in ops} >= listed
    proposal = by_name["proposal_id"]
    assert anonymous.get(f"{API}/public/proposals/{proposal}").status_code == 200
