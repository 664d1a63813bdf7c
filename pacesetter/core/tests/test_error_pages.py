"""Error pages: in the site's layout and the user's language, never a bare status."""

from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error


def test_a_refusal_shows_the_403_page_in_the_users_language(client, world):
    officer = world.users["unit_officer"]
    officer.language = "vi"
    officer.save()
    client.post(reverse("login"), {"username": "officer", "password": "pacesetter-test"})
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Kế hoạch công tác" in html  # the site's menu, translated
    assert "403 Forbidden" not in html


def test_an_unknown_page_shows_the_404_page(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="topbar"' in response.content.decode()


def test_a_server_error_shows_the_plain_500_page_without_the_database(
    db, rf, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server error" in html
    assert 'class="topbar"' in html


def test_a_server_error_is_translated(db, rf):
    with translation.override("vi"):
        response = server_error(rf.get("/"))
    assert '<html lang="vi">' in response.content.decode()
