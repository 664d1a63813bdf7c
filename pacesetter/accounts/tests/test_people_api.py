"""The /api/v1/people endpoints do what the "People and roles" screens do."""

import pytest

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.testing.api import ApiClient, assert_error_shape

PASSWORD = "a-long-enough-passphrase"


def _new_account(world, **changes):
    return {
        "username": "officer.sibling",
        "password": PASSWORD,
        "role": Role.UNIT_OFFICER.value,
        "unit_id": world.sibling.pk,
        **changes,
    }


def test_staff_creates_an_account_with_its_first_role(world):
    response = ApiClient(world.users["committee_staff"]).post("/people", _new_account(world))
    assert response.status_code == 201, response.content
    user = User.objects.get(username="officer.sibling")
    assert user.check_password(PASSWORD)
    body = response.json()
    assert body["id"] == user.pk and body["is_active"] is True
    assert [(r["role"], r["unit_id"]) for r in body["roles"]] == [
        (Role.UNIT_OFFICER, world.sibling.pk)
    ]
    assert [e.action for e in audit_entries_for(user)] == ["role.grant", "user.create"]


@pytest.mark.parametrize("role", ["unit_officer", "cluster_leader", "viewer", "nobody"])
def test_only_people_managers_create_accounts(world, role):
    response = ApiClient(world.users[role]).post("/people", _new_account(world))
    assert_error_shape(response, 403, "forbidden")
    assert not User.objects.filter(username="officer.sibling").exists()


def test_a_unit_outside_the_staff_subtree_is_an_invalid_unit_id(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/people", _new_account(world, unit_id=world.other.pk)
    )
    body = assert_error_shape(response, 422, "invalid")
    assert "unit_id" in body["detail"]
    assert not User.objects.filter(username="officer.sibling").exists()


def test_a_weak_password_is_reported_on_its_field_and_nothing_is_saved(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/people", _new_account(world, password="123")
    )
    body = assert_error_shape(response, 422, "invalid")
    assert "password" in body["detail"]
    assert not User.objects.filter(username="officer.sibling").exists()


def test_a_role_without_its_scope_is_reported_on_the_scope(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/people", _new_account(world, unit_id=None)
    )
    body = assert_error_shape(response, 422, "invalid")
    assert "unit" in body["detail"]
    assert not User.objects.filter(username="officer.sibling").exists()


def test_an_unknown_role_is_refused(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/people", _new_account(world, role="emperor")
    )
    body = assert_error_shape(response, 422, "invalid")
    assert any("role" in e["loc"] for e in body["detail"])


def test_grant_and_revoke(world):
    officer = world.users["unit_officer"]
    api = ApiClient(world.users["committee_staff"])
    response = api.post(
        f"/people/{officer.pk}/roles", {"role": "cluster_leader", "cluster_id": world.cluster.pk}
    )
    assert response.status_code == 201, response.content
    assignment = RoleAssignment.objects.get(pk=response.json()["id"])
    assert (assignment.user, assignment.cluster) == (officer, world.cluster)

    response = api.client.delete(f"/api/v1/people/roles/{assignment.pk}", headers=api.headers)
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert [e.action for e in audit_entries_for(officer)][:2] == ["role.revoke", "role.grant"]


def test_grant_to_someone_invisible_is_404_and_to_someone_above_is_403(world):
    stranger = UserFactory(username="stranger")
    role_grant(actor=None, user=stranger, role=Role.VIEWER, unit=world.other)
    mixed = UserFactory(username="mixed")
    role_grant(actor=None, user=mixed, role=Role.VIEWER, unit=world.own)
    role_grant(actor=None, user=mixed, role=Role.VIEWER, unit=world.other)
    api = ApiClient(world.users["committee_staff"])
    grant = {"role": "viewer", "unit_id": world.own.pk}
    assert_error_shape(api.post(f"/people/{stranger.pk}/roles", grant), 404, "not_found")
    assert_error_shape(api.post(f"/people/{mixed.pk}/roles", grant), 403, "forbidden")
    officer_api = ApiClient(world.users["unit_officer"])
    viewer = world.users["viewer"]
    assert_error_shape(officer_api.post(f"/people/{viewer.pk}/roles", grant), 404, "not_found")
    assert RoleAssignment.objects.filter(user__in=[stranger, mixed, viewer]).count() == 4


def test_revoke_needs_a_role_over_the_staff_subtree(world):
    assignment = RoleAssignment.objects.get(user=world.users["viewer"])
    api = ApiClient(world.users["unit_officer"])
    response = api.client.delete(f"/api/v1/people/roles/{assignment.pk}", headers=api.headers)
    assert_error_shape(response, 404, "not_found")
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_deactivate_and_reactivate(world):
    officer = world.users["unit_officer"]
    api = ApiClient(world.users["committee_staff"])
    response = api.put(f"/people/{officer.pk}/active", {"is_active": False})
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    officer.refresh_from_db()
    assert not officer.is_active
    assert api.put(f"/people/{officer.pk}/active", {"is_active": True}).json()["is_active"]


def test_nobody_deactivates_their_own_account(world):
    superuser = world.users["superuser"]
    role_grant(actor=None, user=superuser, role=Role.VIEWER, unit=world.own)
    response = ApiClient(superuser).put(f"/people/{superuser.pk}/active", {"is_active": False})
    assert_error_shape(response, 422, "invalid")
    superuser.refresh_from_db()
    assert superuser.is_active


def test_deactivating_someone_invisible_is_404(world):
    staff = world.users["committee_staff"]
    response = ApiClient(world.users["unit_officer"]).put(
        f"/people/{staff.pk}/active", {"is_active": False}
    )
    assert_error_shape(response, 404, "not_found")
    staff.refresh_from_db()
    assert staff.is_active
