"""Organizations of the coverage register for tests: valid credit codes, made through
the service so that their periods exist."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from pacesetter.coverage.codes import ALPHABET, check_character
from pacesetter.coverage.services import organization_register

_serial = itertools.count(1)


def credit_code(serial: int | None = None) -> str:
    """A valid code: registration authority 9, category 1, division 440114 (Huadu)."""
    number = next(_serial) if serial is None else serial
    body = "91440114" + "".join(ALPHABET[(number // 31**i) % 31] for i in range(8, -1, -1))
    return body + check_character(body)


def organization(town: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "actor": None,
        "town": town,
        "kind": "private",
        "registered_on": dt.date(2023, 1, 1),
        "name": f"Enterprise {next(_serial)}",
        "credit_code": credit_code(),
    }
    values.update(fields)
    return organization_register(**values)
