"""The profile: language, mails, password, and its links; the language follows the
account after login."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.audit.selectors import audit_entries_for

PASSWORD = "pacesetter-test"  # the factory's


def test_the_name_in_the_top_bar_leads_to_the_profile_and_its_links(client, world):
    client.force_login(world.users["unit_officer"])
    home = client.get("/").content.decode()
    assert f'href="{reverse("profile")}"' in home
    page = client.get(reverse("profile")).content.decode()
    for name in ("password_change", "api_tokens", "calendar:settings"):
        assert f'href="{reverse(name)}"' in page


def test_the_profiles_language_is_used_for_the_screens_after_login(client, world):
    officer = world.users["unit_officer"]
    client.force_login(officer)
    response = client.post(
        reverse("profile"),
        {"language": "vi", "mail_reminders": "on", "mail_escalations": "on"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "vi"
    assert audit_entries_for(officer)[0].action == "user.profile"

    client.logout()
    client.cookies.clear()
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert '<html lang="vi">' in home
    assert "Kế hoạch công tác" in home  # "Work plans" in the menu


def test_the_profile_is_saved_in_the_language_just_chosen(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.post(
        reverse("profile"),
        {"language": "zh-hans", "mail_reminders": "on", "mail_escalations": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "您的资料已保存。" in page  # "Your profile was saved.", not in English


def test_the_language_menu_still_switches_for_the_session(client, world):
    officer = world.users["unit_officer"]
    officer.language = "vi"
    officer.save()
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_notification_choices_are_saved(client, world):
    officer = world.users["unit_officer"]
    client.force_login(officer)
    client.post(reverse("profile"), {"language": "", "mail_escalations": "on"})
    officer.refresh_from_db()
    assert (officer.mail_reminders, officer.mail_escalations) == (False, True)


def test_an_unknown_language_is_refused(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.post(reverse("profile"), {"language": "fr"})
    assert response.status_code == 200
    assert User.objects.get(username="officer").language == ""


def test_password_change(client, world):
    client.force_login(world.users["unit_officer"])
    url = reverse("password_change")
    page = client.get(url).content.decode()
    assert "Change my password" in page
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("profile")
    assert User.objects.get(username="officer").check_password("a-new-long-passphrase")
    # Still signed in (Django keeps the session after the change).
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "x-long-pass-9",
            "new_password2": "x-long-pass-9",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(username="officer").check_password(PASSWORD)


def test_the_profile_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_role_over_the_wrong_scope_is_a_translated_message_not_a_constraint_name(world):
    wrong = RoleAssignment(user=world.users["nobody"], role=Role.UNIT_OFFICER, body=world.council)
    with pytest.raises(ValidationError) as raised:
        wrong.full_clean()
    (message,) = raised.value.messages
    assert message.startswith("A unit role is held over a unit")
    assert raised.value.error_dict["__all__"][0].code == "scope_mismatch"


def test_the_api_reads_and_changes_the_profile(world):
    from pacesetter.audit.models import AuditEntry
    from pacesetter.testing.api import ApiClient, assert_error_shape

    officer = world.users["unit_officer"]
    api = ApiClient(officer)
    assert api.get("/auth/profile").json()["mail_reminders"] is True
    answer = api.patch("/auth/profile", {"language": "vi", "mail_escalations": False})
    assert answer.status_code == 200, answer.content
    officer.refresh_from_db()
    assert (officer.language, officer.mail_reminders, officer.mail_escalations) == (
        "vi",
        True,
        False,
    )
    assert AuditEntry.objects.filter(action="user.profile", target_id=str(officer.pk)).exists()
    assert_error_shape(api.patch("/auth/profile", {"language": "fr"}), 422)
    assert ApiClient().get("/auth/profile").status_code == 401
