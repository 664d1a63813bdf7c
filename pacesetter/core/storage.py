"""Where uploaded files are kept: Django's file system storage, which leaves no partly
written file behind when the disk (or the account's quota) is full."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import suppress
from contextvars import ContextVar
from typing import Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage

#: The errors of a full disk (``ENOSPC``) and of a full quota (``EDQUOT``).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_no_room(exc: BaseException) -> bool:
    """Whether ``exc`` says there is no room left to write."""
    return isinstance(exc, OSError) and exc.errno in NO_ROOM


#: The names one ``_save`` call tries, in order; the last is the one it writes to.
_tried: ContextVar[list[str] | None] = ContextVar("upload_names_tried", default=None)


class _Streamed(File):
    """The content to store, always written chunk by chunk (a large upload's temporary
    file is copied rather than moved), noting when the first chunk is asked for: Django
    asks only once it has created the target file (``O_EXCL``), so from then on the
    target is this call's own and may be removed."""

    def __init__(self, content: File) -> None:
        super().__init__(content, getattr(content, "name", None))
        self._content = content
        self.started = False

    def chunks(self, chunk_size: int | None = None) -> Iterator[Any]:
        self.started = True
        return self._content.chunks(chunk_size)


class UploadStorage(FileSystemStorage):
    """The default storage (``STORAGES["default"]``). When writing a file fails part-way
    (``ENOSPC``, ``EDQUOT``, any error once the file exists), the partly written file is
    removed before the error goes on, so no file is left that no row names.
    :func:`pacesetter.core.files.upload_stored` turns a full disk into the user's error."""

    def _save(self, name: str, content: File) -> str:
        streamed = _Streamed(content)
        names = [name]
        token = _tried.set(names)
        try:
            return str(super()._save(name, streamed))  # type: ignore[misc]  # not in the stubs
        except BaseException:
            if streamed.started:
                with suppress(FileNotFoundError):
                    os.remove(self.path(names[-1]))
            raise
        finally:
            _tried.reset(token)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # Django's _save picks a new name here when another upload took the one it tried.
        available = str(super().get_available_name(name, max_length))
        names = _tried.get()
        if names is not None:
            names.append(available)
        return available
