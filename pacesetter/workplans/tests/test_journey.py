"""A Chinese work plan in Debian's Chromium: the officer of a Danyang plant, whose
account is in Chinese, finds their key task on the plan board and reports progress on
it in Chinese; the board's roll-up follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.models import TaskUpdate
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_a_chinese_officer_reports_progress_on_a_chinese_task(live_server, page):
    from playwright.sync_api import expect

    federation = UnitFactory(
        code="DY-FED",
        name={"zh-hans": "丹阳市眼镜行业联合会", "en": "Danyang Eyewear Federation"},
        source_language="zh-hans",
    )
    plant = UnitFactory(
        code="DY-LENS",
        parent=federation,
        name={"zh-hans": "丹阳光学镜片厂", "en": "Danyang Lens Plant"},
        source_language="zh-hans",
    )
    officer = UserFactory(username="officer.lens", language="zh-hans")
    role_grant(actor=None, user=officer, role=Role.UNIT_OFFICER, unit=plant)
    today = timezone.localdate()
    plan = WorkPlanFactory(
        body=BodyFactory(
            name={"zh-hans": "联合会理事会", "en": "Federation board"},
            source_language="zh-hans",
            owner_unit=federation,
        ),
        name={"zh-hans": "年度重点工作", "en": "Key work of the year"},
        source_language="zh-hans",
    )
    task = TaskFactory(
        plan=plan,
        lead_unit=plant,
        code="1.1",
        title={"zh-hans": "镜片生产线智能化改造", "en": "Automate the lens line"},
        due=today + dt.timedelta(days=20),
    )
    TaskFactory(
        plan=plan,
        lead_unit=plant,
        code="1.2",
        title={"zh-hans": "培训质检人员"},
        due=today + dt.timedelta(days=40),
    )
    # The federation's own task: the plant's officer sees the plan through their tasks.
    TaskFactory(plan=plan, lead_unit=federation, code="2.1", title={"zh-hans": "举办行业交流会"})
    base = live_server.url

    log_in(page, base, "officer.lens")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    nav = page.locator("#main-nav")
    nav.get_by_role("link", name="工作计划", exact=True).click()
    page.locator("#plans").get_by_role("link", name="年度重点工作").click()
    expect(page.locator("h1")).to_have_text("年度重点工作")
    tasks = page.locator("#tasks tbody tr:not(.group)")
    expect(tasks).to_have_count(2)
    ours = tasks.filter(has_text="镜片生产线智能化改造")
    expect(ours).to_contain_text("丹阳光学镜片厂")
    expect(page.locator("#tasks")).not_to_contain_text("举办行业交流会")
    expect(page.locator("#plan-progress")).to_have_text("0.0%")

    ours.get_by_role("link", name="1.1 镜片生产线智能化改造").click()
    expect(page.locator("h1")).to_have_text("1.1 镜片生产线智能化改造")
    expect(page.locator("#lead-unit")).to_have_text("丹阳光学镜片厂")
    report = page.locator("#report")
    expect(report.locator("h2")).to_have_text("填报进度")
    report.get_by_label("进度（%）").fill("40")
    report.get_by_label("备注").fill("完成一期设备调试，二期设备已到货。")
    report.get_by_role("button", name="保存填报").click()

    expect(page.locator(".messages")).to_have_text("您的填报已保存。")
    expect(page.locator("#task-progress")).to_have_text("40.0%")
    updates = page.locator("#updates tbody tr")
    expect(updates).to_have_count(1)
    expect(updates.first).to_contain_text("完成一期设备调试，二期设备已到货。")
    expect(updates.first).to_contain_text("officer.lens")
    assert TaskUpdate.objects.get(task=task).note == "完成一期设备调试，二期设备已到货。"

    # Back on the board: the task, and the roll-up over the officer's two tasks.
    page.locator("nav.breadcrumb").get_by_role("link", name="年度重点工作").click()
    expect(ours).to_contain_text("40")
    expect(page.locator("#plan-progress")).to_have_text("20.0%")
