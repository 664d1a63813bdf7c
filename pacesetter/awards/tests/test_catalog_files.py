"""The catalog files: each ships and reads cleanly; a malformed one is refused with the
file and the entry named; the loading service audits what it writes and, when it fails,
writes nothing."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pacesetter.audit.models import AuditEntry
from pacesetter.awards import presets
from pacesetter.awards.models import Award, EligibilityRule, LegalReference
from pacesetter.awards.services import award_presets_load


def test_the_three_catalogs_ship_beside_the_code_with_a_version():
    assert presets.catalog_names() == ["cn", "generic", "vn"]
    for name, catalog in presets.read_catalogs().items():
        assert (presets.CATALOG_DIR / f"{name}.json").is_file()
        assert catalog.name == name and catalog.version == "2026.2"
        assert catalog.awards and catalog.about


def _vn() -> dict[str, Any]:
    return json.loads((presets.CATALOG_DIR / "vn.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any, name: str = "vn") -> Path:
    path = tmp_path / f"{name}.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _broken(change) -> dict[str, Any]:
    data = copy.deepcopy(_vn())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["awards"][1]["rules"][0]["rule"]["all"].append({"held_each_year": {}}),
            r"vn\.json: award 2 \(vn-provincial-flag\), rule 1 \(from 2017-10-01\): .*needs",
        ),
        (
            lambda d: d["awards"][2]["references"][0].update(valid_from="1 January 2024"),
            r"vn\.json: award 3 \(vn-certificate-of-merit\), reference 1: valid_from ",
        ),
        (
            lambda d: d["awards"][0].pop("issuer"),
            r"vn\.json: award 1 \(vn-government-flag\): missing issuer",
        ),
        (
            lambda d: d["awards"][0]["name"].pop("vi"),
            r"vn\.json: award 1 \(vn-government-flag\): name has no text in the source "
            r"language \(vi\)",
        ),
        (
            lambda d: d["awards"][0]["issuer"].update(fr="Le Premier ministre"),
            r"vn\.json: award 1 \(vn-government-flag\): issuer: unknown language fr",
        ),
        (
            lambda d: d["awards"][0].update(name="Government Emulation Flag"),
            r"vn\.json: award 1 \(vn-government-flag\): name must be an object",
        ),
        (
            lambda d: d["awards"][0].update(source_language="fr"),
            r"vn\.json: award 1 \(vn-government-flag\): source_language must be one of",
        ),
        (
            lambda d: d["awards"][0].update(level="planetary"),
            r"vn\.json: award 1 \(vn-government-flag\): level must be one of",
        ),
        (
            lambda d: d["awards"][0].update(quota_count="one"),
            r"vn\.json: award 1 \(vn-government-flag\): quota_count must be a whole number",
        ),
        (
            lambda d: d["awards"][0].update(quota_percnt="20"),
            r"vn\.json: award 1 \(vn-government-flag\): unknown field quota_percnt",
        ),
        (
            lambda d: d["awards"].append(d["awards"][0]),
            r"vn\.json: the catalog: award code used twice: vn-government-flag",
        ),
        (lambda d: d.pop("version"), r"vn\.json: the catalog: missing version"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_and_the_entry(tmp_path, change, message):
    with pytest.raises(ValidationError, match=message):
        presets.read_catalog(_write(tmp_path, _broken(change)))


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, '{"catalog": "vn",\n "version": }')
    with pytest.raises(ValidationError, match=r"vn\.json: not valid JSON: line 2"):
        presets.read_catalog(path)


def test_the_command_refuses_a_malformed_file_and_writes_nothing(db, tmp_path, monkeypatch):
    broken = _broken(lambda d: d["awards"][-1]["rules"][0].update(valid_from="soon"))
    _write(tmp_path, broken)
    monkeypatch.setattr(presets, "CATALOG_DIR", tmp_path)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"vn\.json: award 7 .*valid_from is not a date"):
        call_command("load_award_presets", stdout=StringIO())
    assert not Award.objects.exists()


def test_the_command_names_the_catalogs_version(db):
    out = StringIO()
    call_command("load_award_presets", "--preset", "generic", stdout=out)
    assert out.getvalue().startswith("Award presets 2026.2: 3 created, 0 updated, 0 unchanged.")


def test_the_service_writes_one_audit_entry_per_award_with_the_version(db, world):
    catalog = presets.read_catalogs(["generic"])["generic"]
    result = award_presets_load(actor=world.users["committee_staff"], catalogs=[catalog])
    assert result.created == [a.code for a in catalog.awards]
    assert result.versions == {"generic": "2026.2"}
    entries = AuditEntry.objects.filter(action="award.preset_load").order_by("pk")
    assert [e.target_id for e in entries] == [
        str(Award.objects.get(code=a.code).pk) for a in catalog.awards
    ]
    assert all(e.actor_id == world.users["committee_staff"].pk for e in entries)
    assert all(e.changes["preset_version"] == [None, "generic 2026.2"] for e in entries)


def test_a_failing_load_saves_nothing(db, world):
    good = presets.read_catalogs(["generic"])["generic"]
    # The second award breaks a model check (an unknown level): the first, already
    # written in the same transaction, is rolled back with it, and so is its entry.
    bad = presets.AwardPreset(**{**good.awards[1].__dict__, "level": "planetary"})
    catalog = presets.Catalog(name="generic", version="x", awards=(good.awards[0], bad))
    with pytest.raises(ValidationError):
        award_presets_load(actor=world.users["committee_staff"], catalogs=[catalog])
    assert not Award.objects.exists()
    assert not EligibilityRule.objects.exists() and not LegalReference.objects.exists()
    assert not AuditEntry.objects.filter(action="award.preset_load").exists()
