from typing import Any

from django.http import HttpRequest

from .selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    """The top bar's unread count: one query for a signed-in user, none otherwise."""
    return {"unread_notifications": unread_count(getattr(request, "user", None))}
