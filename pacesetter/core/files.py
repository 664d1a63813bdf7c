"""Limits on uploaded documents, storing them with the row that names them, and downloads
that only happen after a permission check."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import FieldRuleError, StorageFullError
from .storage import is_no_room

logger = logging.getLogger(__name__)


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
    _check_content(file, extension)


#: What the first bytes of a file of each allowed extension are, by ``filetype``'s
#: names. Office documents are zip archives (.docx, .xlsx, .odt) or OLE2 compound
#: files (.doc); ``filetype`` names a zip by what it finds inside, when it can.
CONTENT_TYPES = {
    "pdf": {"pdf"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "odt": {"odt", "zip"},
    "doc": {"doc"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
}


def _check_content(file: File, extension: str) -> None:
    """Refuse a file whose content is not of its extension's type (an .exe named .pdf,
    an .xlsx that is no zip). A file already stored (a row's saved file, checked when
    it was uploaded) is not read again."""
    if getattr(file, "_committed", False) or not hasattr(file, "read"):
        return
    expected = CONTENT_TYPES.get(extension)
    if expected is None:  # an extension allowed by settings that we have no signature for
        return
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(position)
    kind = filetype.guess(head if isinstance(head, bytes) else head.encode())
    if kind is None:
        message = _("The content of this file is not a “%(ext)s” document.") % {"ext": extension}
    elif kind.extension not in expected:
        message = _(
            "The content of this file is not a “%(ext)s” document; it is a “%(kind)s” file."
        ) % {"ext": extension, "kind": kind.extension}
    else:
        return
    raise ValidationError(message, code="file_type")


def check_upload(file: File, *, field: str = "file") -> None:
    """:func:`validate_upload` for a service: the error is shown on ``field`` by the
    forms and keeps its code (``file_too_large``, ``file_type``) in the API's answer."""
    try:
        validate_upload(file)
    except ValidationError as exc:
        raise FieldRuleError(field, exc) from exc


@contextmanager
def upload_stored(instance: models.Model, field: str, file: File) -> Iterator[str]:
    """Store ``file`` now, where ``instance``'s file ``field`` keeps uploads (its
    ``upload_to``), set the field to it, and run the block that writes the row; yields
    the stored name.

    When the disk or the quota is full (``ENOSPC``, ``EDQUOT``) a
    :class:`~pacesetter.core.errors.StorageFullError` on ``field`` is raised instead: the
    storage (:class:`~pacesetter.core.storage.UploadStorage`) has removed what it had
    written, the error is logged, and the service's transaction rolls back.

    A database rollback cannot take back a file, so if the block raises (a rule, the
    insert, the audit entry) the stored file is removed before the error goes on: no
    file is left that no row names. Saving the row does not store the file again (the
    field holds a stored name). Use it inside the service's transaction, after the
    checks that need no file (:func:`check_upload` first). A rollback of a caller's
    transaction after the service has returned is the caller's to clean up."""
    field_file = getattr(instance, field)
    name = PurePath(file.name or "file").name
    try:
        field_file.save(name, file, save=False)
    except OSError as exc:
        if not is_no_room(exc):
            raise
        logger.error(
            "No room to store the upload %r for %s.%s: %s",
            name,
            instance._meta.label,
            field,
            exc,
        )
        raise StorageFullError(field) from exc
    try:
        yield field_file.name
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise


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
