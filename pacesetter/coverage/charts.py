"""The rates page's charts, server-rendered SVG: the rates by group as bars (the shared
bar chart of the ranking) and the trend of the rates over quarter ends as lines, each
line with its own marker and its value printed, so that colour is not needed to read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pacesetter.core.formatting import percent

WIDTH = 720
HEIGHT = 260
LEFT = 48
RIGHT = 16
TOP = 16
BOTTOM = 40
#: Markers and dash patterns, one per line: told apart without colour.
STYLES = (("circle", ""), ("square", "6 4"), ("diamond", "2 3"))


class Series(NamedTuple):
    label: str
    values: Sequence[Decimal | None]  # shares 0..1, one per date


def quarter_ends(at: dt.date, count: int = 8) -> list[dt.date]:
    """The last ``count`` quarter ends up to ``at``, oldest first, ending with ``at``
    itself when it is not a quarter end."""
    ends: list[dt.date] = []
    year, quarter = at.year, (at.month - 1) // 3 + 1
    while len(ends) < count - 1:
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(next_first - dt.timedelta(days=1))
    return [*reversed(ends), at]


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
    if kind == "diamond":
        corners = (
            f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f}"
        )
        return f'<path d="{corners} Z"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"/>'


def trend_chart(
    dates: Sequence[dt.date], series: Sequence[Series], *, title: str, description: str
) -> SafeString:
    """Lines of shares over ``dates`` (0 to 100 %), with a legend and each last value
    printed; every text is escaped."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(dates) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: Decimal) -> float:
        return TOP + plot_h * (1 - float(v))

    parts = [
        f'<svg class="chart trend" role="img" viewBox="0 0 {WIDTH} {HEIGHT + 20 * len(series)}" '
        f'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">{escape(description)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        ty = y(Decimal(tick) / 100)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick}%</text>'
        )
    for i, day in enumerate(dates):
        parts.append(
            f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{escape(day.strftime('%Y-%m'))}</text>"
        )
    for index, line in enumerate(series):
        marker, dash = STYLES[index % len(STYLES)]
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<g class="series series-{index}">'
                f'<polyline fill="none" points="{path}"{dash_attr}/>'
                + "".join(_marker(marker, px, py) for px, py in points)
                + "</g>"
            )
            last = next(v for v in reversed(line.values) if v is not None)
            lx, ly = points[-1]
            parts.append(
                f'<text class="value" x="{lx - 6:.1f}" y="{ly - 8:.1f}" text-anchor="end">'
                f"{escape(percent(last))}</text>"
            )
        ly = HEIGHT + 20 * index + 4
        parts.append(
            f'<g class="series series-{index} legend">{_marker(marker, LEFT + 6, ly)}</g>'
            f'<text x="{LEFT + 18}" y="{ly + 4}">{escape(line.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
