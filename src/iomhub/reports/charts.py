"""Charts of the report as inline SVG (on a page; an image in Word): pure functions from labels
and numbers to SVG text.

No plotting library and no external resource: each function returns one ``<svg>`` element,
well-formed XML, with a ``<title>`` and a ``<desc>`` that says in words what the chart shows
(and ``role="img"`` with ``aria-labelledby`` so that screen readers announce both). Every
label is escaped. Empty data and zero values draw an empty chart with a message, never a
division by zero. The SVG carries no ``xmlns``: it is meant to be inlined in HTML, where the
namespace is implied.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from iomhub.reports.formatting import decimal_text as decimal_text

WIDTH = 640
FONT = "font-family:Arial,Helvetica,sans-serif"
PALETTE = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d53880", "#28a197", "#505a5f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4")
BEFORE_COLOUR = "#b1b4b6"
AFTER_COLOUR = "#1d70b8"


def without_inline_style(svg: str) -> str:
    """A chart without its one inline style (its font), for a page whose Content-Security-Policy
    refuses inline styles: that page's CSS sets the font."""
    return svg.replace(f' style="{FONT}"', "")


def _text(value: str) -> str:
    """Text escaped for XML content and attribute values."""
    return escape(value, quote=True)


def _number(value: float, places: int | None = None) -> str:
    """A number as an axis or bar label: thousands separators; a whole number without
    decimals unless ``places`` is given, otherwise at most one decimal."""
    if places is not None:
        return decimal_text(value, places)
    if float(value).is_integer():
        return f"{int(value):,}"
    return decimal_text(value, 1)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is >= ``value``; 1 for zero or less (empty axes)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = step * 10.0**exponent
        if candidate >= value - 1e-9:
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _ticks(top: float) -> list[float]:
    """Evenly spaced axis ticks from 0 to ``top`` (> 0, a nice number): 0-5 by 1, 0-250 by 50."""
    mantissa = top / 10.0 ** math.floor(math.log10(top))
    count = 4 if abs(mantissa - 2.0) < 1e-9 else 5
    return [top * i / count for i in range(count + 1)]


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    """The opening of an SVG element with its title and text alternative."""
    ident = _text(chart_id)
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" style="{FONT}">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(description)}</desc>',
    ]


def _empty(chart_id: str, title: str, message: str) -> str:
    """A chart with nothing to draw: its title, and the message in words and on the canvas."""
    parts = _open(chart_id, title, message, 80)
    parts.append(f'<text x="{WIDTH / 2:.0f}" y="45" text-anchor="middle" font-size="14" '
                 f'fill="#505a5f">{_text(message)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


LEGEND_ROW = 18.0


def _legend_width(label: str) -> float:
    return 40 + 7 * len(label)


def _legend_rows(labels: Sequence[str]) -> int:
    """How many rows the legend needs to fit the chart's width."""
    rows, x = 1, 60.0
    for label in labels:
        if x > 60.0 and x + _legend_width(label) > WIDTH - 10:
            rows, x = rows + 1, 60.0
        x += _legend_width(label)
    return rows


def _legend(entries: Sequence[tuple[str, str, str]], y: float) -> list[str]:
    """A legend: (label, colour, dash pattern) for each series, left to right, wrapping onto
    further rows below ``y`` when a row is full."""
    parts: list[str] = []
    x = 60.0
    for label, colour, dash in entries:
        if x > 60.0 and x + _legend_width(label) > WIDTH - 10:
            x, y = 60.0, y + LEGEND_ROW
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 22:.1f}" y2="{y:.1f}" stroke="{colour}" '
                     f'stroke-width="6"{dash_attr}/>')
        parts.append(f'<text x="{x + 28:.1f}" y="{y + 4:.1f}" font-size="12" fill="#0b0c0c">'
                     f'{_text(label)}</text>')
        x += _legend_width(label)
    return parts


def _spaced_labels(labels: Sequence[str], span: float) -> list[int]:
    """The indexes of the category labels to draw so that none overprints another: every one
    when they fit, else every n-th, always the first and the last (the description names all)."""
    if len(labels) < 2:
        return list(range(len(labels)))
    widest = max(len(label) for label in labels) * 12 * 0.6 + 10  # 12px text, about 0.6em a character
    every = max(1, math.ceil(widest / (span / (len(labels) - 1))))
    shown = list(range(0, len(labels), every))
    last = len(labels) - 1
    if shown[-1] != last:
        shown = [index for index in shown if last - index >= every] + [last]
    return shown


