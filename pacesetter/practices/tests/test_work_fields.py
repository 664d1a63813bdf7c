"""Fields of work on a screen and over the API: listed for every signed-in user, added,
renamed in each language, reordered and deactivated by the staff of a root unit, with
their history; a deactivated field is no longer offered, the practices keep it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.practices.models import WorkField
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

from .factories import PracticeFactory, WorkFieldFactory

pytestmark = pytest.mark.django_db


def test_staff_add_a_field_with_its_names_in_three_languages(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("practices:field_create"),
        {
            "code": "digital",
            "source_language": "en",
            "name_en": "Digital transformation",
            "name_vi": "Chuyển đổi số",
            "name_zh_hans": "数字化转型",
            "position": 20,
        },
    )
    field = WorkField.objects.get(code="digital")
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:field_detail", args=[field.pk])
    assert (field.name_vi, field.name_zh_hans, field.is_active) == (
        "Chuyển đổi số",
        "数字化转型",
        True,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Chuyển đổi số" in page and "数字化转型" in page
    assert "Digital transformation" in page  # the history names the new values


def test_a_bad_field_is_refused_naming_the_input(client, world):
    WorkFieldFactory(code="safety-2")
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("practices:field_create"),
        {"code": "safety-2", "source_language": "vi", "name_en": "Safety", "position": 1},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code" in errors
    assert "name_vi" in errors  # the source language's name is required
    response = client.post(
        reverse("practices:field_create"),
        {"code": "not a code!", "source_language": "en", "name_en": "X", "position": 1},
    )
    assert "code" in response.context["form"].errors
    assert not WorkField.objects.filter(name_en__in=["Safety", "X"]).exists()


def test_renaming_and_deactivating_keep_the_practices_and_the_history(client, world):
    field = WorkFieldFactory(code="skills-x", name="Skills")
    practice = PracticeFactory(owner_unit=world.own, work_fields=[field])
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("practices:field_edit", args=[field.pk]),
        {
            "source_language": "en",
            "name_en": "Skills and training",
            "name_vi": "Đào tạo nghề",
            "name_zh_hans": "",
            "position": 3,
        },  # "is_active" left unticked: deactivated
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.name, field.name_vi, field.is_active, field.code) == (
        "Skills and training",
        "Đào tạo nghề",
        False,
        "skills-x",
    )
    assert list(practice.work_fields.all()) == [field]
    # No longer offered to tag a practice, nor as a filter; still listed, marked.
    form = client.get(reverse("practices:create")).context["form"]
    assert field not in form.fields["work_fields"].queryset
    assert (
        field not in client.get(reverse("practices:list")).context["form"].fields["field"].queryset
    )
    listed = client.get(reverse("practices:field_list")).content.decode()
    assert 'data-field="skills-x"' in listed and "inactive" in listed
    page = client.get(reverse("practices:field_detail", args=[field.pk])).content.decode()
    assert "Skills → Skills and training" in page.replace("&nbsp;", " ")
    assert f'?field={field.pk}">1</a>' in page  # the practice tagged with it
    # The search finds the practice under the field's new name.
    found = client.get(reverse("practices:list"), {"q": "dao tao nghe"}).context["page_obj"]
    assert [p.pk for p in found.object_list] == [practice.pk]


@pytest.mark.parametrize(
    "role, may",
    [
        ("committee_staff", True),
        ("superuser", True),
        ("unit_officer", False),
        ("cluster_leader", False),
        ("viewer", False),
    ],
)
def test_only_the_staff_of_a_root_unit_keep_the_fields(client, world, role, may):
    field = WorkFieldFactory(code="keep")
    client.force_login(world.users[role])
    assert client.get(reverse("practices:field_list")).status_code == 200
    assert client.get(reverse("practices:field_detail", args=[field.pk])).status_code == 200
    expected = 200 if may else 403
    assert client.get(reverse("practices:field_create")).status_code == expected
    assert client.get(reverse("practices:field_edit", args=[field.pk])).status_code == expected
    response = ApiClient(world.users[role]).patch(f"/practices/fields/{field.pk}", {"position": 9})
    assert response.status_code == (200 if may else 403)


def test_staff_below_the_root_do_not_keep_the_fields(client, world):
    staff = UserFactory(username="committee-only")
    role_grant(actor=None, user=staff, role=Role.COMMITTEE_STAFF, unit=world.committee)
    client.force_login(staff)
    assert client.get(reverse("practices:field_create")).status_code == 403
    client.logout()
    assert client.get(reverse("practices:field_list")).status_code == 302  # to the login


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.users["committee_staff"])
    url = reverse("practices:field_list")
    WorkFieldFactory()
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for _ in range(5):
        PracticeFactory(owner_unit=world.own, work_fields=[WorkFieldFactory()])
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert page.count("<tr data-field=") == 6


def test_the_api_adds_renames_and_deactivates_as_the_screen(world):
    api = ApiClient(world.users["committee_staff"])
    response = api.post(
        "/practices/fields",
        {"code": "green", "source_language": "vi", "name": {"vi": "Xanh", "zh-hans": "绿色"}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["translations"]["name"] == {"vi": "Xanh", "zh-hans": "绿色"}
    assert body["source_language"] == "vi"
    field_id = body["id"]
    assert api.post("/practices/fields", {"code": "green", "name": "Again"}).status_code == 422
    response = api.patch(
        f"/practices/fields/{field_id}", {"name": {"en": "Green"}, "is_active": False}
    )
    assert response.status_code == 200, response.content
    assert response.json()["translations"]["name"] == {
        "en": "Green",
        "vi": "Xanh",
        "zh-hans": "绿色",
    }
    codes = [f["code"] for f in api.get("/practices/fields").json()]
    assert "green" not in codes
    every = api.get("/practices/fields", include_inactive=True).json()
    assert {"code": "green", "is_active": False} in [
        {"code": f["code"], "is_active": f["is_active"]} for f in every
    ]
    response = api.patch(f"/practices/fields/{field_id}", {"name": {"vi": ""}})
    assert response.status_code == 422  # the source language's name is required
    officer = ApiClient(world.users["unit_officer"])
    assert officer.post("/practices/fields", {"code": "x", "name": "X"}).status_code == 403
    assert officer.get(f"/practices/fields/{field_id}").json()["code"] == "green"


def _field_edit(name: str) -> dict[str, object]:
    return {"source_language": "en", "name_en": name, "position": 1, "is_active": "on"}


def test_the_second_edit_of_a_field_from_one_page_is_refused(client, world):
    field = WorkFieldFactory(code="two-tabs", name="Skills")
    client.force_login(world.users["committee_staff"])
    url = reverse("practices:field_edit", args=[field.pk])
    opened = two_screen_edits(client, url, _field_edit("First"), _field_edit("Second"))
    field.refresh_from_db()
    assert (field.name_en, field.version) == ("First", opened + 1)


def test_the_second_patch_of_a_field_from_one_read_is_a_409(world):
    field = WorkFieldFactory(code="two-reads", name="Skills")
    api = ApiClient(world.users["committee_staff"])
    url = f"/practices/fields/{field.pk}"
    read = two_api_edits(api, url, {"name": "First"}, {"name": "Second", "is_active": False})
    field.refresh_from_db()
    assert (field.name_en, field.is_active, field.version) == ("First", True, read + 1)


def test_the_count_of_a_deactivated_field_links_the_list_filtered_by_it(client, world):
    field = WorkFieldFactory(code="retired", name="Retired field", is_active=False)
    tagged = PracticeFactory(owner_unit=world.own, work_fields=[field])
    PracticeFactory(owner_unit=world.own)  # not tagged: left out of the filtered list
    client.force_login(world.users["committee_staff"])
    listed = client.get(reverse("practices:field_list")).content.decode()
    assert f'?field={field.pk}">1</a>' in listed
    page = client.get(reverse("practices:list"), {"field": field.pk})
    assert [p.pk for p in page.context["page_obj"].object_list] == [tagged.pk]
    # A wrong filter beside it is refused on its own; the field still filters.
    page = client.get(reverse("practices:list"), {"field": field.pk, "year": "abc"})
    assert "year" in page.context["form"].errors
    assert [p.pk for p in page.context["page_obj"].object_list] == [tagged.pk]
