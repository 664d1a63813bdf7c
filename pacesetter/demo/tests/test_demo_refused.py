"""A demo load that is refused leaves nothing behind (an empty database per test, so
these tests do not share the loaded demo)."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pacesetter.accounts.models import User
from pacesetter.audit.models import AuditEntry
from pacesetter.campaigns.models import Campaign
from pacesetter.units.models import Unit


def test_a_taken_account_name_stops_the_load_without_a_trace(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    User.objects.create_user(username="officer.xiangdian", password="someone-else's")
    with pytest.raises(CommandError, match=r"officer\.xiangdian"):
        call_command("load_demo", stdout=StringIO())
    assert not Unit.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    assert User.objects.get(username="officer.xiangdian").check_password("someone-else's")


def test_a_failure_in_the_campaigns_removes_the_stored_pact_document(
    db: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pact PDF is stored before the year-end review opens; a failure there rolls
    the transaction back and deletes the file it left. (Only the 2024 campaign, without
    its reviews, is loaded, to keep the test short.)"""
    from pacesetter.demo import campaigns, services
    from pacesetter.demo.data.thanh_hoa_campaigns import CAMPAIGN_2024

    def broken(*, actor: Any, review_point: Any) -> int:
        raise RuntimeError("the year-end review cannot open")

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(
        services, "CAMPAIGNS", (replace(CAMPAIGN_2024, predecessor="", reviews=()),)
    )
    monkeypatch.setattr(campaigns, "review_point_open", broken)
    with pytest.raises(RuntimeError):
        call_command("load_demo", stdout=StringIO())
    assert not Campaign.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