def line_chart(chart_id: str, title: str, x_labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float | None]]], *, unit: str = "",
               maximum: float | None = None) -> str:
    """Lines over ordered categories (e.g. dates), one per series, with a legend.

    A missing value (None) breaks the line, as does one withheld for publication (NaN). With a
    single category the points sit in the middle.
    """
    series = [(name, [None if v is None or v != v else v for v in points]) for name, points in series]
    if not x_labels or not series:
        return _empty(chart_id, title, "No data to chart.")
    values = [v for _, points in series for v in points if v is not None]
    top = nice_ceiling(max(values, default=0.0)) if maximum is None else maximum
    legend_rows = _legend_rows([name for name, _ in series])
    height = 300 + int(LEGEND_ROW) * (legend_rows - 1)
    left, right, plot_top, plot_bottom = 60.0, WIDTH - 20.0, 20.0, height - 70.0
    plot_bottom -= LEGEND_ROW * (legend_rows - 1)
    plot_height = plot_bottom - plot_top

    inner_left, inner_right = left + 40.0, right - 40.0  # room for the first and last labels

    def x_at(index: int) -> float:
        if len(x_labels) == 1:
            return (inner_left + inner_right) / 2
        return inner_left + (inner_right - inner_left) * index / (len(x_labels) - 1)

    def y_at(value: float) -> float:
        return plot_bottom - plot_height * value / top

    description = f"{title}. " + " ".join(
        f"{name}: " + ", ".join(f"{'no figure' if v is None else _number(v) + unit} on {label}"
                                for label, v in zip(x_labels, points, strict=False)) + "."
        for name, points in series)
    parts = _open(chart_id, title, description, height)
    parts.extend(_axis_y(top, left, right, y_at, unit))
    for index in _spaced_labels(x_labels, inner_right - inner_left):
        parts.append(f'<text x="{x_at(index):.1f}" y="{plot_bottom + 18:.1f}" text-anchor="middle" '
                     f'font-size="12" fill="#0b0c0c">{_text(x_labels[index])}</text>')
    for number, (name, points) in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        for index, value in enumerate(points[:len(x_labels)]):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            segment.append(f"{x_at(index):.1f},{y_at(value):.1f}")
            parts.append(f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="3.5" fill="{colour}">'
                         f"<title>{_text(name)}, {_text(x_labels[index])}: {_number(value)}{_text(unit)}"
                         "</title></circle>")
        for points_text in segments:
            if len(points_text) > 1:
                parts.append(f'<polyline points="{" ".join(points_text)}" fill="none" stroke="{colour}" '
                             f'stroke-width="2.5"{dash_attr}/>')
    parts.extend(_legend([(name, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)])
                          for i, (name, _) in enumerate(series)], height - 25.0 - LEGEND_ROW * (legend_rows - 1)))
    parts.append("</svg>")
    return "\n".join(parts)


def _axis_y(top: float, left: float, right: float, y_at: Callable[[float], float],
            unit: str) -> list[str]:
    """Horizontal grid lines with value labels on the left."""
    parts: list[str] = []
    for tick in _ticks(top):
        y = y_at(tick)
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
                     f'stroke="{"#0b0c0c" if tick == 0 else "#d8dadb"}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#505a5f">{_number(tick)}{_text(unit)}</text>')
    return parts


def horizontal_bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, float | None]], *,
                         maximum: float | None = None, unit: str = "", places: int | None = None) -> str:
    """One horizontal bar per label, with its value written at the end; None draws no bar and
    says "no figure". ``maximum`` fixes the scale (100 for percentages)."""
    if not bars:
        return _empty(chart_id, title, "No data to chart.")
    values = [v for _, v in bars if v is not None]
    top = maximum if maximum is not None and maximum > 0 else nice_ceiling(max(values, default=0.0))
    bar_height, gap = 22.0, 10.0
    label_width = 250.0
    left, right = label_width + 10, WIDTH - 70.0
    height = int(20 + len(bars) * (bar_height + gap) + 30)
    description = f"{title}. " + "; ".join(
        f"{label}: {'no figure (cannot be computed)' if v is None else _number(v, places) + unit}"
        for label, v in bars) + "."
    parts = _open(chart_id, title, description, height)
    for index, (label, value) in enumerate(bars):
        y = 20 + index * (bar_height + gap)
        parts.append(f'<text x="{label_width:.1f}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#0b0c0c">{_text(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
                         f'fill="#505a5f">no figure</text>')
            continue
        length = (right - left) * max(0.0, min(value, top)) / top
        shown = _number(value, places) + _text(unit)
        parts.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_height:.1f}" '
                     f'fill="{AFTER_COLOUR}"><title>{_text(label)}: {shown}</title></rect>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
                     f'fill="#0b0c0c">{shown}</text>')
    axis_y = 20 + len(bars) * (bar_height + gap)
    parts.append(f'<line x1="{left:.1f}" y1="15" x2="{left:.1f}" y2="{axis_y:.1f}" stroke="#0b0c0c"/>')
    for tick in _ticks(top):
        x = left + (right - left) * tick / top
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16:.1f}" text-anchor="middle" font-size="11" '
                     f'fill="#505a5f">{_number(tick)}{_text(unit)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _wrapped(label: str, width: float) -> list[str]:
    """A label on one line, or on two when it is wider than ``width`` (about 6.5 px a character at
    12 px): split at the space nearest its middle."""
    if len(label) * 6.5 <= width or " " not in label:
        return [label]
    spaces = [i for i, char in enumerate(label) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1:]]


