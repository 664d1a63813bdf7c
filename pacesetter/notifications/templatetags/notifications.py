"""``{% notification_choices user as choices %}``: the profile's section reads the user's
choice of kinds without the accounts app importing this one."""

from __future__ import annotations

from typing import Any

from django import template

from ..kinds import KINDS
from ..selectors import preferences_of

register = template.Library()


@register.simple_tag
def notification_choices(user: Any) -> list[dict[str, Any]]:
    wanted = preferences_of(user)
    return [{"key": k, "label": KINDS[k].label, "on": on} for k, on in wanted.items()]
