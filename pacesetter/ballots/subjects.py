"""What a poll is held on, told by the apps that put things to a vote.

Ballots sits below awards and meetings (docs/architecture.md, "Layers"): a poll does not
know what it decides. An app that holds polls registers, in its ``AppConfig.ready()``, a
function that names a poll's subject as a user may see it (a label and the address of
its page), or None; the poll's page and the ballot link to the first subject found, so
that a voter reads what they vote on (a proposal's dossier) before voting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Poll


@dataclass(frozen=True)
class Subject:
    label: str
    url: str


SubjectFinder = Callable[["Poll", Any], "Subject | None"]

_finders: list[SubjectFinder] = []


def register_subject(finder: SubjectFinder) -> None:
    """Add ``finder`` (once, however often an app's ``ready()`` runs)."""
    if finder not in _finders:
        _finders.append(finder)


def poll_subject(poll: Poll, user: Any) -> Subject | None:
    """The poll's subject as ``user`` may see it, or None (none, or not theirs to see)."""
    for finder in _finders:
        subject = finder(poll, user)
        if subject is not None:
            return subject
    return None
