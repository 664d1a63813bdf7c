from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top navigation shows to this user."""
    from .views import may_manage_people

    return {"may_manage_people": may_manage_people(getattr(request, "user", None))}
