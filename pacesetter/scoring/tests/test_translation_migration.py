"""The slice-3 migrations keep the rows: English names, titles and descriptions move to
their ``_en`` columns, the source is English and campaigns get their search keys. In a
process of its own (the suite runs without migrations), on a SQLite file of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = r"""
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("campaigns", "0003_participant_order_by_unit_code"),
    ("scoring", "0002_year_range"),
    ("units", "0003_translated_texts"),
]
executor = MigrationExecutor(connection)
executor.migrate(BEFORE)
apps = executor.loader.project_state(BEFORE).apps
UnitType = apps.get_model("units", "UnitType")
Unit = apps.get_model("units", "Unit")
Table = apps.get_model("scoring", "ScoringTable")
Criterion = apps.get_model("scoring", "Criterion")
Campaign = apps.get_model("campaigns", "Campaign")
kind = UnitType.objects.create(code="committee", name_en="Committee")
unit = Unit.objects.create(code="U", name_en="Unit", unit_type=kind, path="0001", depth=0)
table = Table.objects.create(
    name="Cluster table", owner_unit=unit, year=2024, version=1, description="For 2024"
)
Criterion.objects.create(
    table=table, code="Q1", title="Revenue", kind="quantitative", measure="bn VND", guidance="g"
)
campaign = Campaign.objects.create(
    code="EMU-2024", name="Emulation Movement", organizer=unit, start="2024-01-01",
    end="2024-12-31", scoring_table=table, description="All units",
)
campaign.phases.create(name="Launch", start="2024-01-01", end="2024-02-01")
campaign.review_points.create(code="h1", name="6-month", period_end="2024-06-30", due="2024-07-15")
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from pacesetter.campaigns.models import Campaign, CampaignPhase, ReviewPoint
from pacesetter.scoring.models import Criterion, ScoringTable
campaign = Campaign.objects.get()
table = ScoringTable.objects.get()
criterion = Criterion.objects.get()
print(repr((
    campaign.name_en, campaign.description_en, campaign.name_vi, campaign.source_language,
    campaign.search_key, CampaignPhase.objects.get().name_en, ReviewPoint.objects.get().name_en,
    table.name_en, table.description_en, table.source_language,
    criterion.title_en, criterion.measure_en, criterion.guidance_en, criterion.source_language,
)))
"""


def test_the_migration_keeps_english_rows_and_fills_search_keys(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'before.sqlite3'}",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("PACESETTER_TEST_DB", None)  # SQLite whatever the suite's kind: plain ORM code
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(
        (
            "Emulation Movement",
            "All units",
            "",
            "en",
            "emu-2024\nemulation movement",
            "Launch",
            "6-month",
            "Cluster table",
            "For 2024",
            "en",
            "Revenue",
            "bn VND",
            "g",
            "en",
        )
    )
