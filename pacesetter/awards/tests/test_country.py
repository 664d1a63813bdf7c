"""A catalog applies where its issuer's country applies: a Vietnamese committee is offered
the Vietnamese and generic awards, a Chinese one the Chinese and generic ones, and the
services refuse an award of another country's catalog."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards import presets
from pacesetter.awards.models import Award, Proposal
from pacesetter.awards.services import proposal_nominate
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.services import unit_update


def _award(code: str, preset: str) -> Award:
    return Award.objects.create(
        code=code,
        preset=preset,
        name_en=f"Award {code}",
        level="provincial",
        recipient_kind="unit",
        issuer_en="Issuer",
    )


@pytest.fixture
def countries(world):
    """The world's province in Vietnam, its other root in China, and one award of each
    catalog (and a deployment's own)."""
    unit_update(actor=None, unit=world.root, country="VN")
    unit_update(actor=None, unit=world.other_root, country="CN")
    for unit in (world.own, world.committee, world.other):
        unit.refresh_from_db()
    return {
        "vn": _award("t-vn", "vn"),
        "cn": _award("t-cn", "cn"),
        "generic": _award("t-gen", "generic"),
        "own": _award("t-own", ""),
    }


def _offered(user) -> set[str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("awards:proposal_nominate"))
    assert response.status_code == 200
    return {award.code for award in response.context["form"].fields["award"].queryset}


def test_the_shipped_catalogs_say_where_they_apply():
    assert presets.catalog_countries() == {"vn": "VN", "cn": "CN", "generic": ""}


def test_a_vietnamese_committee_is_offered_vietnamese_and_generic_awards(world, countries):
    assert _offered(world.users["committee_staff"]) == {"t-vn", "t-gen", "t-own"}


def test_a_chinese_committee_is_offered_chinese_and_generic_awards(world, countries):
    staff = UserFactory(username="staff.cn")
    role_grant(actor=None, user=staff, role=Role.COMMITTEE_STAFF, unit=world.other_root)
    assert _offered(staff) == {"t-cn", "t-gen", "t-own"}


def test_without_a_country_every_catalog_is_offered(world):
    for code, preset in (("t-vn", "vn"), ("t-cn", "cn")):
        _award(code, preset)
    assert _offered(world.users["committee_staff"]) == {"t-vn", "t-cn"}


def _nominate(world, award):
    return proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=dt.date(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        units=[world.own],
    )


def test_the_service_refuses_a_chinese_award_for_a_vietnamese_committee(world, countries):
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        _nominate(world, countries["cn"])
    assert caught.value.rule_code == "award_not_for_country"
    assert list(caught.value.message_dict) == ["award"]
    assert "CN" in caught.value.message_dict["award"][0]
    assert not Proposal.objects.exists()
    assert _nominate(world, countries["generic"]).award == countries["generic"]
    assert _nominate(world, countries["vn"]).award == countries["vn"]


def test_the_api_refuses_it_with_its_code_and_the_form_at_the_award(world, countries):
    staff = world.users["committee_staff"]
    body = {
        "award_id": countries["cn"].pk,
        "year": 2024,
        "decision_date": "2024-12-01",
        "proposer_unit_id": world.own.pk,
        "committee_unit_id": world.committee.pk,
        "unit_ids": [world.own.pk],
    }
    response = ApiClient(staff).post("/proposals/nominate", body)
    assert "award" in assert_error_shape(response, 422, "award_not_for_country")["detail"]
    assert not Proposal.objects.exists()


def test_the_catalog_page_lists_every_catalog_with_its_country(world, countries):
    client = Client()
    client.force_login(world.users["committee_staff"])
    page = client.get(reverse("awards:index")).content.decode()
    assert "Award t-cn" in page and "Award t-vn" in page
    assert "applies in CN" in page and "applies in VN" in page and "applies everywhere" in page
    body = ApiClient(world.users["committee_staff"]).get("/awards").json()
    items = body["items"] if isinstance(body, dict) else body
    assert {a["code"]: a["country"] for a in items} == {
        "t-vn": "VN",
        "t-cn": "CN",
        "t-gen": "",
        "t-own": "",
    }


@pytest.mark.parametrize("country", ["vn", "VNM", "V1", 1])
def test_the_loader_refuses_a_catalog_country_that_is_not_a_code(tmp_path: Path, country):
    data = json.loads((presets.CATALOG_DIR / "vn.json").read_text(encoding="utf-8"))
    data["country"] = country
    path = tmp_path / "vn.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"vn\.json: the catalog: country"):
        presets.read_catalog(path)


def test_the_loader_refuses_a_catalog_without_a_country(tmp_path: Path):
    data = json.loads((presets.CATALOG_DIR / "cn.json").read_text(encoding="utf-8"))
    del data["country"]
    path = tmp_path / "cn.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"cn\.json: the catalog: missing country"):
        presets.read_catalog(path)


def test_the_past_award_template_lists_the_awards_of_the_users_country(world, countries):
    client = Client()
    client.force_login(world.users["committee_staff"])
    response = client.get(reverse("awards:grants_template"))
    assert response.status_code == 200
    help_sheet = load_workbook(io.BytesIO(response.content))["Help"]
    codes = {row[0] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert {"t-vn", "t-gen", "t-own"} <= codes and "t-cn" not in codes
