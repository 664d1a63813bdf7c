"""The search box: every kind found, in every language, only what the user may see, on a
page whose query count does not grow with the data, and its API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.tests.factories import AwardFactory, AwardGrantFactory, ProposalFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.campaigns.tests.factories import CampaignFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.meetings.tests.factories import MeetingFactory
from pacesetter.practices.tests.factories import PracticeFactory
from pacesetter.scoring.tests.factories import CriterionFactory, ScoringTableFactory
from pacesetter.search.selectors import GROUP_SIZE
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db
SEARCH = "/search/"
API = "/api/v1/search"


def _one_of_each(world: Any, word: str, n: int = 0) -> None:
    """One record of every kind named with ``word`` (``n`` keeps codes apart), all
    visible to the root's committee staff."""
    root = world.root
    unit = UnitFactory(code=f"U-{word}-{n}", name=f"{word} unit {n}", parent=root)
    CampaignFactory(organizer=root, code=f"C-{n}-{len(word)}", name=f"{word} campaign {n}")
    CriterionFactory(table=ScoringTableFactory(owner_unit=root), title=f"{word} criterion {n}")
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=root))
    TaskFactory(plan=plan, title=f"{word} task {n}")
    MeetingFactory(organizer_unit=root, title=f"{word} meeting {n}")
    award = AwardFactory(code=f"a-{n}-{len(word)}", name=f"{word} award {n}")
    ProposalFactory(award=award, committee_unit=root, proposer_unit=unit)
    AwardGrantFactory(award=award, unit=unit, decision=DecisionFactory(owner_unit=root))
    PracticeFactory(owner_unit=unit, title=f"{word} practice {n}")
    person = UserFactory(username=f"{word.lower()}.{n}", first_name=word)
    role_grant(actor=None, user=person, role=Role.UNIT_OFFICER, unit=unit)


def _kinds(response: Any) -> dict[str, dict[str, Any]]:
    return {group["kind"]: group for group in response.json()["groups"]}


def test_the_search_finds_every_kind_grouped(client: Any, world: Any) -> None:
    _one_of_each(world, "Lotus")
    client.force_login(world.users["committee_staff"])
    response = client.get(API, {"q": "lotus"})
    assert response.status_code == 200
    groups = _kinds(response)
    assert list(groups) == [
        "units",
        "campaigns",
        "criteria",
        "tasks",
        "meetings",
        "proposals",
        "awards",
        "grants",
        "practices",
        "people",
    ]
    assert groups["units"]["items"][0]["title"] == "Lotus unit 0"
    assert groups["tasks"]["items"][0]["title"].endswith("Lotus task 0")
    assert groups["grants"]["items"][0]["detail"] == "Lotus unit 0"
    person = groups["people"]["items"][0]
    assert person["title"] == "Lotus"
    assert [(r["label"], r["over"]) for r in person["roles"]] == [("Unit officer", "Lotus unit 0")]
    page = client.get(SEARCH, {"q": "lotus"})
    assert page.status_code == 200
    for title in ("Lotus unit 0", "Lotus campaign 0", "Lotus meeting 0", "Lotus practice 0"):
        assert title in page.content.decode()


def test_a_chinese_term_inside_a_phrase_is_found(client: Any, world: Any) -> None:
    UnitFactory(
        code="XJ",
        name={"zh-hans": "先进集体", "en": "Model collective"},
        parent=world.root,
        source_language="zh-hans",
    )
    PracticeFactory(owner_unit=world.own, title="劳动先进集体经验", source_language="zh-hans")
    CriterionFactory(
        table=ScoringTableFactory(owner_unit=world.root),
        title="评选先进个人",
        source_language="zh-hans",
    )
    client.force_login(world.users["committee_staff"])
    groups = _kinds(client.get(API, {"q": "先进"}))
    assert [i["title"] for i in groups["units"]["items"]] == ["Model collective"]
    assert groups["practices"]["count"] == 1
    assert groups["criteria"]["count"] == 1
    # One Chinese character is a word: long enough.
    assert client.get(API, {"q": "先"}).status_code == 200


def test_vietnamese_is_found_as_typed_and_without_tone_marks(client: Any, world: Any) -> None:
    UnitFactory(
        code="CUM18", name={"vi": "Cụm thi đua số 18"}, source_language="vi", parent=world.root
    )
    MeetingFactory(
        organizer_unit=world.root, title={"vi": "Hội nghị tổng kết thi đua"}, source_language="vi"
    )
    client.force_login(world.users["committee_staff"])
    for query in ("thi đua", "THI ĐUA", "thi dua"):
        groups = _kinds(client.get(API, {"q": query}))
        assert groups["units"]["items"][0]["title"] == "Cụm thi đua số 18", query
        assert groups["meetings"]["count"] == 1, query


def test_an_officer_never_finds_another_units_task(client: Any, world: Any) -> None:
    own_plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.own))
    other_plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.other))
    TaskFactory(plan=own_plan, title="Harvest drive at home")
    TaskFactory(plan=other_plan, title="Harvest drive elsewhere")
    client.force_login(world.users["unit_officer"])
    groups = _kinds(client.get(API, {"q": "harvest"}))
    assert [i["title"] for i in groups["tasks"]["items"]] == ["Harvest drive at home"]
    paged = client.get(API, {"q": "harvest", "kind": "tasks"}).json()
    assert [i["title"] for i in paged["groups"][0]["items"]] == ["Harvest drive at home"]
    page = client.get(SEARCH, {"q": "harvest"}).content.decode()
    assert "elsewhere" not in page


