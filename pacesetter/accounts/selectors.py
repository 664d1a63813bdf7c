from typing import Any

from django.db.models import Q, QuerySet

from .models import RoleAssignment, User


def roles_of(user: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit", "cluster", "body")


def users_visible_to(user: Any) -> QuerySet[User]:
    """Active people the user may name (e.g. seat on a body): the user and those holding
    a role over a unit, cluster or body the user can see."""
    from pacesetter.bodies.policies import body_policy
    from pacesetter.clusters.policies import cluster_policy
    from pacesetter.units.policies import unit_policy

    users = User.objects.filter(is_active=True)
    if not getattr(user, "is_authenticated", False):
        return users.none()
    if user.is_superuser:
        return users
    holders = RoleAssignment.objects.filter(
        Q(unit__in=unit_policy.visible(user))
        | Q(cluster__in=cluster_policy.visible(user))
        | Q(body__in=body_policy.visible(user))
    ).values("user_id")
    return users.filter(Q(pk=user.pk) | Q(pk__in=holders))
