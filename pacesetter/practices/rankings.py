"""The library beside the ranking: a unit's standing at the review point behind a
practice, and the link on a ranking's row that proposes a practice from it.

Both read the ranking through ``scoring.selectors.ranking_for``, the one rule of who sees
which ranking (the page, its export and the API share it): an unpublished ranking stays
hidden from whoever may not follow it live (docs/practices.md, "From the ranking").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPoint
from pacesetter.scoring.row_links import RowLink, register_row_links
from pacesetter.scoring.selectors import ranking_for

from .selectors import proposable_units


@dataclass(frozen=True)
class Standing:
    """A unit's row of a ranking as the reader sees it. ``rank_in_type`` is None where
    the reader follows only their clusters' live rows; ``live``: the ranking is not
    published yet and may still change."""

    unit_id: int
    unit_name: str
    cluster_id: int | None
    cluster_name: str | None
    rank_in_cluster: int
    rank_in_type: int | None
    total: Decimal
    percentage: Decimal | None
    ineligible: bool
    live: bool
    ranking_url: str


def standings(
    user: Any, review_point: ReviewPoint | None, unit_ids: Sequence[int]
) -> list[Standing]:
    """The rows of ``unit_ids`` (in that order, each once) in ``review_point``'s ranking
    as ``user`` may see it; none when there is no review point, the user may not see its
    ranking, or the units are not ranked there. One ranking query."""
    if review_point is None or not unit_ids:
        return []
    result = ranking_for(user, review_point)
    if not result.shown:
        return []
    by_unit = {row["unit_id"]: row for row in result.rows}
    url = reverse("scoring:ranking", args=[review_point.pk])
    found: list[Standing] = []
    for unit_id in dict.fromkeys(unit_ids):
        row = by_unit.get(unit_id)
        if row is None:
            continue
        found.append(
            Standing(
                unit_id=unit_id,
                unit_name=row["unit_name"],
                cluster_id=row["cluster_id"],
                cluster_name=row["cluster_name"],
                rank_in_cluster=row["rank_in_cluster"],
                rank_in_type=row["rank_in_type"],
                total=row["total"],
                percentage=row["percentage"],
                ineligible=bool(row["veto"]),
                live=result.live,
                ranking_url=(
                    f"{url}?{urlencode({'cluster': row['cluster_id']})}"
                    if row["cluster_id"]
                    else url
                ),
            )
        )
    return found


def propose_url(review_point: ReviewPoint, unit_id: int) -> str:
    """The proposal form, filled in with the unit and the review point."""
    query = urlencode({"unit": unit_id, "review_point": review_point.pk})
    return f"{reverse('practices:create')}?{query}"


def propose_links(
    user: Any, review_point: ReviewPoint, rows: Sequence[dict[str, Any]]
) -> dict[int, list[RowLink]]:
    """ "Propose a practice" on the rows of the units ``user`` may propose for (their
    officers and the staff above: ``proposable_units``, as the proposal form). One
    query."""
    ids = {row["unit_id"] for row in rows}
    mine = proposable_units(user).filter(pk__in=ids).values_list("pk", flat=True)
    label = _("Propose a practice")
    return {pk: [RowLink(label=label, url=propose_url(review_point, pk))] for pk in mine}


def register() -> None:
    register_row_links(propose_links)
