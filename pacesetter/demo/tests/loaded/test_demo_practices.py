"""The good-practice library in the demo: Cluster No. 18's models of its 24 July 2024
conference, the light-industry experiences published at the Danyang exchange and adopted
after it, and Xiangdian's studio and master-apprentice pairs from the research visit,
each vetted through the workflow at the dates of the events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pacesetter.accounts.models import User
from pacesetter.demo import practices as library
from pacesetter.demo.data import light_industry, machinery, thanh_hoa
from pacesetter.practices.models import Adoption, Practice, PracticeState, PracticeStep
from pacesetter.practices.selectors import PracticeFilters, practice_spread, practices_for
from pacesetter.units.models import Unit
from pacesetter.workplans.models import Task

S = PracticeState
SPECS = (*library.THANH_HOA, *library.LIGHT_INDUSTRY, *library.MACHINERY)

#: The real enterprises of the cases, by the names the texts could call them.
REAL_ENTERPRISES: dict[str, tuple[str, ...]] = {
    **{
        unit.code: (unit.short_name["vi"], unit.short_name["en"])
        for unit, _ in thanh_hoa.ENTERPRISES
    },
    machinery.XIANGDIAN: ("Xiangdian", "湘电"),
    "MMB-XIANGGANG": ("Xianggang", "湘钢"),
}


def _local_day(moment: dt.datetime, zone: str) -> dt.date:
    return timezone.localtime(moment, ZoneInfo(zone)).date()


def _path(code: str) -> str:
    return Unit.objects.get(code=code).path


def test_each_case_has_its_practices_in_the_states_of_their_vetting(demo: str) -> None:
    practices = Practice.objects.select_related("owner_unit")
    assert practices.count() == len(SPECS) == 20
    assert not practices.filter(is_demo=False).exists()
    by_case = {
        root: practices.filter(owner_unit__path__startswith=_path(root)).count()
        for root in (thanh_hoa.ROOT, light_industry.ROOT, machinery.ROOT)
    }
    assert by_case == {thanh_hoa.ROOT: 7, light_industry.ROOT: 11, machinery.ROOT: 2}
    states = Counter(practices.values_list("state", flat=True))
    assert states == {S.PUBLISHED: 15, S.RECOGNIZED: 2, S.REVIEWED: 1, S.PROPOSED: 2}
    thanh_hoa_states = Counter(
        Practice.objects.filter(owner_unit__path__startswith=_path(thanh_hoa.ROOT)).values_list(
            "state", flat=True
        )
    )
    assert thanh_hoa_states == {S.PUBLISHED: 3, S.RECOGNIZED: 1, S.REVIEWED: 1, S.PROPOSED: 2}


def test_cluster_18s_models_are_vetted_at_the_dates_of_the_conference_and_decision(
    demo: str,
) -> None:
    model = Practice.objects.get(title_en__startswith="Production division of Lam Son")
    assert model.source_language == "vi" and model.title_vi and model.title_en
    steps = list(model.steps.order_by("at"))
    assert [s.name for s in steps] == ["propose", "review", "recognize", "publish"]
    zone = "Asia/Ho_Chi_Minh"
    days = [_local_day(s.at, zone) for s in steps]
    assert days == [
        library.TH_PROPOSED,
        library.TH_REVIEWED,
        library.TH_RECOGNIZED,
        library.TH_PUBLISHED,
    ]
    assert model.published_at is not None
    assert _local_day(model.published_at, zone) == library.TH_PUBLISHED
    assert model.decision is not None and model.decision.date == library.TH_RECOGNIZED
    assert "số và ngày mẫu" in model.decision.title_vi
    # The record behind it: the 6-month review point, the conference, the cluster's task.
    assert model.review_point is not None and model.review_point.code == "h1"
    assert model.review_point.campaign.code == "TH-C18-2024"
    assert model.meeting is not None and model.meeting.starts_at.date() == dt.date(2024, 7, 24)
    assert [t.code for t in model.tasks.all()] == ["H2-5"]
    returned = Practice.objects.get(title_en__startswith="Canal upkeep")
    assert returned.state == S.PROPOSED
    assert [s.name for s in returned.steps.order_by("at", "pk")] == ["propose", "review", "return"]


def test_a_linked_award_is_one_the_practices_unit_received(demo: str) -> None:
    linked = [(p, g) for p in Practice.objects.all() for g in p.award_grants.all()]
    assert linked, "no practice links an award"
    for practice, grant in linked:
        units = {practice.owner_unit_id, *practice.source_units.values_list("pk", flat=True)}
        assert grant.unit_id in units
    team = Practice.objects.get(title_en__startswith="Lens processing team")
    assert team.award_grants.get().award.code == "cn-worker-pioneer"


def test_the_danyang_experiences_spread_to_the_federations_after_the_exchange(demo: str) -> None:
    federation = Unit.objects.get(code=light_industry.ROOT)
    adoptions = Adoption.objects.filter(
        practice__owner_unit__path__startswith=federation.path
    ).select_related("unit", "practice")
    assert 100 <= adoptions.count() <= 400  # hundreds, not thousands
    assert len({a.unit_id for a in adoptions}) >= 42
    for adoption in adoptions:
        assert adoption.unit.path.startswith(federation.path)
        assert adoption.adopted_on > library.LI_PUBLISHED
        assert adoption.practice.state == S.PUBLISHED
        assert adoption.practice.meeting is not None
        if adoption.reported_on is not None:
            assert adoption.reported_on >= adoption.adopted_on and adoption.rating
    outcomes = Counter(adoptions.values_list("outcome", flat=True))
    assert set(outcomes) == {"", "adopted", "partly", "abandoned"}
    assert outcomes["adopted"] > outcomes["partly"] > outcomes["abandoned"] > 0
    staff = User.objects.get(username="staff.lightindustry")
    training = Practice.objects.get(title_en__startswith="Order-based skills training")
    spread = practice_spread(staff, training)
    assert spread.total == training.adoptions.count() > 10
    assert spread.replicated == spread.by_outcome["adopted"] + spread.by_outcome["partly"]
    assert [g.unit.code for g in spread.groups] == [light_industry.ROOT]


def test_danyang_takes_up_linhais_experience_with_a_key_task_in_its_plan(demo: str) -> None:
    adoption = Adoption.objects.get(
        unit__code=light_industry.DANYANG, practice__title_en__startswith="Skills and schooling"
    )
    assert adoption.task is not None
    assert adoption.task.plan.body.owner_unit.code == light_industry.DANYANG
    assert adoption.task.lead_unit.code == light_industry.DANYANG
    assert adoption.task.title_zh_hans.startswith("在丹阳推广")
    assert adoption.outcome == "adopted"


def test_xiangdians_studio_and_pairs_follow_the_research_visit(demo: str) -> None:
    studio = Practice.objects.get(kind="studio")
    assert studio.owner_unit.code == machinery.XIANGDIAN
    assert studio.source_language == "zh-hans" and studio.title_zh_hans == "湘电劳模创新工作室"
    assert studio.meeting is not None and studio.meeting.kind == "research_visit"
    assert [t.code for t in studio.tasks.all()] == ["F1"]
    assert studio.state == S.PUBLISHED and studio.studio_level and studio.funding_currency
    assert "未列名" in studio.lead_person  # by position: no person is named
    pairs = Practice.objects.get(title_en__startswith="Master-apprentice pairs")
    assert [t.code for t in pairs.tasks.all()] == ["F2"]
    spread = Adoption.objects.filter(practice__in=[studio, pairs])
    assert {a.unit.code for a in spread} == {"MMB-XIANGGANG", "MMB-HUNAN-BM", machinery.ROOT}
    union = spread.get(unit__code=machinery.ROOT)  # into its follow-up plan, as a key task
    assert Task.objects.filter(
        pk=union.task_id, plan__body__owner_unit__code=machinery.ROOT
    ).exists()
    steps = PracticeStep.objects.filter(practice=studio).values_list("at", flat=True)
    assert {step.year for step in steps} == {2020}


def test_no_real_enterprise_is_named_by_a_practice_it_is_not_the_source_of(demo: str) -> None:
    """A practice of a real enterprise says in each of its languages that it is demo
    content, and no practice names a real enterprise other than its own units."""
    codes = {u.pk: u.code for u in Unit.objects.all()}
    for practice in Practice.objects.prefetch_related("source_units"):
        own = {codes[practice.owner_unit_id], *(codes[u.pk] for u in practice.source_units.all())}
        own |= {code.rsplit("-", 1)[0] for code in own}  # a department: its enterprise
        texts = " ".join(
            getattr(practice, f"{name}_{lang}")
            for name in ("title", "summary", "body")
            for lang in ("en", "vi", "zh_hans")
        )
        for code, names in REAL_ENTERPRISES.items():
            if code not in own:
                assert not any(name in texts for name in names), (practice.title, code)
        for lang in practice.languages:
            summary = getattr(practice, f"summary_{lang.replace('-', '_')}")
            assert library.DEMO_NOTE[lang] in summary, (practice.title, lang)


def test_the_library_finds_vietnamese_without_tone_marks_and_chinese_inside_a_phrase(
    demo: str,
) -> None:
    staff = User.objects.get(username="staff.thanhhoa")
    found = practices_for(staff, PracticeFilters(query="phan vung tach mang"))
    assert [p.title_en for p in found] == [
        "Initiative: metered district zones to cut clean-water losses"
    ]
    light = User.objects.get(username="staff.lightindustry")
    titles = {p.title_zh_hans for p in practices_for(light, PracticeFilters(query="技能培训"))}
    assert "眼镜产业工人“订单式”技能培训" in titles


def test_a_practice_page_shows_its_spread(demo: str, client: Client) -> None:
    client.force_login(User.objects.get(username="staff.lightindustry"))
    training = Practice.objects.get(title_en__startswith="Order-based skills training")
    response = client.get(
        reverse("practices:detail", args=[training.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert training.adoptions.count() > 10
