"""The API's input types: every integer the API reads has its range, and no text it
reads holds a NUL character.

A number outside its range answers 422 ``invalid`` naming the field, before any query
runs: an id past 64 bits or a year before year 1 used to reach the database or
``datetime`` and answer 500. The OpenAPI document shows each range
(``core/tests/test_api_input.py`` fails if an integer parameter or body field has none).

NUL characters are refused where the API parses its input (:class:`StrictParser`), for
every JSON body, query string and form field at once: PostgreSQL cannot store them in
text, and nothing a person types holds one. Django's form ``CharField`` already refuses
them (``ProhibitNullCharactersValidator``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from annotated_types import Ge, Le
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .dates import YEAR_MAX, YEAR_MIN
from .shares import INVALID, as_share, parse_share, share_text

ID_MAX = 2**63 - 1  # a BigAutoField's largest value, on SQLite and PostgreSQL alike
INT_MAX = 2**31 - 1  # a PositiveIntegerField's largest value on PostgreSQL
SMALL_MAX = 32767  # a PositiveSmallIntegerField's
PAGE_MAX = 1_000_000

#: A row's id: path parameters, filters and the ids a body names.
Id = Annotated[int, Ge(1), Le(ID_MAX)]
#: A calendar year (of a campaign, a scoring table, an award, a filter), as the models'
#: ``YEAR_VALIDATORS`` allow.
Year = Annotated[int, Ge(YEAR_MIN), Le(YEAR_MAX)]
#: The version an optimistic-concurrency write was read at.
Version = Annotated[int, Ge(0), Le(INT_MAX)]
#: A detail's ``version: Version = VERSION_OUT`` and a change's ``version: Version | None
#: = VERSION_IN`` (see ``core.versions``).
VERSION_OUT: Any = Field(description="Send it back with a change: a stale one is a 409.")
VERSION_IN: Any = Field(
    None, description="The version read; a stale one is a 409 and nothing is changed."
)
#: A position in an ordered list.
Position = Annotated[int, Ge(0), Le(INT_MAX)]
#: A count of people, ballots or things (never negative).
Quantity = Annotated[int, Ge(0), Le(INT_MAX)]
#: A number of days (a window, a delay).
Days = Annotated[int, Ge(0), Le(SMALL_MAX)]


def _share_in(value: Any) -> Fraction:
    """A share sent as text ("2/3", "50%", "0.5") or, as before shares were exact, a
    number between 0 and 1 (0.6667 and 0.3333 read as two-thirds and one-third)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = format(Decimal(str(value)), "f")
    if not isinstance(value, str):
        raise PydanticCustomError("invalid_share", str(INVALID))
    try:
        return parse_share(value, legacy=True)
    except DjangoValidationError as exc:
        raise PydanticCustomError(exc.code or "invalid_share", exc.messages[0]) from None


_SHARE_TEXT = r"\d{1,12}\s*/\s*\d{1,12}|(\d{1,12}([.,]\d{1,12})?|[.,]\d{1,12})\s*[%％]?"

#: A share read by the API (a quorum): "2/3", "50%", "66.5%", "0.5"; old clients' numbers
#: between 0 and 1 still work. See ``core.shares``.
ShareIn = Annotated[
    Fraction,
    PlainValidator(_share_in),
    PlainSerializer(share_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": rf"^\s*({_SHARE_TEXT})\s*$", "maxLength": 40},
                {"type": "number", "minimum": 0, "maximum": 1},
            ],
            "description": "A share: a fraction (2/3), a percentage (50%) or a decimal "
            "between 0 and 1 (0.5).",
            "examples": ["2/3", "50%", "0.5"],
        }
    ),
]
#: A share as the API writes it: the reduced fraction "n/d" ("2/3", "1/2", "0/1").
ShareOut = Annotated[
    Fraction,
    PlainValidator(as_share),
    PlainSerializer(share_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+/\d+$",
            "description": "A share as a reduced fraction: numerator/denominator.",
            "examples": ["2/3", "1/2"],
        }
    ),
]


class Paged(PageNumberPagination):
    """``?page=&page_size=`` with their ranges; a page past the end is an empty page
    (``items`` empty, ``count`` the total), as ninja's own pagination answers."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1, le=settings.API_MAX_PAGE_SIZE)


def nul_locations(data: Any, loc: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """Where ``data`` (parsed JSON or a form value) holds a string with a NUL. Walked
    without recursion: a body nested a thousand deep is the rule checker's to refuse."""
    found: list[tuple[str | int, ...]] = []
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(data, loc)]
    while pending:
        value, where = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and "\x00" in key:
                    found.append((*where, key))
                pending.append((item, (*where, key)))
        elif isinstance(value, list):
            pending.extend((item, (*where, i)) for i, item in enumerate(value))
    return sorted(found, key=str)


def refuse_nul(found: list[tuple[str | int, ...]]) -> None:
    if found:
        message = _("Null characters are not allowed.")  # as core.errors.refuse_nul says
        raise NinjaValidationError(
            [{"loc": place, "msg": message, "type": "null_character"} for place in found]
        )


class NulInBody(ValueError):
    """A JSON body with a NUL in a string; ninja turns a parser's error into a 400, the
    API's handler answers it as the 422 ``invalid`` of :func:`refuse_nul` instead."""

    def __init__(self, error: NinjaValidationError) -> None:
        super().__init__("null character")
        self.error = error


class StrictParser(Parser):
    """ninja's parser, refusing NUL characters in every body, query and form value."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        try:
            refuse_nul(nul_locations(data, ("body",)))
        except NinjaValidationError as exc:
            raise NulInBody(exc) from exc
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        where = "query" if data is request.GET else "form"
        refuse_nul(
            [(where, key) for key, values in data.lists() if nul_locations([key, *values], ())]
        )
        return super().parse_querydict(data, list_fields, request)
