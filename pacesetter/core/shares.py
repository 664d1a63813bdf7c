"""Shares used as thresholds (a quorum): exact fractions between 0 and 1.

A share is a :class:`fractions.Fraction`. Two-thirds is 2/3, not 0.6667: of 3 voters, 2
make a two-thirds quorum, in a poll as in a meeting.

- **Stored** in two integer columns, ``<name>_numerator`` and ``<name>_denominator``
  (:func:`numerator_field`, :func:`denominator_field`), always reduced, with a check
  constraint ``0 <= numerator <= denominator, denominator > 0`` (:func:`share_constraint`);
  :func:`share_property` reads and writes them as one ``Fraction`` (``poll.quorum``), so
  ``Poll(quorum=Fraction(2, 3))`` works. The audit entry names the two columns
  (:func:`share_columns`).
- **Typed** on forms (:class:`ShareFormField`) as a fraction "2/3", a percentage "50%",
  "66.5%" (= 133/200) or a decimal "0.5", with "." or "," as the decimal mark.
- **Shown** by :func:`share_display`: "50%" when the share is a whole or decimal
  percentage, "2/3" when it is not, in the active language's number format.
- **In the API** (``core.api_types.ShareIn`` / ``ShareOut``) as the text "n/d".
- **Counted** with integers: :func:`needed` (``ceil(share * entitled)``, for head counts)
  and :func:`reached` (``present >= share * entitled``, weights included).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .formatting import number

#: The finest share a person types: a percentage to four decimals (1/1,000,000), or a
#: fraction with at most this denominator. Keeps the columns within 32-bit integers.
MAX_DENOMINATOR = 1_000_000

INVALID = _(
    "Enter a share as a fraction (2/3), a percentage (50%) or a decimal between 0 and 1 (0.5)."
)
OUT_OF_RANGE = _("A share is between 0 and 1 (0% to 100%).")
#: The constraint's message (Django formats it with the constraint's name, so no "%").
OUT_OF_RANGE_STORED = _("A share is between 0 and 1.")
TOO_PRECISE = _("Too precise: use at most four decimals in a percentage, or a smaller fraction.")
BARE_NUMBER = _("Write %(value)s%% for a percentage, or a share between 0 and 1 such as 2/3.")

_NUMBER = r"(\d{1,12}(?:[.,]\d{1,12})?|[.,]\d{1,12})"
_FRACTION = re.compile(r"(\d{1,12})\s*/\s*(\d{1,12})")
_PERCENT = re.compile(_NUMBER + r"\s*[%％]")
_DECIMAL = re.compile(_NUMBER)

#: The four-decimal shares the old forms stored for thirds, and the thirds they meant.
LEGACY_THIRDS = {Decimal("0.3333"): Fraction(1, 3), Decimal("0.6667"): Fraction(2, 3)}


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def parse_share(text: str, *, legacy: bool = False) -> Fraction:
    """The share ``text`` names ("2/3", "50%", "66.5 %", "0.5", "0,5"), reduced.

    Raises ``ValidationError`` (codes ``invalid_share``, ``share_range``,
    ``share_precision``) with a message to show beside the field. ``legacy`` reads the
    old four-decimal thirds (0.3333, 0.6667) as 1/3 and 2/3 (the API's old clients)."""
    text = str(text).strip()
    value: Fraction
    if match := _FRACTION.fullmatch(text):
        numerator, denominator = int(match[1]), int(match[2])
        if denominator == 0:
            raise ValidationError(INVALID, code="invalid_share")
        value = Fraction(numerator, denominator)
    elif match := _PERCENT.fullmatch(text):
        value = Fraction(_decimal(match[1])) / 100
    elif match := _DECIMAL.fullmatch(text):
        amount = _decimal(match[1])
        if amount > 1:
            raise ValidationError(BARE_NUMBER, code="share_range", params={"value": number(amount)})
        value = share_from_decimal(amount) if legacy else Fraction(amount)
    else:
        raise ValidationError(INVALID, code="invalid_share")
    check_share(value)
    return value


def check_share(value: Fraction) -> None:
    """Refuse a share outside 0..1 or finer than :data:`MAX_DENOMINATOR`."""
    if not 0 <= value <= 1:
        raise ValidationError(OUT_OF_RANGE, code="share_range")
    if value.denominator > MAX_DENOMINATOR:
        raise ValidationError(TOO_PRECISE, code="share_precision")


def as_share(value: Any) -> Fraction:
    """``value`` (a Fraction, an int, a Decimal, or text as :func:`parse_share` reads it)
    as a Fraction, exactly; not range-checked (see :func:`check_share`)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a share is not a bool")
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    if isinstance(value, str):
        return parse_share(value)
    raise TypeError(f"not a share: {value!r}")


def share_from_decimal(value: Decimal) -> Fraction:
    """A share stored as a four-decimal number before shares were exact: 0.6667 and
    0.3333 were two-thirds and one-third; any other value is exactly what it says
    (0.5 is 1/2, 0.6 is 3/5, 0.1234 is 617/5000)."""
    value = Decimal(value)
    for stored, meant in LEGACY_THIRDS.items():
        if value == stored:
            return meant
    try:
        return Fraction(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(INVALID, code="invalid_share") from exc


def share_text(value: Fraction) -> str:
    """The share as the API writes it: "2/3", "1/2", "0/1", "1/1"."""
    return f"{value.numerator}/{value.denominator}"


def _terminates(value: Fraction) -> bool:
    """Whether ``value`` * 100 is a finite decimal (the denominator has no prime factor
    but 2 and 5)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def share_display(value: Fraction | None, empty: str = "—") -> str:
    """The share as people read it: "50%", "66.5%" ("66,5%" in Vietnamese) when it is a
    decimal percentage, else the fraction ("2/3")."""
    if value is None:
        return empty
    value = as_share(value)
    if _terminates(value):
        percent = Decimal(value.numerator * 100) / Decimal(value.denominator)
        # Translators: a share as a percentage; keep %(percent)s, add a space before %% if
        # your language writes one.
        return pgettext("share", "%(percent)s%%") % {"percent": number(percent)}
    return f"{value.numerator}/{value.denominator}"


def needed(share: Fraction, entitled: int) -> int:
    """How many of ``entitled`` people make ``share`` of them: ``ceil(share * entitled)``
    (2/3 of 3 is 2, 1/2 of 3 is 2)."""
    return math.ceil(as_share(share) * entitled)


def reached(share: Fraction, *, present: Any, entitled: Any) -> bool:
    """Whether ``present`` (a count or a weight) is at least ``share`` of ``entitled``,
    computed exactly."""
    return Fraction(as_share(present)) >= as_share(share) * as_share(entitled)


# --- storage ----------------------------------------------------------------------------


def numerator_field(verbose_name: Any, default: int = 0) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(verbose_name, default=default)


def denominator_field(verbose_name: Any, default: int = 1) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(verbose_name, default=default)


def share_columns(name: str) -> tuple[str, str]:
    """The two columns that store the share ``name``."""
    return f"{name}_numerator", f"{name}_denominator"


def share_constraint(name: str, constraint_name: str) -> models.CheckConstraint:
    """``0 <= numerator <= denominator`` and ``denominator > 0``, with the translated
    message a form shows instead of the constraint's name."""
    top, bottom = share_columns(name)
    return models.CheckConstraint(
        condition=Q(**{f"{top}__gte": 0})
        & Q(**{f"{top}__lte": F(bottom)})
        & Q(**{f"{bottom}__gt": 0}),
        name=constraint_name,
        violation_error_code="share_range",
        violation_error_message=OUT_OF_RANGE_STORED,
    )


def share_property(name: str) -> property:
    """The share ``name`` of a model as one Fraction, read from and written to its two
    columns (reduced). A ``property``, so the model's constructor takes it too."""
    top, bottom = share_columns(name)

    def get(obj: models.Model) -> Fraction:
        denominator = getattr(obj, bottom) or 1
        return Fraction(getattr(obj, top) or 0, denominator)

    def put(obj: models.Model, value: Any) -> None:
        share = as_share(value)
        setattr(obj, top, share.numerator)
        setattr(obj, bottom, share.denominator)

    return property(get, put, doc=f"The {name} as a Fraction (columns {top}, {bottom}).")


# --- forms ------------------------------------------------------------------------------


class ShareFormField(forms.Field):
    """A share typed as "2/3", "50%", "66.5%" or "0.5"; cleans to a Fraction. An empty
    optional field cleans to ``empty_share`` (``None`` unless given)."""

    widget = forms.TextInput

    def __init__(self, *, empty_share: Fraction | None = None, **kwargs: Any) -> None:
        self.empty_share = empty_share
        kwargs.setdefault(
            "help_text",
            _("A fraction (2/3), a percentage (50%, 66.5%) or a decimal (0.5)."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"maxlength": "40", "spellcheck": "false", "size": "10"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Fraction | Decimal | int) and not isinstance(value, bool):
            return share_display(as_share(value))
        return value

    def to_python(self, value: Any) -> Fraction | None:
        text = "" if value is None else str(value).strip()
        if text in self.empty_values:
            return self.empty_share
        if len(text) > 40:
            raise ValidationError(INVALID, code="invalid_share")
        return parse_share(text)
