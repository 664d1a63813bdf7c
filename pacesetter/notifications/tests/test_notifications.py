"""The bell: what notify() writes and for whom, the list and its query count, reading
and marking, the choice of kinds, and pruning (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.notifications import kinds
from pacesetter.notifications.models import Notification
from pacesetter.notifications.selectors import unread_count
from pacesetter.notifications.services import notify, preferences_set
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db

POLL = {"poll": {"en": "Flag 2024", "vi": "Cờ thi đua 2024"}}


def _notify(users: list[Any], kind: str = kinds.POLL_OPENED, **params: Any) -> int:
    with transaction.atomic():
        return notify(users, kind, params or POLL, "/ballots/")


def test_notify_writes_one_per_recipient_and_skips_the_inactive() -> None:
    alice, bob = UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)

    assert _notify([alice, bob.pk, alice, None, gone]) == 2

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [alice.pk, bob.pk]
    )


@pytest.mark.django_db(transaction=True)
def test_notify_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        notify([UserFactory()], kinds.POLL_OPENED, POLL, "/")


def test_a_rolled_back_action_notifies_nobody() -> None:
    alice = UserFactory()

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        notify([alice], kinds.POLL_OPENED, POLL, "/")
        raise Refused

    assert not Notification.objects.exists()


def test_a_user_who_turned_a_kind_off_gets_none_of_it() -> None:
    alice, bob = UserFactory(), UserFactory()
    preferences_set(actor=alice, user=alice, kinds={kinds.POLL_OPENED: False})

    _notify([alice, bob])
    _notify([alice], kinds.REPORT_READY, report="Year-end review")

    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == [
        kinds.REPORT_READY
    ]
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(LookupError), transaction.atomic():
        notify([UserFactory()], "no_such_kind", {}, "/")


def test_the_list_is_newest_first_in_the_readers_language(client: Any) -> None:
    reader = UserFactory(language="vi")
    with transaction.atomic():
        notify([reader], kinds.POLL_OPENED, POLL, ("ballots:list", []))
    later = timezone.now() + dt.timedelta(minutes=1)
    with transaction.atomic():
        notify([reader], kinds.REPORT_READY, {"report": {"en": "Year-end", "vi": "Cuối năm"}}, "/")
    Notification.objects.filter(kind=kinds.REPORT_READY).update(created_at=later)
    client.force_login(reader)

    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert "Cuộc bỏ phiếu “Cờ thi đua 2024” đã mở" in page
    assert page.index("Cuối năm") < page.index("Cờ thi đua 2024")
    assert "Flag 2024" not in page


def test_the_api_gives_the_text_in_the_requests_language() -> None:
    reader = UserFactory()
    _notify([reader])

    answer = ApiClient(reader).get("/notifications", lang="vi").json()

    assert answer["count"] == 1
    assert answer["items"][0]["text"].startswith("Cuộc bỏ phiếu “Cờ thi đua 2024”")
    assert answer["items"][0]["url"] == "/ballots/"


def test_the_list_takes_a_fixed_number_of_queries(client: Any, django_assert_num_queries) -> None:
    reader = UserFactory()
    _notify([reader])
    client.force_login(reader)
    with django_assert_num_queries(6) as few:  # session, user, roles, bell, count, page
        client.get(reverse("notifications:list"))
    for _n in range(5):
        _notify([reader])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('class="unread"') == 6


def test_the_bell_counts_the_unread_in_one_query(django_assert_num_queries) -> None:
    reader = UserFactory()
    _notify([reader])
    _notify([reader])
    Notification.objects.filter(pk=Notification.objects.first().pk).update(read_at=timezone.now())

    with django_assert_num_queries(1):
        assert unread_count(reader) == 1
    with django_assert_num_queries(0):
        assert unread_count(AnonymousUser()) == 0


def test_the_top_bar_shows_the_unread_count(client: Any) -> None:
    reader = UserFactory()
    _notify([reader])
    _notify([reader])
    client.force_login(reader)

    page = client.get(reverse("profile")).content.decode()

    assert f'href="{reverse("notifications:list")}"' in page
    assert '<span class="count">2</span>' in page


def test_the_empty_list_says_so(client: Any) -> None:
    client.force_login(UserFactory())

    page = client.get(reverse("notifications:list")).content.decode()

    assert "you have no notifications" in page
    assert "Mark all read" not in page


def test_opening_one_marks_it_read_and_goes_to_its_record(client: Any) -> None:
    reader = UserFactory()
    with transaction.atomic():
        notify([reader], kinds.POLL_OPENED, POLL, ("ballots:list", []))
    notification = Notification.objects.get()
    client.force_login(reader)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("ballots:list")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_count(reader) == 0


def test_mark_all_read(client: Any) -> None:
    reader, other = UserFactory(), UserFactory()
    _notify([reader, other])
    _notify([reader])
    client.force_login(reader)

    response = client.post(reverse("notifications:read"))

    assert response.status_code == 302
    assert unread_count(reader) == 0
    assert unread_count(other) == 1


def test_another_users_notification_is_neither_readable_nor_markable(client: Any) -> None:
    owner, intruder = UserFactory(), UserFactory(is_superuser=True)
    _notify([owner])
    theirs = Notification.objects.get()
    client.force_login(intruder)
    api = ApiClient(intruder)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert_error_shape(api.get(f"/notifications/{theirs.pk}"), 404, "not_found")
    assert_error_shape(api.post("/notifications/read", {"ids": [theirs.pk]}), 404, "not_found")
    assert api.get("/notifications").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_marks_read_some_or_all() -> None:
    reader = UserFactory()
    for _n in range(3):
        _notify([reader])
    first = Notification.objects.order_by("pk").first()
    api = ApiClient(reader)

    assert api.post("/notifications/read", {"ids": [first.pk]}).json() == {"marked": 1, "unread": 2}
    assert api.get("/notifications", unread="true").json()["count"] == 2
    assert api.post("/notifications/read", {}).json() == {"marked": 2, "unread": 0}


def test_the_profile_shows_and_saves_the_choice_of_kinds(client: Any) -> None:
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("profile")).content.decode()
    assert "A vote I may cast opens" in page
    wanted = [k for k in kinds.KINDS if k != kinds.TASK_ASSIGNED]
    response = client.post(reverse("notifications:preferences"), {"kinds": wanted})

    assert response.status_code == 302 and response["Location"] == reverse("profile")
    choices = {
        p["kind"]: p["enabled"] for p in ApiClient(user).get("/notifications/preferences").json()
    }
    assert choices == {k: k != kinds.TASK_ASSIGNED for k in kinds.KINDS}


def test_the_api_changes_the_kinds_it_names() -> None:
    user = UserFactory()
    api = ApiClient(user)

    answer = api.patch("/notifications/preferences", {"kinds": {kinds.POLL_OPENED: False}})

    assert answer.status_code == 200
    assert {p["kind"]: p["enabled"] for p in answer.json()}[kinds.POLL_OPENED] is False
    assert sum(p["enabled"] for p in answer.json()) == len(kinds.KINDS) - 1
    refused = api.patch("/notifications/preferences", {"kinds": {"nonsense": True}})
    assert_error_shape(refused, 422, "unknown_kind")
    assert "nonsense" in str(refused.json()["detail"])


def test_prune_deletes_the_old_only(settings: Any) -> None:
    settings.NOTIFICATIONS_KEEP_DAYS = 30
    reader = UserFactory()
    _notify([reader])
    _notify([reader])
    old = Notification.objects.first()
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))

    call_command("notifications_prune")

    assert list(Notification.objects.values_list("pk", flat=True)) != [old.pk]
    assert Notification.objects.count() == 1
