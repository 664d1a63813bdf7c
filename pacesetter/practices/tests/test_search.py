"""The library's search through its substring index (search_index.py): the same
practices as reading every key, for terms of one, two and more characters, in Chinese,
Vietnamese (with and without tone marks) and English, kept up to date by every write."""

from __future__ import annotations

import pytest

from pacesetter.practices.models import Practice
from pacesetter.practices.selectors import PracticeFilters, practices_for
from pacesetter.practices.services import practice_update

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(world):
    return {
        "union": PracticeFactory(
            owner_unit=world.own,
            source_language="zh-hans",
            title={"zh-hans": "丹阳市总工会产业工人队伍建设改革经验"},
            summary={"zh-hans": "以技能竞赛带动产业工人成长，师带徒"},
        ),
        "safety": PracticeFactory(
            owner_unit=world.own,
            source_language="zh-hans",
            title={"zh-hans": "安全生产"},
            summary={"zh-hans": "班组安全"},
        ),
        "lamson": PracticeFactory(
            owner_unit=world.own,
            source_language="vi",
            title={"vi": "Điển hình tiên tiến Công ty Lam Sơn", "en": "Lam Son's model"},
            body={"vi": "<p>Tổ sản xuất đạt năng suất cao nhất.</p>"},
        ),
        "water": PracticeFactory(
            owner_unit=world.own, title="Water network zoning", summary="Cut losses by zone"
        ),
    }


def found(user, query):
    return {p.pk for p in practices_for(user, PracticeFilters(query=query))}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        # Chinese: two-character words inside a phrase, at a key's end, one character.
        ("技能", {"union"}),
        ("工会", {"union"}),
        ("经验", {"union"}),
        ("安全", {"safety"}),
        ("生产", {"safety"}),
        ("徒", {"union"}),
        ("师带徒", {"union"}),
        ("产业工人", {"union"}),
        ("技能竞赛带动", {"union"}),
        ("赛技", set()),
        # Vietnamese with and without tone marks, a word of the body, two letters.
        ("năng suất", {"lamson"}),
        ("nang suat", {"lamson"}),
        ("NĂNG SUẤT", {"lamson"}),
        ("Sơn", {"lamson"}),
        ("điển hình tiên tiến", {"lamson"}),
        ("ti", {"lamson"}),
        ("đạ", {"lamson"}),
        # English, across a word boundary, a letter.
        ("network zon", {"water"}),
        ("zone", {"water"}),
        ("z", {"water"}),
        ("no such words", set()),
    ],
)
def test_a_term_finds_the_practices_whose_texts_contain_it(world, shelf, query, names):
    staff = world.users["committee_staff"]
    assert found(staff, query) == {shelf[name].pk for name in names}


def test_the_index_finds_exactly_what_reading_every_key_finds(world, shelf):
    staff = world.users["committee_staff"]
    # A practice's own key, its source units' and its fields' keys, read one by one.
    keys = {
        practice.pk: [
            practice.search_key,
            *(unit.search_key for unit in practice.source_units.all()),
            *(field.search_key for field in practice.work_fields.all()),
        ]
        for practice in Practice.objects.prefetch_related("source_units", "work_fields")
    }
    for query in ("产业", "业工", "安", "an", "ng", "n", "nang", "son's", "ter", "it", "zz"):
        by_reading = {pk for pk, texts in keys.items() if any(query in t for t in texts)}
        assert found(staff, query) == by_reading, query


def test_an_edited_practice_is_found_by_its_new_words_only(world, shelf):
    staff = world.users["committee_staff"]
    practice_update(actor=None, practice=shelf["safety"], title={"zh-hans": "节能降耗"})
    assert found(staff, "节能") == {shelf["safety"].pk}
    assert found(staff, "节能降耗") == {shelf["safety"].pk}
    assert found(staff, "生产") == set()
    assert found(staff, "安全") == {shelf["safety"].pk}  # still in its summary


def test_the_search_keeps_to_what_the_user_may_see(world, shelf):
    hidden = PracticeFactory(owner_unit=world.sibling, title="Sibling's 技能 drill")
    assert found(world.users["unit_officer"], "技能") == {shelf["union"].pk}
    assert found(world.users["superuser"], "技能") == {shelf["union"].pk, hidden.pk}


def test_a_migrate_puts_back_the_index_a_rebuilt_table_lost(world, shelf):
    """SQLite drops a table's triggers when a migration rebuilds the table; the next
    migrate (``post_migrate``) puts them back, so new practices are found again."""
    from django.db import connection

    from pacesetter.practices import search_index

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's indexes hold no triggers for a rebuild to lose")
    search_index.uninstall(connection)
    search_index.installed_on_migrate(sender=None, using=connection.alias)
    staff = world.users["committee_staff"]
    assert found(staff, "师带徒") == {shelf["union"].pk}  # filled from the stored keys
    added = PracticeFactory(owner_unit=world.own, title="Shift briefing 师带徒")
    assert found(staff, "师带徒") == {shelf["union"].pk, added.pk}
    assert found(staff, "安全") == {shelf["safety"].pk}


def test_a_search_counts_its_matches_no_further_than_the_cap(world, client, settings):
    """A term found in a large part of the library is not counted to the end: the list
    says "more than N", pages through the first N; without a term every row counts."""
    settings.SEARCH_COUNT_CAP = 3
    settings.PAGE_SIZE = 2
    for n in range(5):
        PracticeFactory(owner_unit=world.own, title=f"Drill {n}")
    client.force_login(world.users["committee_staff"])
    page = client.get("/practices/?q=drill")
    paginator = page.context["page_obj"].paginator
    assert (paginator.capped, paginator.count, paginator.num_pages) == (True, 3, 2)
    assert "More than 3 practices match" in page.content.decode()
    last = client.get("/practices/?q=drill&page=9").context["page_obj"]
    assert (last.number, len(last.object_list)) == (2, 1)  # the third, not the fifth
    exact = client.get("/practices/?q=drill 4").context["page_obj"].paginator
    assert (exact.capped, exact.count) == (False, 1)
    unsearched = client.get("/practices/")
    assert unsearched.context["page_obj"].paginator.count == 5
    assert "More than" not in unsearched.content.decode()
