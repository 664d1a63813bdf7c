"""The unified social credit code (统一社会信用代码, GB 32100-2015) of an organization.

Eighteen characters of ``0-9`` and the capitals without I, O, Z, S and V: the registration
authority (1), the organization category (2), the administrative division (3 to 8, digits),
the organization code (9 to 17) and a check character (18) over the first seventeen, each
weighted by 3^(i-1) mod 31.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalized(code: str) -> str:
    """The code as stored: capitals, no spaces (people copy it with spaces and hyphens)."""
    return "".join(ch for ch in code.upper() if ch not in " -\u3000")


def validate_credit_code(value: str) -> None:
    code = normalized(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(characters)s."),
            code="credit_code_characters",
            params={"characters": ", ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the division code: digits."),
            code="credit_code_division",
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is mistyped: its check character does not match."),
            code="credit_code_check",
        )