def test_people_are_only_those_the_user_may_see(client: Any, world: Any) -> None:
    seen = UserFactory(username="mai.seen", first_name="Mai")
    role_grant(actor=None, user=seen, role=Role.UNIT_OFFICER, unit=world.child)
    unseen = UserFactory(username="mai.unseen", first_name="Mai")
    role_grant(actor=None, user=unseen, role=Role.UNIT_OFFICER, unit=world.other)
    client.force_login(world.users["unit_officer"])
    people = _kinds(client.get(API, {"q": "mai"}))["people"]
    assert [i["detail"] for i in people["items"]] == ["mai.seen"]
    # Found by role, in another language too ("Cán bộ đơn vị", unit officer): only the
    # officers the user sees.
    by_role = _kinds(client.get(API, {"q": "cán bộ"}))["people"]
    assert {i["detail"] for i in by_role["items"]} == {"mai.seen", "officer"}


def test_people_are_found_by_their_role(client: Any, world: Any) -> None:
    client.force_login(world.users["committee_staff"])
    for query in ("cluster leader", "cụm trưởng", "片区牵头"):
        people = _kinds(client.get(API, {"q": query}))["people"]
        assert [i["detail"] for i in people["items"]] == ["leader"], query
        assert people["items"][0]["roles"][0]["over"] == "Cluster A"


def test_a_query_too_long_is_refused_on_the_page(client: Any, world: Any) -> None:
    client.force_login(world.users["committee_staff"])
    page = client.get(SEARCH, {"q": "x" * 101}).content.decode()
    assert "Type at most 100 characters." in page


def test_a_group_says_more_than_n_and_links_its_own_pages(client: Any, world: Any) -> None:
    for n in range(GROUP_SIZE + 2):
        MeetingFactory(organizer_unit=world.root, title=f"Plenary {n}")
    client.force_login(world.users["committee_staff"])
    group = _kinds(client.get(API, {"q": "plenary"}))["meetings"]
    assert (group["count"], group["more"], len(group["items"])) == (GROUP_SIZE, True, GROUP_SIZE)
    page = client.get(SEARCH, {"q": "plenary"}).content.decode()
    assert f"more than {GROUP_SIZE}" in page
    assert group["link"] in page.replace("&amp;", "&")
    one_kind = client.get(group["link"])
    assert one_kind.status_code == 200
    assert f"{GROUP_SIZE + 2} found" in one_kind.content.decode()
    paged = client.get(API, {"q": "plenary", "kind": "meetings"}).json()
    assert paged["groups"][0]["count"] == GROUP_SIZE + 2
    assert (paged["page"], paged["pages"]) == (1, 1)


def _page_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH, {"q": "lotus"}).status_code == 200
    return len(queries)


def test_the_page_reads_a_fixed_number_of_queries(client: Any, world: Any) -> None:
    client.force_login(world.users["committee_staff"])
    _one_of_each(world, "Lotus", 0)
    first = _page_queries(client)
    for n in range(1, GROUP_SIZE + 3):
        _one_of_each(world, "Lotus", n)
    # Ten kinds, one query each, one for the people's roles; the rest is the session,
    # the user and the menu.
    assert _page_queries(client) == first
    assert first <= 16


def test_the_empty_state_and_a_short_query_are_translated(client: Any, world: Any) -> None:
    client.force_login(world.users["committee_staff"])
    client.cookies["django_language"] = "vi"
    short = client.get(SEARCH, {"q": "a"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Nhập ít nhất 2 ký tự" in short.content.decode()
    empty = client.get(SEARCH, {"q": "zzzz"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Không có kết quả nào khớp" in empty.content.decode()
    client.cookies["django_language"] = "zh-hans"
    short_zh = client.get(SEARCH, {"q": "a"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请至少输入 2 个字符" in short_zh.content.decode()


def test_the_api_refuses_a_short_or_long_query_or_an_unknown_kind(client: Any, world: Any) -> None:
    client.force_login(world.users["committee_staff"])
    short = client.get(API, {"q": " a "})
    assert short.status_code == 422
    assert short.json()["code"] == "query_too_short"
    assert "q" in short.json()["detail"]
    assert client.get(API, {"q": "x" * 101}).json()["code"] == "query_too_long"
    assert client.get(API, {"q": "lotus", "kind": "planets"}).json()["code"] == "unknown_kind"


def test_the_search_needs_a_signed_in_user(client: Any, world: Any) -> None:
    assert client.get(SEARCH, {"q": "lotus"}).status_code == 302
    assert client.get(API, {"q": "lotus"}).status_code == 401


def test_the_top_bar_has_the_search_box(client: Any, world: Any) -> None:
    client.force_login(world.users["viewer"])
    home = client.get(reverse("core:home")).content.decode()
    assert f'action="{SEARCH}"' in home
