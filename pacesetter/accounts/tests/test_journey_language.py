"""A unit officer chooses Chinese on their profile, in Debian's Chromium: the screens
switch to it at once, and the reminder the job worker mails them next is in Chinese."""

from __future__ import annotations

import datetime as dt
import re
import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pacesetter.accounts.models import Role, User
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans import tasks
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_worker() -> None:
    """One ``db_worker --batch`` run, as the deployment's worker does: the reminder scan
    enqueued here, then the deliveries it enqueues. The worker installs its own signal
    handlers; the test process gets its own back."""
    tasks.reminders_scan.enqueue()
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    failed = DBTaskResult.objects.failed().values_list("traceback", flat=True)
    assert not failed, "\n".join(failed)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_chinese_on_the_profile_switches_the_screens_and_the_mails(live_server, page, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = "https://pacesetter.example/"
    plant = UnitFactory(
        code="DY-OPT", name={"en": "Danyang Optical Plant", "zh-hans": "丹阳光学厂"}
    )
    officer = UserFactory(username="officer.dy", email="officer.dy@example.org")
    role_grant(actor=None, user=officer, role=Role.UNIT_OFFICER, unit=plant)
    plan = WorkPlanFactory(
        body=BodyFactory(name="Federation council", owner_unit=plant),
        name={"en": "Key work", "zh-hans": "重点工作"},
        remind_days_before=7,
    )
    task = TaskFactory(
        plan=plan,
        lead_unit=plant,
        title={"en": "Certify the lens line", "zh-hans": "镜片生产线认证"},
        due=timezone.localdate() + dt.timedelta(days=3),
    )
    base = live_server.url

    # In English at first (the account has chosen no language).
    log_in(page, base, "officer.dy")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="officer.dy").click()
    expect(page.locator("h1")).to_have_text("My profile")
    page.locator("main").get_by_label("Language", exact=True).select_option("zh-hans")
    page.get_by_role("button", name="Save", exact=True).click()

    # The screens follow the profile at once.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("我的资料")
    expect(page.locator(".messages")).to_contain_text("您的资料已保存。")
    expect(page.locator("main").get_by_label("语言", exact=True)).to_have_value("zh-hans")
    assert User.objects.get(pk=officer.pk).language == "zh-hans"

    # The worker's hourly scan finds the task due in 3 days and mails its lead.
    mail.outbox.clear()
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer.dy@example.org"]
    assert message.subject == "提醒：“镜片生产线认证”将于 3 天后到期"
    assert "officer.dy，您好：" in message.body
    assert "重点工作" in message.body
    assert "丹阳光学厂" in message.body
    link = re.search(r"https://pacesetter\.example(/\S+)", message.body)
    assert link is not None

    # The mail's link opens the task, in Chinese too.
    page.goto(base + link.group(1))
    expect(page.locator("h1")).to_contain_text("镜片生产线认证")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert task.pk and link.group(1).endswith(f"/{task.pk}/")
