"""What the API takes in and what it answers with: every integer has its range, no text
holds a NUL, an upload's content is of its type, anonymous writes are 401, signed-in
answers are not cached."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pacesetter.api import api
from pacesetter.core.files import validate_upload
from pacesetter.testing.api import API, ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def _integers_without_range(doc: dict[str, Any]) -> list[str]:
    """Every integer of a parameter or a request body (through ``$ref``) that lacks a
    ``minimum`` or a ``maximum``, named by operation and field."""
    schemas = doc["components"]["schemas"]
    missing: list[str] = []

    def walk(node: Any, where: str, seen: frozenset[str]) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value, where, seen)
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(schemas[name], f"{where} ({name})", seen | {name})
            return
        if node.get("type") == "integer" and not {"minimum", "maximum"} <= set(node):
            missing.append(where)
        for key, value in node.items():
            if key == "properties":
                for field, schema in value.items():
                    walk(schema, f"{where}.{field}", seen)
            elif key not in ("default", "example", "examples"):
                walk(value, where, seen)

    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter["schema"], f"{method} {path} {parameter['name']}", frozenset())
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method} {path} body", frozenset())
    return missing


def test_every_integer_the_api_reads_has_a_range() -> None:
    doc = Client().get(f"{API}/openapi.json").json()

    assert _integers_without_range(doc) == []
    assert len(doc["paths"]) > 100  # the whole API is in the document


def test_the_walk_finds_an_integer_without_a_range() -> None:
    doc = api.get_openapi_schema(path_prefix=f"{API}")
    doc["components"]["schemas"]["UnitIn"]["properties"]["unit_type_id"] = {"type": "integer"}

    assert _integers_without_range(doc) == ["post /api/v1/units body (UnitIn).unit_type_id"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/decisions?year=-1", "year"),
        ("/meetings?year=10000", "year"),
        ("/grants?unit_id=99999999999999999999", "unit_id"),
        ("/score-items?unit=99999999999999999999", "unit"),
        ("/units?parent=99999999999999999999", "parent"),
        ("/units/99999999999999999999", "unit_id"),
        ("/units?page=99999999999999999999", "page"),
        ("/units?page_size=100000", "page_size"),
    ],
)
def test_a_number_out_of_range_is_a_field_error(world: Any, path: str, field: str) -> None:
    response = ApiClient(world.users["committee_staff"]).get(path)

    body = assert_error_shape(response, 422, "invalid")
    assert body["detail"][0]["loc"][-1] == field


def test_a_page_past_the_end_is_empty(world: Any) -> None:
    response = ApiClient(world.users["committee_staff"]).get("/units", page=1000)

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["count"] > 0


def test_a_nul_in_a_body_is_refused_on_its_field(world: Any) -> None:
    api_client = ApiClient(world.users["superuser"])

    response = api_client.post("/unit-types", {"code": "NUL", "name": "Bad\x00name"})

    body = assert_error_shape(response, 422, "invalid")
    assert body["detail"] == [
        {
            "loc": ["body", "name"],
            "msg": "Null characters are not allowed.",
            "type": "null_character",
        }
    ]
    assert api_client.get("/unit-types", q="NUL").json()["count"] == 0


def test_a_nul_in_a_list_or_a_query_is_refused(world: Any) -> None:
    api_client = ApiClient(world.users["committee_staff"])

    body = assert_error_shape(api_client.get("/units", q="a\x00"), 422, "invalid")
    assert body["detail"][0]["loc"] == ["query", "q"]
    response = api_client.patch(f"/units/{world.own.pk}", {"name": "ok", "extra": ["x", "\x00"]})
    assert assert_error_shape(response, 422, "invalid")["detail"][0]["loc"] == [
        "body",
        "extra",
        "1",
    ]


def test_the_forms_refuse_a_nul_too(world: Any) -> None:
    from pacesetter.units.forms import UnitTypeForm

    form = UnitTypeForm(
        data={"code": "NUL", "source_language": "en", "name_en": "Bad\x00name", "is_active": True}
    )

    assert not form.is_valid()
    assert "name_en" in form.errors


def test_an_anonymous_write_is_a_401_naming_the_scheme() -> None:
    response = Client().post(f"{API}/unit-types", {"code": "X"}, content_type="application/json")

    assert_error_shape(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_signed_in_browser_still_needs_the_csrf_token(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["superuser"])

    response = client.post(
        f"{API}/unit-types", {"code": "X", "name": "X"}, content_type="application/json"
    )

    assert_error_shape(response, 403, "forbidden")


def test_signed_in_answers_are_not_stored(world: Any) -> None:
    response = ApiClient(world.users["unit_officer"]).get("/units")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, "“exe” file"),
        ("scores.xlsx", b"name,score\nA,1\n", "not a “xlsx” document"),
        ("photo.png", b"%PDF-1.4 not a picture", "“pdf” file"),
    ],
)
def test_an_upload_whose_content_is_not_its_type_is_refused(
    world: Any, name: str, content: bytes, says: str
) -> None:
    api_client = ApiClient(world.users["committee_staff"])
    decision = api_client.post(
        "/decisions",
        {
            "owner_unit_id": world.committee.pk,
            "number": "1/QD",
            "date": "2024-03-27",
            "issuer": "People's Committee",
        },
    ).json()

    upload = SimpleUploadedFile(name, content)
    response = api_client.upload(f"/decisions/{decision['id']}/file", {"file": upload})

    body = assert_error_shape(response, 422, "file_type")
    assert says in body["detail"]["file"][0]
    assert api_client.get(f"/decisions/{decision['id']}").json()["has_file"] is False


def test_a_real_workbook_and_a_real_pdf_are_accepted(world: Any) -> None:
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)

    for name, content in (("scores.xlsx", workbook.getvalue()), ("1.pdf", b"%PDF-1.7\n%")):
        validate_upload(SimpleUploadedFile(name, content))


def test_a_scoring_table_year_is_bounded_in_the_api_and_the_model(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from pacesetter.scoring.services import table_create

    staff = world.users["committee_staff"]
    response = ApiClient(staff).post(
        "/scoring-tables",
        {"owner_unit_id": world.committee.pk, "name": "Far", "year": 10**12},
    )

    assert assert_error_shape(response, 422, "invalid")["detail"][0]["loc"][-1] == "year"
    with pytest.raises(ValidationError) as caught:
        table_create(actor=staff, owner_unit=world.committee, name="Far", year=10**12)
    assert "year" in caught.value.message_dict
