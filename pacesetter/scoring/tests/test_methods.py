"""Scoring methods: worked examples and properties that must hold for any input."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacesetter.scoring.methods import (
    PeerResult,
    count_points,
    pass_fail,
    proportional,
    target_half_best_full,
    zero_target_pass,
)

money = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2, allow_nan=False)
maxima = st.decimals(min_value=D("0"), max_value=D("100"), places=2, allow_nan=False)


# --- worked examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "lower", "expected"),
    [
        (D(100), D(50), False, D("15.00")),  # half the target, half the points
        (D(100), D(100), False, D("30.00")),
        (D(100), D(150), False, D("30.00")),  # capped at M
        (D(10), D(20), True, D("15.00")),  # lower is better: twice the limit
        (D(10), D(5), True, D("30.00")),
        (D(10), D(0), True, D("30.00")),  # A = 0 gives M
        (D(3), D(0), False, D("0.00")),
    ],
)
def test_proportional_examples(target, actual, lower, expected):
    assert proportional(D(30), target, actual, lower_is_better=lower) == expected


def test_target_half_best_full_worked_example():
    peers = {
        "below": PeerResult(D(100), D(80)),  # r = 0.8 -> 0.5 * 20 * 0.8 = 8
        "at": PeerResult(D(100), D(100)),  # r = 1 -> 10
        "above": PeerResult(D(100), D(120)),  # r = 1.2 -> 10 + 10 * 0.2 / 0.5 = 14
        "best": PeerResult(D(100), D(150)),  # r = 1.5 -> 20
    }
    assert target_half_best_full(D(20), peers) == {
        "below": D("8.00"),
        "at": D("10.00"),
        "above": D("14.00"),
        "best": D("20.00"),
    }


def test_target_half_best_full_equal_bests_both_get_full_marks():
    peers = {"a": PeerResult(D(10), D(20)), "b": PeerResult(D(5), D(10))}
    assert target_half_best_full(D(20), peers) == {"a": D("20.00"), "b": D("20.00")}


def test_target_half_best_full_lower_is_better():
    peers = {
        "a": PeerResult(D(10), D(5)),
        "b": PeerResult(D(10), D(8)),
        "c": PeerResult(D(10), D(20)),
    }
    scores = target_half_best_full(D(20), peers, lower_is_better=True)
    assert scores["a"] == D("20.00")  # T/A = 2, the best
    assert scores["c"] == D("5.00")  # T/A = 0.5 -> 0.5 * 20 * 0.5
    assert D("10") < scores["b"] < D("20")


def test_pass_fail_count_and_zero_target():
    assert pass_fail(D(20), True) == D("20.00")
    assert pass_fail(D(20), False) == pass_fail(D(20), None) == D(0)
    assert count_points(D(20), D(5), 3) == D("15.00")
    assert count_points(D(20), D(5), 9) == D("20.00")  # capped
    assert count_points(D(20), D(5), None) == D(0)
    assert zero_target_pass(D(5), lower_is_better=False) is True
    assert zero_target_pass(D(0), lower_is_better=False) is False
    assert zero_target_pass(D(0), lower_is_better=True) is True
    assert zero_target_pass(None, lower_is_better=True) is False


# --- properties -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(maximum=maxima, target=positive, actual=money, lower=st.booleans())
def test_proportional_stays_within_bounds(maximum, target, actual, lower):
    assert D(0) <= proportional(maximum, target, actual, lower_is_better=lower) <= maximum


@settings(max_examples=200, deadline=None)
@given(maximum=maxima, target=positive, a=money, b=money)
def test_proportional_moves_the_right_way_with_the_actual(maximum, target, a, b):
    low, high = sorted((a, b))
    assert proportional(maximum, target, low) <= proportional(maximum, target, high)
    if low > 0:
        lower_better = proportional(maximum, target, low, lower_is_better=True)
        assert lower_better >= proportional(maximum, target, high, lower_is_better=True)


peer_lists = st.lists(st.tuples(positive, money), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(maximum=maxima, rows=peer_lists, lower=st.booleans())
def test_target_half_best_full_bounds_and_the_best_gets_full_marks(maximum, rows, lower):
    peers = {i: PeerResult(t, a) for i, (t, a) in enumerate(rows)}
    scores = target_half_best_full(maximum, peers, lower_is_better=lower)
    assert set(scores) == set(peers)
    assert all(D(0) <= s <= maximum for s in scores.values())

    def r(p):
        if lower:
            return None if p.actual == 0 else p.target / p.actual
        return p.actual / p.target

    ratios = {k: r(p) for k, p in peers.items()}
    above = [k for k, v in ratios.items() if v is None or v > 1]
    if above and maximum > 0:
        best = max(above, key=lambda k: (ratios[k] is None, ratios[k] or 0))
        assert scores[best] == maximum.quantize(D("0.01"))
    for k, v in ratios.items():
        if v is not None and v < 1:
            assert scores[k] <= (maximum / 2).quantize(D("0.01"))


@settings(max_examples=200, deadline=None)
@given(maximum=maxima, rows=peer_lists, bump=positive)
def test_target_half_best_full_more_actual_never_lowers_your_score(maximum, rows, bump):
    peers = {i: PeerResult(t, a) for i, (t, a) in enumerate(rows)}
    before = target_half_best_full(maximum, peers)[0]
    improved = dict(peers)
    improved[0] = PeerResult(peers[0].target, peers[0].actual + bump)
    after = target_half_best_full(maximum, improved)[0]
    assert after >= before


@settings(max_examples=100, deadline=None)
@given(maximum=maxima, per_item=maxima, count=st.integers(min_value=0, max_value=1000))
def test_count_points_are_capped(maximum, per_item, count):
    value = count_points(maximum, per_item, count)
    assert D(0) <= value <= maximum
