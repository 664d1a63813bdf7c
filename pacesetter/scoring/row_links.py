"""What a higher app offers on a unit's row of a ranking, told by that app.

Scoring sits below practices (docs/architecture.md, "Layers"): the ranking page does not
know that a practice can be proposed from a row. An app registers, in its
``AppConfig.ready()``, a function that takes the user, the review point and the rows on
the page and gives, for the units the user may act on, the links to show on their rows
(a label and an address); the rule of who may act is the registering app's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pacesetter.campaigns.models import ReviewPoint


@dataclass(frozen=True)
class RowLink:
    label: str
    url: str


#: (user, review point, the rows shown) -> {unit id: links}
RowLinkFinder = Callable[[Any, "ReviewPoint", Sequence[dict[str, Any]]], dict[int, list[RowLink]]]

_finders: list[RowLinkFinder] = []


def register_row_links(finder: RowLinkFinder) -> None:
    """Add ``finder`` (once, however often an app's ``ready()`` runs)."""
    if finder not in _finders:
        _finders.append(finder)


def row_links(
    user: Any, review_point: ReviewPoint, rows: Sequence[dict[str, Any]]
) -> dict[int, list[RowLink]]:
    """The links of every registered app for the units of ``rows``, by unit id (a unit
    with none is left out). Nothing is asked when no row is shown."""
    found: dict[int, list[RowLink]] = {}
    if not rows:
        return found
    for finder in _finders:
        for unit_id, links in finder(user, review_point, rows).items():
            found.setdefault(unit_id, []).extend(links)
    return found
