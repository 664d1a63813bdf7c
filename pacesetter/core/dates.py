"""Dates that record something that has happened (a decision signed, a task done) are
not in the future; a date that is planned may lie ahead, within a stated reach."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from .errors import FieldRuleError

#: The years Pacesetter records (a campaign's, a scoring table's, an award's): the models'
#: validators, the forms and the API's ``Year`` share them.
YEAR_MIN, YEAR_MAX = 1900, 2200
YEAR_VALIDATORS = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]

#: The error code of a date later than a rule allows (``date_in_future``).
DATE_IN_FUTURE = "date_in_future"


def check_not_after(
    field: str, day: dt.date, message: str, *, ahead: dt.timedelta = dt.timedelta(0)
) -> None:
    """Refuse ``day`` on ``field`` when it is later than today (the server's day, in
    TIME_ZONE) plus ``ahead``, with ``message`` and the code ``date_in_future``."""
    if day > timezone.localdate() + ahead:
        raise FieldRuleError(field, message, code=DATE_IN_FUTURE)
