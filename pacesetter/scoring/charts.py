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


def _short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _number(value: Decimal | float | None, decimals: int) -> str:
    if value is None:
        return "—"
    return str(number_format(Decimal(str(value)), decimals))


#: The compact layout for phones: each label on its own line above its bar, so that
#: the chart is drawn near its own size (13 px text) in a 390 px window.
COMPACT_WIDTH = 360
COMPACT_VALUE_WIDTH = 64
COMPACT_ROW_HEIGHT = 40
COMPACT_LABEL_CHARS = 48


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
    """A horizontal bar chart as inline SVG markup, drawn twice: labels beside the bars
    (``chart-wide``) and labels above them (``chart-compact``); the style sheet shows one
    by the window's width, so the labels keep their size on a phone.

    Bars are scaled to ``scale_max`` or the largest value, whichever is larger;
    negative values draw no bar and a missing value is shown as "—". Every label
    and text is escaped; the full label of a shortened name is in the bar's
    ``<title>``. Each ``<svg role="img">`` is named by its ``<title>`` and ``<desc>``.
    """
    largest = max([float(b.value) for b in bars if b.value is not None] + [float(scale_max)])
    largest = largest or 1.0
    common = (bars, title, description, largest, suffix, decimals)
    return mark_safe(  # noqa: S308 - every interpolated text is escaped in _svg
        _svg(*common, id_prefix=id_prefix, compact=False)
        + _svg(*common, id_prefix=f"{id_prefix}-compact", compact=True)
    )


def _svg(
    bars: Sequence[Bar],
    title: str,
    description: str,
    largest: float,
    suffix: str,
    decimals: int,
    *,
    id_prefix: str,
    compact: bool,
) -> str:
    width = COMPACT_WIDTH if compact else WIDTH
    left = 0 if compact else LABEL_WIDTH
    row = COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT
    bar_top = 20 if compact else 0  # the label's line, above the bar
    chars = COMPACT_LABEL_CHARS if compact else LABEL_CHARS
    bar_area = width - left - (COMPACT_VALUE_WIDTH if compact else VALUE_WIDTH)
    height = TOP * 2 + row * max(len(bars), 1)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="chart {"chart-compact" if compact else "chart-wide"}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'style="max-width:{width}px;font:13px system-ui,sans-serif">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        # Gridlines at 0, 50% and 100% of the scale.
        *(
            f'<line x1="{left + bar_area * f:.1f}" y1="{TOP / 2}" '
            f'x2="{left + bar_area * f:.1f}" y2="{height - TOP / 2}" '
            f'stroke="#d9dee5" stroke-width="1"/>'
            for f in (0.0, 0.5, 1.0)
        ),
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * row
        value = float(bar.value) if bar.value is not None else 0.0
        length = max(value, 0.0) / largest * bar_area
        shown = _number(bar.value, decimals) + (suffix if bar.value is not None else "")
        colour = "#8a94a3" if bar.muted else "#b3261e"
        label = escape(_short(bar.label, chars))
        if compact:
            text = f'<text x="0" y="{y + 14}" fill="#1d2530">{label}</text>'
        else:
            text = (
                f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" '
                f'fill="#1d2530">{label}</text>'
            )
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(shown)}</title>{text}"
            f'<rect x="{left}" y="{y + bar_top}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}" rx="2"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + bar_top + BAR_HEIGHT - 4}" '
            f'fill="#1d2530">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
