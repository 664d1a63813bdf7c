"""Limits on uploaded documents, and downloads that only happen after a permission check."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import FieldRuleError


def validate_upload(file: File) -> None:
    """Reject files over the size limit or of a type not on the allowed list."""
    size = getattr(file, "size", 0) or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
        )
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in settings.UPLOAD_ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {
                "ext": extension or "?",
                "allowed": ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS),
            },
            code="file_type",
        )


def check_upload(file: File, *, field: str = "file") -> None:
    """:func:`validate_upload` for a service: the error is shown on ``field`` by the
    forms and keeps its code (``file_too_large``, ``file_type``) in the API's answer."""
    try:
        validate_upload(file)
    except ValidationError as exc:
        raise FieldRuleError(field, exc) from exc


def file_download(field_file: File) -> FileResponse:
    """Stream a stored file as an attachment. Call only after the access check."""
    if not field_file:
        raise Http404
    name = PurePath(field_file.name or "file").name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
