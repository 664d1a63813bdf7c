from typing import Any

from django.http import HttpRequest

from .policies import may_manage_people


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top navigation shows to this user."""
    return {"may_manage_people": may_manage_people(getattr(request, "user", None))}
