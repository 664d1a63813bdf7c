"""Numbers as people read them: no trailing zeros of a stored scale ("3.2", not
"3.2000"), no exponent, the separators of the active language ("3,2" in Vietnamese).
Screens use the ``number`` filter (core_tags); documents call :func:`number`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats


def plain(value: Any) -> Decimal | int | None:
    """``value`` as an int when it is whole, else a Decimal without trailing zeros
    (``None`` and text that is not a number give ``None``)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return amount.normalize()  # not whole: no positive exponent, so plain digits


def number(value: Any, empty: str = "—") -> str:
    """``value`` in the active language's number format without trailing zeros;
    ``empty`` for a missing value."""
    amount = plain(value)
    if amount is None:
        return empty
    return formats.number_format(amount, use_l10n=True)


def percent(share: Any, places: int = 1, empty: str = "—") -> str:
    """A share (0.7525) as a percentage in the active language's number format ("75.3%",
    "75,3%"); ``empty`` for a missing share."""
    amount = plain(share)
    if amount is None:
        return empty
    scaled = (Decimal(amount) * 100).quantize(Decimal(1).scaleb(-places))
    return f"{number(scaled)}%"
