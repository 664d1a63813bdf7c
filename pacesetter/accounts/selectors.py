from typing import Any

from django.db.models import QuerySet

from .models import RoleAssignment


def roles_of(user: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit", "cluster", "body")
