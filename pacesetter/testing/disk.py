"""A disk that fills up: for tests of what an upload does when the server runs out of room."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest


class FullDisk:
    """While installed, files opened for writing through ``os.fdopen`` (as Django's file
    system storage writes an upload) take ``room`` bytes in all; the write that would pass
    it writes what fits, then fails with ``ENOSPC`` (or ``EDQUOT``), as a full disk does.
    ``written`` counts the bytes that reached a file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, room: int, code: int = errno.ENOSPC):
        self.room = room
        self.code = code
        self.written = 0
        real_fdopen = os.fdopen

        def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, mode, *args, **kwargs)
            return _Filling(handle, self) if "w" in mode or "a" in mode else handle

        monkeypatch.setattr(os, "fdopen", fdopen)


class _Filling:
    def __init__(self, handle: Any, disk: FullDisk) -> None:
        self._handle = handle
        self._disk = disk

    def write(self, data: Any) -> int:
        left = self._disk.room - self._disk.written
        if len(data) > left:
            self._handle.write(data[:left])
            self._handle.flush()
            self._disk.written += left
            raise OSError(self._disk.code, os.strerror(self._disk.code))
        self._disk.written += len(data)
        return int(self._handle.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def stored_files(root: Any) -> list[str]:
    """Every file under ``root`` (MEDIA_ROOT), as paths relative to it."""
    base = Path(root)
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
