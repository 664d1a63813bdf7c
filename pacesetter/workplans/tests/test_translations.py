"""Work plans, projects, tasks, milestones and chains in several languages (slice 5 of
docs/translations.md): a Vietnamese plan with English translations, merged patches, the
API's ``?lang=``, the board's accent-blind search, its query count over mixed sources,
names unique per language, and reminders in the recipient's language."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pacesetter.audit.models import AuditEntry
from pacesetter.chains.services import chain_create
from pacesetter.core.translations import search_key
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans import api as workplans_api
from pacesetter.workplans import reminders, services, views
from pacesetter.workplans.models import Reminder, ReminderKind, Task, WorkPlan

from .board_data import END, START, TODAY

pytestmark = pytest.mark.django_db

PLAN_VI = "Kế hoạch công tác trọng tâm năm 2021"
PLAN_EN = "Key work plan 2021"
TASK_VI = "Tổ chức Hội thi tay nghề giỏi"
TASK_EN = "Run the skills competition"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(workplans_api, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


def vi_plan(world: Any, **texts: Any) -> WorkPlan:
    return services.plan_create(
        actor=world.users["committee_staff"],
        body=world.council,
        source_language="vi",
        name=texts.pop("name", {"vi": PLAN_VI, "en": PLAN_EN}),
        kind="half_year",
        period_start=START,
        period_end=END,
        **texts,
    )


def vi_task(world: Any, plan: WorkPlan, **extra: Any) -> Task:
    return services.task_create(
        actor=world.users["committee_staff"],
        plan=plan,
        code=extra.pop("code", "1"),
        title=extra.pop("title", {"vi": TASK_VI, "en": TASK_EN}),
        scope=extra.pop("scope", "Các đơn vị trong cụm cử thí sinh."),
        lead_unit=extra.pop("lead_unit", world.own),
        **extra,
    )


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- services ---------------------------------------------------------------------------


def test_a_vietnamese_plan_and_task_with_english_translations(world):
    plan = vi_plan(world)
    task = vi_task(world, plan)
    milestone = services.milestone_add(
        actor=world.users["committee_staff"], task=task, title="Chốt danh sách thí sinh"
    )
    project = services.project_create(
        actor=world.users["committee_staff"], plan=plan, name={"vi": "Dự án A", "en": "Project A"}
    )
    # Children take the plan's source language; a plain text is in it.
    assert (task.source_language, milestone.source_language, project.source_language) == (
        "vi",
        "vi",
        "vi",
    )
    assert task.scope_vi == "Các đơn vị trong cụm cử thí sinh." and task.scope_en == ""
    with translation.override("en"):
        assert (plan.name, task.title, project.name) == (PLAN_EN, TASK_EN, "Project A")
        assert task.scope == "Các đơn vị trong cụm cử thí sinh."  # not translated: the source
        assert milestone.title == "Chốt danh sách thí sinh"
    with translation.override("vi"):
        assert (plan.name, task.title) == (PLAN_VI, TASK_VI)
    with translation.override("zh-hans"):
        assert task.title == TASK_VI  # no Chinese: the source
    created = AuditEntry.objects.get(action="task.create", target_id=str(task.pk))
    assert created.changes["title_vi"] == [None, TASK_VI]
    assert created.changes["title_en"] == [None, TASK_EN]
    assert task.search_key == search_key(task)
    assert "to chuc hoi thi tay nghe gioi" in task.search_key


def test_an_update_merges_languages_and_keeps_the_source(world):
    staff = world.users["committee_staff"]
    plan = vi_plan(world)
    task = vi_task(world, plan)
    task = services.task_update(actor=staff, task=task, title={"zh-hans": "组织技能竞赛"})
    assert (task.title_vi, task.title_en, task.title_zh_hans) == (TASK_VI, TASK_EN, "组织技能竞赛")
    assert task.search_key == search_key(task)
    with pytest.raises(ValidationError) as cleared:
        services.task_update(actor=staff, task=task, title={"vi": ""})
    assert list(cleared.value.message_dict) == ["title_vi"]
    plan = services.plan_update(actor=staff, plan=plan, name={"en": ""})
    assert (plan.name_vi, plan.name_en) == (PLAN_VI, "")
    with pytest.raises(ValidationError) as moved:
        services.plan_update(actor=staff, plan=plan, source_language="en")
    assert list(moved.value.message_dict) == ["name_en"]  # a new source needs a value


def test_a_plan_name_is_unique_per_language_as_a_field_error(world):
    vi_plan(world)
    with pytest.raises(ValidationError) as taken:
        vi_plan(world, name={"vi": "Một kế hoạch khác", "en": PLAN_EN})
    assert list(taken.value.message_dict) == ["name_en"]
    assert "already used here in English" in taken.value.message_dict["name_en"][0]
    # Another body may use the same name; so may the same body in another language.
    other = services.plan_create(
        actor=world.users["committee_staff"],
        body=world.council,
        source_language="zh-hans",
        name={"zh-hans": PLAN_EN},
        kind="year",
        period_start=START,
        period_end=END,
    )
    assert other.name_zh_hans == PLAN_EN
    assert WorkPlan.objects.filter(body=world.council).count() == 2


def test_the_plan_form_puts_the_uniqueness_error_beside_the_column(client, world):
    vi_plan(world)
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("workplans:plan_create"),
        {
            "body": world.council.pk,
            "source_language": "vi",
            "name_vi": "Kế hoạch mới",
            "name_en": PLAN_EN,
            "kind": "year",
            "period_start": "2021-01-01",
            "period_end": "2021-12-31",
            "at_risk_margin": "10",
            "remind_days_before": "7",
            "escalate_after_days": "7",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name_en"]
    assert WorkPlan.objects.count() == 1


def test_a_chain_name_is_unique_per_language_for_its_unit(world):
    staff = world.users["committee_staff"]
    chain_create(
        actor=staff,
        owner_unit=world.committee,
        leader_unit=world.own,
        source_language="vi",
        name={"vi": "Chuỗi da giày", "en": "Leather goods"},
    )
    with pytest.raises(ValidationError) as taken:
        chain_create(
            actor=staff,
            owner_unit=world.committee,
            leader_unit=world.own,
            source_language="vi",
            name="Chuỗi da giày",
        )
    assert list(taken.value.message_dict) == ["name_vi"]
    chain_create(actor=staff, owner_unit=world.own, leader_unit=world.own, name="Leather goods")


# --- forms ------------------------------------------------------------------------------


def test_the_task_form_shows_the_source_first_and_saves_the_translations(client, world):
    plan = vi_plan(world)
    task = vi_task(world, plan)
    client.force_login(world.users["committee_staff"])
    url = reverse("workplans:task_edit", args=[task.pk])
    form = client.get(url).context["form"]
    names = list(form.fields)
    assert names.index("source_language") < names.index("title_vi") < names.index("lead_unit")
    assert names.index("scope_vi") < names.index("start")
    assert names[-6:] == [
        "title_en",
        "title_zh_hans",
        "scope_en",
        "scope_zh_hans",
        "measures_en",
        "measures_zh_hans",
    ]
    assert form.fields["title_vi"].label == "Title (Vietnamese, source)"
    response = client.post(
        url,
        {
            "source_language": "vi",
            "code": "1",
            "title_vi": TASK_VI,
            "title_en": "Organize the skills contest",
            "title_zh_hans": "组织技能竞赛",
            "lead_unit": world.own.pk,
            "weight": "1",
            "progress_mode": "entered",
            "version": task.version,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    task.refresh_from_db()
    assert (task.title_en, task.title_zh_hans) == ("Organize the skills contest", "组织技能竞赛")


# --- API --------------------------------------------------------------------------------


def test_the_api_answers_in_the_language_asked(world):
    plan = vi_plan(world)
    task = vi_task(world, plan)
    api = ApiClient(world.users["committee_staff"])
    in_vi = ok(api.get(f"/tasks/{task.pk}", lang="vi"))
    assert (in_vi["title"], in_vi["source_language"]) == (TASK_VI, "vi")
    assert in_vi["translations"]["title"] == {"vi": TASK_VI, "en": TASK_EN}
    assert ok(api.get(f"/tasks/{task.pk}", lang="en"))["title"] == TASK_EN
    assert ok(api.get(f"/tasks/{task.pk}", lang="zh-hans"))["title"] == TASK_VI  # fallback
    detail = ok(api.get(f"/work-plans/{plan.pk}", lang="en"))
    assert (detail["name"], detail["translations"]["name"]["vi"]) == (PLAN_EN, PLAN_VI)
    listed = ok(api.get(f"/work-plans/{plan.pk}/tasks", lang="vi"))["items"]
    assert [t["title"] for t in listed] == [TASK_VI]


def test_the_api_creates_by_language_and_a_patch_merges(world):
    plan = vi_plan(world)
    api = ApiClient(world.users["committee_staff"])
    created = ok(
        api.post(
            f"/work-plans/{plan.pk}/tasks",
            {
                "source_language": "vi",
                "title": {"vi": TASK_VI, "en": TASK_EN},
                "lead_unit_id": world.own.pk,
            },
        ),
        201,
    )
    url = f"/tasks/{created['id']}"
    patched = ok(api.patch(url, {"title": {"zh-hans": "组织技能竞赛"}}))
    assert patched["translations"]["title"] == {
        "en": TASK_EN,
        "vi": TASK_VI,
        "zh-hans": "组织技能竞赛",
    }
    refused = assert_error_shape(api.patch(url, {"title": {"vi": ""}}), 422, "invalid")
    assert "title_vi" in refused["detail"]
    unknown = api.patch(url, {"title": {"fr": "Organiser"}})
    assert unknown.status_code == 422
    milestone = ok(api.post(f"{url}/milestones?lang=vi", {"title": "Chốt danh sách"}), 201)
    assert milestone["source_language"] == "vi"
    assert milestone["translations"] == {"title": {"vi": "Chốt danh sách"}}
    taken = assert_error_shape(
        api.post(
            "/work-plans",
            {
                "body_id": world.council.pk,
                "source_language": "en",
                "name": PLAN_EN,
                "kind": "year",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
            },
        ),
        422,
        "invalid",
    )
    assert list(taken["detail"]) == ["name_en"]


def test_the_openapi_lists_the_languages_of_a_task_title(world):
    schema = ApiClient(world.users["committee_staff"]).get("/openapi.json").json()
    title = schema["components"]["schemas"]["TaskIn"]["properties"]["title"]
    by_language = next(s for s in title["anyOf"] if s.get("type") == "object")
    assert by_language["propertyNames"]["enum"] == ["en", "vi", "zh-hans"]


# --- the board ---------------------------------------------------------------------------


def board_url(plan: WorkPlan, **params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("workplans:plan_board", args=[plan.pk])
    return f"{url}?{urlencode(params)}" if params else url


def test_the_board_search_ignores_accents_and_case(client, world):
    plan = vi_plan(world)
    wanted = vi_task(world, plan)
    vi_task(world, plan, code="2", title="Khảo sát doanh nghiệp")
    client.force_login(world.users["committee_staff"])
    for query in ("hoi thi tay nghe", "HỘI THI", "skills competition"):
        response = client.get(board_url(plan, q=query), HTTP_ACCEPT_LANGUAGE="vi")
        rows = [task.pk for task in response.context["page_obj"].object_list]
        assert rows == [wanted.pk], query
    assert TASK_VI in text(client.get(board_url(plan, q="hoi thi"), HTTP_ACCEPT_LANGUAGE="vi"))
    api = ApiClient(world.users["committee_staff"])
    found = ok(api.get(f"/work-plans/{plan.pk}/tasks", q="to chuc hoi thi"))["items"]
    assert [t["id"] for t in found] == [wanted.pk]
    plans = ok(api.get("/work-plans", q="ke hoach cong tac"))["items"]
    assert [p["id"] for p in plans] == [plan.pk]


def add_mixed(world: Any, plan: WorkPlan, count: int) -> None:
    """Tasks of every source language, some translated, some not."""
    staff = world.users["committee_staff"]
    texts = [
        ("vi", {"vi": "Nhiệm vụ", "en": "Task"}),
        ("en", {"en": "Task"}),
        ("zh-hans", {"zh-hans": "任务", "vi": "Nhiệm vụ"}),
    ]
    for n in range(count):
        source, title = texts[n % 3]
        services.task_create(
            actor=staff,
            plan=plan,
            source_language=source,
            title={lang: f"{value} {n}" for lang, value in title.items()},
            lead_unit=world.own if n % 2 else world.sibling,
            supporting_units=[world.child] if n % 2 else [],
            due=dt.date(2021, 10, 1),
        )


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_board_query_count_is_the_same_for_3_and_30_tasks_of_mixed_sources(client, world):
    plan = vi_plan(world)
    add_mixed(world, plan, 3)
    client.force_login(world.users["committee_staff"])
    few = count_queries(client, board_url(plan))
    few_searched = count_queries(client, board_url(plan, q="nhiem vu"))
    add_mixed(world, plan, 27)
    assert count_queries(client, board_url(plan)) == few
    assert count_queries(client, board_url(plan, q="nhiem vu")) == few_searched


# --- reminders --------------------------------------------------------------------------


def test_a_reminder_names_the_task_in_the_recipients_language(settings, world):
    plan = vi_plan(world)
    task = vi_task(world, plan, due=dt.date(2021, 9, 10))
    recipient = world.users["unit_officer"]
    reminder = Reminder.objects.create(
        task=task, kind=ReminderKind.DUE_SOON, due=task.due, recipient=recipient
    )
    reminder = Reminder.objects.select_related("task__plan", "task__lead_unit").get(pk=reminder.pk)
    settings.LANGUAGE_CODE = "en"
    mail = reminders.reminder_message(reminder, TODAY)
    assert TASK_EN in mail.subject and PLAN_EN in mail.body
    settings.LANGUAGE_CODE = "vi"
    mail = reminders.reminder_message(reminder, TODAY)
    assert TASK_VI in mail.subject and PLAN_VI in mail.body
