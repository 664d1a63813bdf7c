"""The "People and roles" screens (committee staff): accounts, grants, revocations.

A role is held over a unit, a cluster or a body, so these screens combine accounts with
the foundation data; they keep their URLs and the ``accounts:`` names.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.accounts.models import RoleAssignment
from pacesetter.accounts.policies import may_manage_people, role_assignment_policy, user_policy
from pacesetter.accounts.services import role_grant, role_revoke, user_create, user_set_active
from pacesetter.core.views import add_service_errors, paginate

from .people_forms import PeopleSearchForm, RoleScopeForm, UserCreateForm


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The people who hold a role in what the user manages, with their roles."""
    if not may_manage_people(request.user):
        raise PermissionDenied
    search = PeopleSearchForm(request.GET or None)
    qs = user_policy.visible(request.user).order_by("username")
    if search.is_valid() and search.cleaned_data["q"]:
        qs = qs.filter(username__icontains=search.cleaned_data["q"])
    qs = qs.prefetch_related(
        Prefetch(
            "role_assignments",
            # Only the roles over what this user manages: others are not theirs to see.
            queryset=role_assignment_policy.visible(request.user).select_related(
                "unit", "cluster", "body"
            ),
        )
    )
    page = paginate(request, qs)
    return render(request, "accounts/people.html", {"page_obj": page, "search": search})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not may_manage_people(request.user):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                password=data["password"],
                role=data["role"],
                unit=data["unit"],
                cluster=data["cluster"],
                body=data["body"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account %(name)s was created.") % {"name": user})
            return redirect("accounts:person", pk=user.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    target = user_policy.access(request.user, pk)
    may_update = user_policy.allows(request.user, "update", target)
    if request.method == "POST" and not may_update:
        raise PermissionDenied(_("You do not have permission to do this."))
    form = RoleScopeForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role_grant(
                actor=request.user,
                user=target,
                role=data["role"],
                unit=data["unit"],
                cluster=data["cluster"],
                body=data["body"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:person", pk=target.pk)
    roles = list(
        role_assignment_policy.visible(request.user)
        .filter(user=target)
        .select_related("unit", "cluster", "body")
    )
    other_roles = RoleAssignment.objects.filter(user=target).count() - len(roles)
    return render(
        request,
        "accounts/person.html",
        {
            "person": target,
            "roles": roles,
            "other_roles": other_roles,
            "may_update": may_update,
            "form": form,
        },
    )


@login_required
@require_POST
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = role_assignment_policy.access(request.user, pk, "update")
    user_id = assignment.user_id
    role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("The role was revoked."))
    if user_policy.visible(request.user).filter(pk=user_id).exists():
        return redirect("accounts:person", pk=user_id)
    return redirect("accounts:people")


@login_required
@require_POST
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = user_policy.access(request.user, pk, "update")
    active = request.POST.get("active") == "1"
    try:
        user_set_active(actor=request.user, user=target, is_active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The account is active.") if active else _("The account is deactivated."),
        )
    return redirect("accounts:person", pk=target.pk)