def paired_bar_chart(chart_id: str, title: str, groups: Sequence[tuple[str, float, float]],
                     labels: tuple[str, str] = ("Before", "After")) -> str:
    """Two vertical bars per group (e.g. offences before and after), each with its value."""
    if not groups:
        return _empty(chart_id, title, "No data to chart.")
    top = nice_ceiling(max((max(a, b) for _, a, b in groups), default=0.0))
    height = 300
    left, right, plot_top, plot_bottom = 60.0, WIDTH - 20.0, 20.0, height - 70.0
    plot_height = plot_bottom - plot_top

    def y_at(value: float) -> float:
        return plot_bottom - plot_height * max(0.0, value) / top

    slot = (right - left) / len(groups)
    bar = min(40.0, slot * 0.35)
    description = f"{title}. " + "; ".join(
        f"{name}: {_number(a)} {labels[0].lower()}, {_number(b)} {labels[1].lower()}"
        for name, a, b in groups) + "."
    parts = _open(chart_id, title, description, height)
    parts.extend(_axis_y(top, left, right, y_at, ""))
    for index, (name, before, after) in enumerate(groups):
        centre = left + slot * (index + 0.5)
        for offset, value, colour, which in ((-bar, before, BEFORE_COLOUR, labels[0]),
                                             (0.0, after, AFTER_COLOUR, labels[1])):
            y = y_at(value)
            parts.append(f'<rect x="{centre + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                         f'height="{plot_bottom - y:.1f}" fill="{colour}"><title>{_text(name)}, '
                         f"{_text(which.lower())}: {_number(value)}</title></rect>")
            parts.append(f'<text x="{centre + offset + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                         f'font-size="11" fill="#0b0c0c">{_number(value)}</text>')
        lines = "".join(f'<tspan x="{centre:.1f}" dy="{0 if number == 0 else 13}">{_text(line)}</tspan>'
                        for number, line in enumerate(_wrapped(name, slot - 4.0)))
        parts.append(f'<text x="{centre:.1f}" y="{plot_bottom + 18:.1f}" text-anchor="middle" font-size="12" '
                     f'fill="#0b0c0c">{lines}</text>')
    parts.extend(_legend([(labels[0], BEFORE_COLOUR, ""), (labels[1], AFTER_COLOUR, "")], height - 25.0))
    parts.append("</svg>")
    return "\n".join(parts)


def caseload_chart(chart_id: str, dates: Sequence[str],
                   schemes: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """Chart 1: the caseload of each scheme (and all schemes) on each snapshot date, as lines."""
    return line_chart(chart_id, "Caseload on each snapshot date, by scheme", dates, schemes)


def needs_chart(chart_id: str, pathways: Sequence[tuple[str, float | None]]) -> str:
    """Chart 2: the % of first assessments with a need identified, one bar per pathway (0-100%)."""
    return horizontal_bar_chart(chart_id, "Percentage of first assessments with a need identified, "
                                "by pathway", pathways, maximum=100.0, unit="%", places=1)


def reoffending_chart(chart_id: str, schemes: Sequence[tuple[str, float, float]],
                      labels: tuple[str, str] = ("Baseline", "Period")) -> str:
    """Chart 3: offences of the performance cohort in the baseline and in the period, by scheme."""
    return paired_bar_chart(chart_id, "Offences before and after, by scheme", schemes, labels)


def needs_progress_chart(chart_id: str, points: Sequence[str],
                         pathways: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """Chart 4: the average needs score (0-10) of each pathway at the first assessment and about
    3, 6, 9 and 12 months after it, one line per pathway."""
    return line_chart(chart_id, "Average needs score by pathway, at the first assessment and after",
                      points, pathways, maximum=10.0)
