from typing import Any

from django.http import HttpRequest

from .navigation import menu_for
from .policies import may_manage_people


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top navigation shows to this user (``accounts.navigation``)."""
    user = getattr(request, "user", None)
    return {"may_manage_people": may_manage_people(user), "menu": menu_for(user)}
