"""Numbers and dates as people read them, in each language."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from pacesetter.core.formatting import number


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", Decimal("3.2000"), "3.2"),
        ("en", Decimal("78.5000"), "78.5"),
        ("en", Decimal("1200.0000"), "1200"),
        ("en", Decimal("0.0001"), "0.0001"),
        ("vi", Decimal("3.2000"), "3,2"),
        ("zh-hans", Decimal("3.2000"), "3.2"),
        ("en", 12.5, "12.5"),
        ("en", 10, "10"),
        ("en", None, "—"),
        ("en", "not a number", "—"),
    ],
)
def test_a_number_has_no_trailing_zeros_and_the_languages_separator(language, value, shown):
    with translation.override(language):
        assert number(value) == shown
        rendered = Template("{% load core_tags %}{{ value|number }}").render(
            Context({"value": value})
        )
        assert rendered == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "24 Jul 2024"), ("vi", "24-07-2024"), ("zh-hans", "2024年7月24日")],
)
def test_short_dates_read_day_first_or_as_the_language_writes_them(language, shown):
    with translation.override(language):
        assert formats.date_format(datetime.date(2024, 7, 24), "SHORT_DATE_FORMAT") == shown


def test_english_times_use_the_24_hour_clock():
    moment = datetime.datetime(2024, 7, 24, 14, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "24 Jul 2024, 14:30"
