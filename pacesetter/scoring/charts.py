"""Server-rendered SVG charts: no JavaScript, no external files, readable by screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
LABEL_WIDTH = 250
VALUE_WIDTH = 70
BAR_HEIGHT = 18
ROW_HEIGHT = 26
TOP = 8
LABEL_CHARS = 30  # about 7 px a character at 13 px: fits the 242 px before the bars


class Bar(NamedTuple):
    label: str
    value: Decimal | float | None
    #: Drawn in the muted colour (for example a unit that is ineligible).
    muted: bool = False


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(value: Decimal | float | None, decimals: int) -> str:
    if value is None:
        return "—"
    return str(number_format(Decimal(str(value)), decimals))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    id_prefix: str = "chart",
    scale_max: Decimal | float = 100,
    suffix: str = "%",
    decimals: int = 1,
) -> SafeString:
    """A horizontal bar chart as inline SVG markup.

    Bars are scaled to ``scale_max`` or the largest value, whichever is larger;
    negative values draw no bar and a missing value is shown as "—". Every label
    and text is escaped; the full label of a shortened name is in the bar's
    ``<title>``. ``<svg role="img">`` is named by its ``<title>`` and ``<desc>``.
    """
    largest = max([float(b.value) for b in bars if b.value is not None] + [float(scale_max)])
    largest = largest or 1.0
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'style="max-width:{WIDTH}px;font:13px system-ui,sans-serif">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        # Gridlines at 0, 50% and 100% of the scale.
        *(
            f'<line x1="{LABEL_WIDTH + bar_area * f:.1f}" y1="{TOP / 2}" '
            f'x2="{LABEL_WIDTH + bar_area * f:.1f}" y2="{height - TOP / 2}" '
            f'stroke="#d9dee5" stroke-width="1"/>'
            for f in (0.0, 0.5, 1.0)
        ),
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        value = float(bar.value) if bar.value is not None else 0.0
        length = max(value, 0.0) / largest * bar_area
        shown = _number(bar.value, decimals) + (suffix if bar.value is not None else "")
        colour = "#8a94a3" if bar.muted else "#b3261e"
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(shown)}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" '
            f'fill="#1d2530">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}" rx="2"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT - 4}" '
            f'fill="#1d2530">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
