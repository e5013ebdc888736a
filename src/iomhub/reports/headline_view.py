"""The dashboard's view model (issue 17): headline tiles, their sparklines and the trends, as
words and numbers ready to show; the template computes nothing (docs/report-model.md).

A tile holds the quarter's figure as text, its change on the previous quarter in words (a
difference of counts, of points for a percentage), the last eight quarters as a sparkline (an
SVG line with a marker on each quarter and the latest one ringed, so it reads without colour)
and the same eight values as a table for screen readers and print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from iomhub.reports.charts import line_chart
from iomhub.reports.formatting import (
    MINUS,
    change_words,
    format_decimal,
    format_int,
    format_pct,
    humanise,
    long_date,
    points_text,
)
from iomhub.reports.headline import ALL, LEVELS, RAGS, QuarterFigures

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 160, 40, 5


@dataclass(frozen=True)
class Point:
    label: str  # the quarter: "Q2 2026/27"
    value: float | None
    text: str  # the value as shown: "352", "64.2%", "—"


@dataclass
class Tile:
    """One headline tile; ``key`` names it for drill-down and tests."""

    key: str
    title: str
    value: str
    raw: float | None  # the figure itself, as the report's JSON has it
    caption: str  # what the figure is, in words
    change: str  # on the previous quarter, in words
    points: list[Point]
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, figure) lines under the figure
    sparkline: str = ""


def _dash(value: float | None, show: Callable[[float], str]) -> str:
    return "—" if value is None else show(value)


def _change(current: float | None, previous: float | None, points: bool) -> str:
    if current is None or previous is None:
        return "No figure for the previous quarter to compare with"
    difference = current - previous
    if points:
        if abs(difference) < 0.05:
            return "No change on the previous quarter"
        return f"{points_text(difference)} on the previous quarter"
    if abs(difference) < 0.005:
        return "No change on the previous quarter"
    if float(difference).is_integer():
        words = f"{MINUS if difference < 0 else '+'}{format_int(abs(difference))}"
    else:
        words = f"{MINUS if difference < 0 else '+'}{format_decimal(abs(difference))}"
    return f"{words} on the previous quarter"


def sparkline(title: str, points: Sequence[Point]) -> str:
    """A small SVG line of ``points`` (gaps where a value is missing), a marker on each and a
    ring on the last; its title and description name every value (``role="img"``)."""
    values = [p.value for p in points]
    known = [v for v in values if v is not None]
    description = "; ".join(f"{p.label}: {p.text}" for p in points)
    head = (f'<svg class="iom-sparkline" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
            f'height="{SPARK_HEIGHT}" role="img" aria-label="{escape(title)}: {escape(description)}" '
            f'xmlns="http://www.w3.org/2000/svg">')
    if not known:
        return head + "</svg>"
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return SPARK_PAD + index * step, y

    parts, run = [head], list[str]()
    for index, value in enumerate([*values, None]):
        if value is None:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="#0b0c0c" stroke-width="1.5" points="{" ".join(run)}"/>')
            run = []
            continue
        x, y = xy(index, value)
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#0b0c0c"/>')
    last = max(i for i, v in enumerate(values) if v is not None)
    x, y = xy(last, values[last] or 0.0)
    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="none" stroke="#0b0c0c" stroke-width="1.5"/>')
    return "".join(parts) + "</svg>"


def _tile(key: str, title: str, caption: str, quarters: Sequence[QuarterFigures],
          value: Callable[[QuarterFigures], float | None], show: Callable[[float], str], *,
          pct: bool = False, details: list[tuple[str, str]] | None = None) -> Tile:
    points = [Point(q.quarter.label, value(q), _dash(value(q), show)) for q in quarters]
    current = points[-1].value
    previous = points[-2].value if len(points) > 1 else None
    tile = Tile(key, title, points[-1].text, current, caption, _change(current, previous, pct), points,
                details or [])
    tile.sparkline = sparkline(title, points)
    return tile


def tiles(quarters: Sequence[QuarterFigures], overdue: Sequence[tuple[int, int | None]] | None = None,
          matched: Sequence[tuple[str, str]] = ()) -> list[Tile]:
    """The headline tiles of the last of ``quarters`` (oldest first), with ``overdue`` the
    reassessments and actions overdue at the end of each quarter (today for the current one;
    actions None where their history is not kept) and ``matched`` the lines of the report's
    matched estimate (``matched_lines``) shown under the offending tile."""
    now = quarters[-1]
    position = {id(q): index for index, q in enumerate(quarters)}
    out = [
        _tile("on_iom", "People on IOM", f"on {long_date(now.quarter.span.end)}, every level", quarters,
              lambda q: q.on_iom.get(ALL), format_int,
              details=[(humanise(level), format_int(now.on_iom.get(level, 0))) for level in LEVELS]),
        _tile("in_custody", "In custody", "of the people on IOM, on the same day", quarters,
              lambda q: q.in_custody, format_int),
        _tile("rate_at_liberty", "Offending per person at liberty",
              "offences per 365 days out of custody in the quarter, of those on IOM at its start who "
              "offended in the quarter before (the report's performance cohort)", quarters,
              lambda q: q.rate_at_liberty, format_decimal, details=list(matched)),
        _tile("acceptance", "Referrals accepted", "of the quarter's referrals decided (accepted or rejected)",
              quarters, lambda q: q.acceptance_pct, format_pct, pct=True,
              details=[("Referrals made", _dash(now.referrals, format_int)),
                       ("Accepted", _dash(now.accepted, format_int))]),
        _tile("attendance", "Meeting attendance", "of agencies' invitations to the quarter's meetings, attended",
              quarters, lambda q: q.attendance_pct, format_pct, pct=True),
    ]
    if overdue is not None:
        by_quarter = list(overdue)
        reassessments = _tile("overdue", "Reassessments overdue", "people on IOM whose needs review is overdue",
                              quarters, lambda q: float(by_quarter[position[id(q)]][0]), format_int)
        actions = by_quarter[-1][1]
        reassessments.details = [("Case actions overdue today", _dash(actions, format_int))]
        out.append(reassessments)
    rag = _tile("rag", "Performance framework", "the quarter's indicators by RAG (the line: those at red)", quarters,
                lambda q: float(q.rag.get("red", 0)) if q.rag else None, format_int,
                details=[(humanise(colour), format_int(now.rag.get(colour, 0))) for colour in RAGS])
    rag.value = " · ".join(f"{format_int(now.rag.get(colour, 0))} {colour}" for colour in RAGS)
    out.append(rag)
    return out


@dataclass
class Trend:
    """A chart of quarterly series (one line per level or area) and its numbers as a table."""

    title: str
    svg: str
    header: list[str]
    rows: list[list[str]]


Getter = Callable[[QuarterFigures, str], float | None]


def trends(quarters: Sequence[QuarterFigures], area_names: dict[str, str] | None = None) -> list[Trend]:
    """Small multiples, quarter by quarter: people on IOM by level and by area, in custody by
    level, offending per person at liberty by level (the level on the quarter's first day). Each
    chart's lines have their own dash pattern and legend; each has its table."""
    labels = [q.quarter.short for q in quarters]
    names = area_names or {}
    areas = sorted({area for q in quarters for area in q.on_iom_by_area})
    out = []
    charts: list[tuple[str, str, list[str], Getter, Callable[[str], str], Callable[[float], str]]] = [
        ("trend-level", "People on IOM by level", list(LEVELS), lambda q, k: _float(q.on_iom.get(k)), humanise,
         format_int),
        ("trend-area", "People on IOM by area", areas, lambda q, k: _float(q.on_iom_by_area.get(k)),
         lambda k: names.get(k, humanise(k)), format_int),
        ("trend-custody", "In custody by level", list(LEVELS), lambda q, k: _float(q.in_custody_by_level.get(k)),
         humanise, format_int),
        ("trend-liberty", "Offending per person at liberty by level", list(LEVELS),
         lambda q, k: q.rate_by_level.get(k), humanise, format_decimal)]
    for chart_id, title, keys, get, name, show in charts:
        series = [(name(key), [get(q, key) for q in quarters]) for key in keys]
        svg = line_chart(chart_id, title, labels, series)
        rows = [[q.quarter.label, *[_dash(get(q, key), show) for key in keys]] for q in quarters]
        out.append(Trend(title, svg, ["Quarter", *[name(key) for key in keys]], rows))
    return out


def matched_lines(row: dict[str, object] | None, period: str) -> list[tuple[str, str]]:
    """The report's matched estimate (``effect_estimate``, ``matched_did``) for ``period`` as
    two lines: the change against similar people not on IOM, and whether it can be relied on
    (``row`` None: the report is not computed yet)."""
    if row is None:
        return [(f"Matched estimate ({period})", "not computed yet: see the Report page")]
    if row.get("estimate_pct") is None:
        return [(f"Matched estimate ({period})", "none: the Report page says why")]
    estimate = row["estimate_pct"]
    assert isinstance(estimate, float | int)
    return [(f"Matched estimate ({period})", f"{change_words(float(estimate))} than similar people not on IOM"),
            ("Can it be relied on?", "Yes" if row.get("reliable") else "No: see the Report page for why")]


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def pct_text(value: float | None) -> str:
    return _dash(value, format_pct)
