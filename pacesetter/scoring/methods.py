"""Scoring methods: pure functions of the criterion, the target and the actual.

All arithmetic is Decimal and every result lies in [0, M]. ``target_half_best_full``
needs the peers' ratios, so it scores a whole cluster at once.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal("0")
HALF = Decimal("0.5")
CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """Round to two decimals, the precision of stored points."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return max(ZERO, min(value, maximum))


def ratio(target: Decimal, actual: Decimal, lower_is_better: bool) -> Decimal | None:
    """How far the actual goes toward the target: A/T, or T/A when lower is better.

    None stands for an unbounded ratio (lower is better and the actual is zero).
    """
    if lower_is_better:
        if actual <= 0:
            return None
        return target / actual
    return actual / target


def proportional(
    maximum: Decimal, target: Decimal, actual: Decimal, *, lower_is_better: bool = False
) -> Decimal:
    """M x min(A/T, 1); lower is better: M x min(T/A, 1), and A = 0 gives M. T > 0."""
    if actual < 0:
        actual = ZERO
    r = ratio(target, actual, lower_is_better)
    if r is None:
        return q2(maximum)
    return q2(clamp(maximum * min(r, Decimal(1)), maximum))


@dataclass(frozen=True)
class PeerResult:
    target: Decimal
    actual: Decimal


def target_half_best_full(
    maximum: Decimal,
    peers: Mapping[Hashable, PeerResult],
    *,
    lower_is_better: bool = False,
) -> dict[Hashable, Decimal]:
    """Score every peer of a cluster for one criterion.

    Below target 0.5 x M x r; at target 0.5 x M; the best ratio above target gets M;
    any other unit above target 0.5 x M + 0.5 x M x (r - 1) / (r_best - 1).
    Equal best ratios all get M.
    """
    ratios: dict[Hashable, Decimal | None] = {
        key: ratio(p.target, max(p.actual, ZERO), lower_is_better) for key, p in peers.items()
    }
    above = [r for r in ratios.values() if r is None or r > 1]
    unbounded = any(r is None for r in above)
    best = None if unbounded else (max(above) if above else None)  # type: ignore[type-var]
    half = maximum * HALF
    scores: dict[Hashable, Decimal] = {}
    for key, r in ratios.items():
        if r is None:
            value = maximum
        elif r < 1:
            value = half * r
        elif r == 1:
            value = half
        elif unbounded:
            # Someone met a lower-is-better target with zero; the rest above target
            # share the upper half by how far above target they are, capped below M.
            value = half + half * (1 - 1 / r)
        elif r == best:
            value = maximum
        else:
            assert best is not None
            value = half + half * (r - 1) / (best - 1)
        scores[key] = q2(clamp(value, maximum))
    return scores


def pass_fail(maximum: Decimal, passed: bool | None) -> Decimal:
    return q2(maximum) if passed else ZERO


def count_points(maximum: Decimal, per_item: Decimal, count: int | None) -> Decimal:
    """points per item x count, capped at M (used by count, bonus and penalty)."""
    return q2(clamp(per_item * Decimal(count or 0), maximum))


def zero_target_pass(actual: Decimal | None, *, lower_is_better: bool) -> bool:
    """With no target, pass/fail on the actual: any result when higher is better,
    none at all when lower is better."""
    if actual is None:
        return False
    return actual == 0 if lower_is_better else actual > 0


__all__: list[Any] = [
    "PeerResult",
    "count_points",
    "pass_fail",
    "proportional",
    "q2",
    "target_half_best_full",
    "zero_target_pass",
]
