"""JSON API for recorded decisions (number, date, issuer) and their files: /api/v1/decisions.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt

from django.db import models
from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.core.api_types import Id, Paged, Year
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.units.api import UnitRef
from pacesetter.units.policies import unit_policy

from .models import Decision
from .policies import decision_policy
from .services import decision_create, decision_update

router = Router(tags=["decisions"])


class DecisionOut(Schema):
    id: Id
    number: str
    date: dt.date
    issuer: str
    title: str
    signer_title: str
    owner_unit: UnitRef
    has_file: bool

    @staticmethod
    def resolve_has_file(obj: Decision) -> bool:
        return bool(obj.file)


class DecisionIn(Schema):
    owner_unit_id: Id
    number: str
    date: dt.date
    issuer: str
    title: str = ""
    signer_title: str = ""


class DecisionPatch(Schema):
    number: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    title: str | None = None
    signer_title: str | None = None


class DecisionFilters(Schema):
    q: str = ""
    owner: Id | None = None
    year: Year | None = None


@router.get("", response=list[DecisionOut])
@paginate(Paged)
def decision_list(
    request: HttpRequest, filters: Query[DecisionFilters]
) -> models.QuerySet[Decision]:
    """Decisions the user may see, newest first.

    ``q`` searches number, title and issuer; ``owner`` keeps decisions recorded in that
    unit's subtree; ``year`` filters on the decision date.
    """
    qs = decision_policy.visible(request.user).select_related("owner_unit")
    if filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(
            models.Q(number__icontains=q)
            | models.Q(title__icontains=q)
            | models.Q(issuer__icontains=q)
        )
    if filters.owner:
        owner = resolve_ref(unit_policy, request.user, filters.owner, "view", "owner")
        qs = qs.filter(owner_unit__path__startswith=owner.path)
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    return qs.order_by("-date", "number", "pk")


@router.get("/{int:decision_id}", response=DecisionOut)
def decision_detail(request: HttpRequest, decision_id: Id) -> Decision:
    """One decision."""
    return decision_policy.access(request.user, decision_id)


@router.get("/{int:decision_id}/file")
def decision_file(request: HttpRequest, decision_id: Id) -> FileResponse:
    """Download the decision's signed file (404 when it has none)."""
    return file_download(decision_policy.access(request.user, decision_id).file)


@router.post("", response={201: DecisionOut})
def decision_create_endpoint(request: HttpRequest, payload: DecisionIn) -> Status[Decision]:
    """Record a decision for ``owner_unit_id``; needs the right to manage that unit.

    Attach the signed file afterwards with ``POST /decisions/{id}/file``.
    """
    data = payload.dict()
    owner = resolve_ref(
        unit_policy, request.user, data.pop("owner_unit_id"), "manage", "owner_unit_id"
    )
    return Status(201, decision_create(actor=request.user, owner_unit=owner, **data))


@router.patch("/{int:decision_id}", response=DecisionOut)
def decision_update_endpoint(
    request: HttpRequest, decision_id: Id, payload: DecisionPatch
) -> Decision:
    """Change a decision; only the fields sent are changed."""
    decision = decision_policy.access(request.user, decision_id, "update")
    return decision_update(
        actor=request.user, decision=decision, **payload.dict(exclude_unset=True)
    )


@router.post("/{int:decision_id}/file", response=DecisionOut)
def decision_file_upload(
    request: HttpRequest, decision_id: Id, file: File[UploadedFile]
) -> Decision:
    """Attach (or replace) the signed file, sent as multipart field ``file``.

    Size and type are checked against the upload limits.
    """
    decision = decision_policy.access(request.user, decision_id, "update")
    return decision_update(actor=request.user, decision=decision, file=file)
