"""Two saves of one's profile from pages opened at the same version (two tabs): the
second is refused, nothing saved. The people screens grant and revoke roles (a row each)
and set an account active or not (the value the request names), so nothing is edited
there that a second tab could overwrite."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db

REFUSAL = "You saved your profile in another window"


def test_the_second_save_of_the_profile_from_one_page_is_refused(client, world):
    user = world.users["unit_officer"]
    client.force_login(user)
    opened = two_screen_edits(
        client,
        reverse("profile"),
        # The first save keeps the screens in English, so the refusal is read in English.
        {"language": "en", "mail_reminders": "on"},
        {"language": "zh-hans", "mail_escalations": "on"},
        refusal=REFUSAL,
    )
    user.refresh_from_db()
    assert (user.language, user.mail_reminders, user.mail_escalations, user.profile_version) == (
        "en",
        True,
        False,
        opened + 1,
    )


def test_the_second_patch_of_the_profile_from_one_read_is_a_409(world: Any) -> None:
    user = world.users["unit_officer"]
    api = ApiClient(user)
    read = two_api_edits(
        api, "/auth/profile", {"mail_reminders": False}, {"mail_reminders": True, "language": "vi"}
    )
    user.refresh_from_db()
    assert (user.mail_reminders, user.language, user.profile_version) == (False, "", read + 1)
