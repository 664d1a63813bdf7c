"""JSON API for recorded decisions (number, date, issuer) and their files: /api/v1/decisions.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from functools import reduce
from operator import or_

from django.db import models
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version, Year
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    fields_of,
    text_input,
    text_patch,
    translations,
)
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
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
    signed_for: str = Field(
        description="The line above the signer's title when signing for another (KT. Chủ tịch)."
    )
    signer_name: str
    place: str = Field(description="Where it was signed, as printed before the date (Thanh Hóa).")
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    owner_unit: UnitRef
    has_file: bool
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_has_file(obj: Decision) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_translations(obj: Decision) -> dict[str, dict[str, str]]:
        return translations(obj)


class DecisionIn(Schema):
    owner_unit_id: Id
    number: str
    date: dt.date
    source_language: Language | None = SOURCE_LANGUAGE
    issuer: text_input(255)  # type: ignore[valid-type]
    title: text_input(500) = ""  # type: ignore[valid-type]
    signer_title: text_input(255) = ""  # type: ignore[valid-type]
    signed_for: text_input(255) = ""  # type: ignore[valid-type]
    signer_name: str = Field("", max_length=200)
    place: text_input(100) = ""  # type: ignore[valid-type]


class DecisionPatch(Schema):
    number: str | None = None
    date: dt.date | None = None
    source_language: Language | None = None
    issuer: text_patch(255) = None  # type: ignore[valid-type]
    title: text_patch(500) = None  # type: ignore[valid-type]
    signer_title: text_patch(255) = None  # type: ignore[valid-type]
    signed_for: text_patch(255) = None  # type: ignore[valid-type]
    signer_name: str | None = Field(None, max_length=200)
    place: text_patch(100) = None  # type: ignore[valid-type]
    version: Version | None = VERSION_IN


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

    ``q`` searches number, title and issuer (in every language); ``owner`` keeps
    decisions recorded in that unit's subtree; ``year`` filters on the decision date.
    """
    qs = decision_policy.visible(request.user).select_related("owner_unit")
    if filters.q.strip():
        q = filters.q.strip()
        texts = [models.Q(**{f"{name}__icontains": q}) for name in fields_of("title", "issuer")]
        qs = qs.filter(reduce(or_, texts, models.Q(number__icontains=q)))
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
    data["source_language"] = data["source_language"] or content_language()
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
