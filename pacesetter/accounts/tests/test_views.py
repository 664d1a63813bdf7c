import re

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.selectors import audit_entries_for


def test_staff_creates_an_account_with_its_first_role(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        "/accounts/people/new/",
        {
            "username": "officer.sibling",
            "password": "a-long-enough-passphrase",
            "role": Role.UNIT_OFFICER,
            "unit_code": "SIB",
        },
    )
    user = User.objects.get(username="officer.sibling")
    assert response.status_code == 302
    assert user.check_password("a-long-enough-passphrase")
    assert RoleAssignment.objects.get(user=user).unit == world.sibling
    assert [e.action for e in audit_entries_for(user)] == ["role.grant", "user.create"]


def test_a_unit_outside_the_staff_subtree_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        "/accounts/people/new/",
        {
            "username": "intruder",
            "password": "a-long-enough-passphrase",
            "role": Role.UNIT_OFFICER,
            "unit_code": "OTHER",
        },
    )
    assert response.status_code == 200
    assert "Enter the code of a unit you manage." in response.content.decode()
    assert not User.objects.filter(username="intruder").exists()


def test_a_weak_password_is_reported_on_its_field(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        "/accounts/people/new/",
        {"username": "weak", "password": "123", "role": Role.VIEWER, "unit_code": "OWN"},
    )
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_people_list_shows_only_people_in_the_staff_subtree(
    client, world, django_assert_max_num_queries
):
    stranger = UserFactory(username="stranger")
    role_grant(actor=None, user=stranger, role=Role.VIEWER, unit=world.other)
    client.force_login(world.users["committee_staff"])
    for i in range(12):
        role_grant(
            actor=None, user=UserFactory(username=f"extra{i}"), role=Role.VIEWER, unit=world.child
        )
    with django_assert_max_num_queries(8):
        response = client.get("/accounts/people/")
    body = response.content.decode()
    assert "officer" in body and "leader" in body and "councillor" in body
    assert "stranger" not in body
    for i in range(12, 40):
        role_grant(
            actor=None, user=UserFactory(username=f"extra{i}"), role=Role.VIEWER, unit=world.child
        )
    with django_assert_max_num_queries(8):
        client.get("/accounts/people/?page=2")
    assert client.get(f"/accounts/people/{stranger.pk}/").status_code == 404


def test_grant_and_revoke(client, world):
    officer = world.users["unit_officer"]
    client.force_login(world.users["committee_staff"])
    response = client.post(
        f"/accounts/people/{officer.pk}/", {"role": Role.CLUSTER_LEADER, "cluster_code": "CA"}
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=officer, role=Role.CLUSTER_LEADER)
    response = client.post(f"/accounts/people/roles/{grant.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_non_staff_cannot_manage_people(client, world):
    client.force_login(world.users["unit_officer"])
    assert client.get("/accounts/people/").status_code == 403
    assert client.get(f"/accounts/people/{world.users['viewer'].pk}/").status_code == 404


def test_deactivated_account_cannot_log_in(client, world):
    viewer = world.users["viewer"]
    client.force_login(world.users["committee_staff"])
    client.post(f"/accounts/people/{viewer.pk}/active/", {"active": "0"})
    viewer.refresh_from_db()
    assert not viewer.is_active
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "viewer", "password": "pacesetter-test"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_field_errors_are_tied_to_their_inputs_for_screen_readers(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        "/accounts/people/new/",
        {"username": "weak", "password": "123", "role": Role.VIEWER, "unit_code": "OWN"},
    )
    body = response.content.decode()
    password_input = re.search(r'<input[^>]*name="password"[^>]*>', body).group(0)
    assert re.search(r'aria-describedby="[^"]*id_password_error', password_input)
    assert 'id="id_password_error"' in body


def test_district_staff_cannot_lock_out_province_staff_or_see_their_other_roles(client, world):
    district_staff = UserFactory(username="staff.district")
    role_grant(actor=None, user=district_staff, role=Role.COMMITTEE_STAFF, unit=world.own)
    province_staff = world.users["committee_staff"]
    role_grant(actor=None, user=province_staff, role=Role.VIEWER, unit=world.child)
    client.force_login(district_staff)
    page = client.get(f"/accounts/people/{province_staff.pk}/")
    assert page.status_code == 200  # visible: holds a role in the district
    body = page.content.decode()
    assert "Province" not in body  # the province-wide role is not shown
    assert "1 role outside the units you manage" in body
    assert "Deactivate account" not in body
    response = client.post(f"/accounts/people/{province_staff.pk}/active/", {"active": "0"})
    assert response.status_code == 403
    province_staff.refresh_from_db()
    assert province_staff.is_active
