"""The cohort selection list: the ranking of :mod:`iomhub.metrics.selection` for a package (or the
database read as one), as plain rows with each person's breakdown, for ``iomhub select`` and the
web application's Selection page alike.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import narwhals as nw
import polars as pl

from iomhub.domain.dates import Span
from iomhub.domain.harm import SOURCE
from iomhub.domain.selection import SelectionSettings
from iomhub.metrics import selection as metric
from iomhub.package.formulas import quote
from iomhub.package.load import Package
from iomhub.package.problems import PackageError, Problem


@dataclass(frozen=True)
class CategoryCount:
    category: str
    offences: int
    harm: float


@dataclass(frozen=True)
class Candidate:
    """One ranked person and why: the three components, and the offences behind them."""

    rank: int
    nominal_id: str
    family_name: str | None
    given_names: str | None
    area: str | None
    score: float
    recency_points: float
    frequency_points: float
    gravity_points: float
    offences: int
    last_offence_date: date
    days_since_last_offence: int
    harm: float
    by_category: tuple[CategoryCount, ...] = ()

    @property
    def name(self) -> str:
        """``Family, Given`` where the data hold a name, else empty."""
        return ", ".join(part for part in (self.family_name, self.given_names) if part)

    def categories_text(self) -> str:
        """``robbery 2 (730 days); shoplifting 5 (5 days)``: the gravest first."""
        return "; ".join(f"{c.category.replace('_', ' ')} {c.offences} ({days(c.harm)})" for c in self.by_category)


@dataclass(frozen=True)
class SelectionList:
    """The top of the ranking as at a date, with what was left out and the settings used."""

    as_at: date
    as_at_chosen: bool  # False when the date was defaulted (today, or the data's latest offence)
    window: Span
    settings: SelectionSettings
    ranked: int  # people ranked in all (the list holds the first ``top``)
    top: int
    left_out_cohort: int
    left_out_custody: int
    candidates: list[Candidate] = field(default_factory=list)
    today: date = field(default_factory=date.today)

    @property
    def nominal_ids(self) -> list[str]:
        return [c.nominal_id for c in self.candidates]


def days(value: float) -> str:
    """``1,094 days``, ``182.25 days``, ``1 day``: at most two decimals, none when whole."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} day" if text == "1" else f"{text} days"


def latest_offence(package: Package) -> date | None:
    offences = package.tables.get("offences")
    if offences is None or offences.height == 0:
        return None
    latest = offences["offence_date"].max()
    return latest if isinstance(latest, date) else None


def default_as_at(package: Package, today: date) -> date:
    """Today; or, when the data's latest offence is older than the look-back window ending today
    (an old extract), the date of that offence, so that an extract is ranked as at its end."""
    latest = latest_offence(package)
    months = package.settings.selection.look_back_months
    if latest is not None and latest < metric.look_back(today, months).start:
        return latest
    return today


def needs_offences(package: Package) -> None:
    """Refuse, as a bad package is refused, data without offences: there is nothing to rank."""
    if not package.has("offences"):
        raise PackageError([Problem("offences.csv", 0, "", "choosing the cohort needs offences.csv")])


def build_selection(package: Package, *, top: int, as_at: date | None = None, today: date) -> SelectionList:
    """The first ``top`` people of the ranking as at ``as_at`` (default: :func:`default_as_at`)."""
    needs_offences(package)
    day = as_at or default_as_at(package, today)
    settings = package.settings.selection
    tables = {name: nw.from_native(frame.lazy()) for name, frame in package.tables.items()}
    result = metric.select_candidates(tables["offences"], tables["cohort"], tables.get("custody"), tables["nominals"],
                                      as_at=day, settings=settings)
    ranked = result.ranked.collect().to_native()
    assert isinstance(ranked, pl.DataFrame)
    left_out = {row["reason"]: row["people"] for row in _rows(result.left_out)}
    shown = ranked.filter(pl.col("rank") <= top)
    ids = shown["nominal_id"].to_list()
    categories: dict[str, list[CategoryCount]] = {}
    for row in sorted(_rows(result.by_category.filter(nw.col("nominal_id").is_in(ids))),
                      key=lambda r: (-r["harm"], -r["offences"], r["category"])):
        categories.setdefault(row["nominal_id"], []).append(
            CategoryCount(row["category"], int(row["offences"]), float(row["harm"])))
    names = {row["nominal_id"]: row for row in package.tables["nominals"]
             .filter(pl.col("nominal_id").is_in(ids))
             .select("nominal_id", "family_name", "given_names").iter_rows(named=True)}
    candidates = [Candidate(**row, family_name=names.get(row["nominal_id"], {}).get("family_name"),
                            given_names=names.get(row["nominal_id"], {}).get("given_names"),
                            by_category=tuple(categories.get(row["nominal_id"], ())))
                  for row in shown.iter_rows(named=True)]
    return SelectionList(day, as_at is not None, result.window, settings, ranked.height, top,
                         int(left_out.get(metric.COHORT, 0)), int(left_out.get(metric.LONG_CUSTODY, 0)), candidates,
                         today)


def _rows(frame: Any) -> list[dict[str, Any]]:
    native = frame.collect().to_native()
    assert isinstance(native, pl.DataFrame)
    return list(native.iter_rows(named=True))


def summary(result: SelectionList) -> str:
    """One sentence: who was ranked, as at when, and who was left out."""
    shown = len(result.candidates)
    listed = "nobody is listed" if not shown else f"the first {shown:,} {'is' if shown == 1 else 'are'} listed"
    why = "" if result.as_at_chosen else (" (the date of the latest offence in the data)"
                                          if result.as_at < result.today else " (today)")
    return (f"As at {result.as_at:%d/%m/%Y}{why}: {result.ranked:,} "
            f"{'person' if result.ranked == 1 else 'people'} offended in the {result.settings.look_back_months} "
            f"months from {result.window.start:%d/%m/%Y}; "
            f"{listed}. {result.left_out_cohort:,} current cohort member{'s' if result.left_out_cohort != 1 else ''}"
            f" and {result.left_out_custody:,} {'people' if result.left_out_custody != 1 else 'person'} in long "
            f"custody (more than {result.settings.long_custody_days} days to go, or release unknown) were left out.")


def weights_text(settings: SelectionSettings) -> str:
    return ", ".join(f"{name} {settings.weight(name):g}" for name in ("recency", "frequency", "gravity"))


# --- renderers for the command line ------------------------------------------------------------

CSV_COLUMNS = ["rank", "nominal_id", "family_name", "given_names", "area", "score", "recency_points",
               "frequency_points", "gravity_points", "offences", "last_offence_date", "days_since_last_offence",
               "harm", "offences_by_category"]


def to_json(result: SelectionList) -> str:
    """The list as a JSON document: settings, what was left out, and one object per person."""
    document = {
        "report": "iom-selection",
        "as_at": result.as_at.isoformat(),
        "window": {"from": result.window.start.isoformat(), "to": result.window.end.isoformat()},
        "settings": {"look_back_months": result.settings.look_back_months,
                     "long_custody_days": result.settings.long_custody_days,
                     "weights": dict(result.settings.weights), "gravity": dict(result.settings.gravity),
                     "gravity_source": SOURCE},
        "ranked": result.ranked,
        "top": result.top,
        "left_out": {"cohort": result.left_out_cohort, "long_custody": result.left_out_custody},
        "people": [{
            "rank": c.rank, "nominal_id": c.nominal_id, "family_name": c.family_name, "given_names": c.given_names,
            "area": c.area, "score": c.score, "recency_points": c.recency_points,
            "frequency_points": c.frequency_points, "gravity_points": c.gravity_points, "offences": c.offences,
            "last_offence_date": c.last_offence_date.isoformat(), "days_since_last_offence": c.days_since_last_offence,
            "harm": c.harm,
            "offences_by_category": [{"category": k.category, "offences": k.offences, "harm": k.harm}
                                     for k in c.by_category],
        } for c in result.candidates],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_csv(result: SelectionList) -> str:
    """One row per person; the offences by category in one cell. Text that a spreadsheet would
    take for a formula is quoted as every CSV iomhub writes is (``iomhub.package.formulas``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in result.candidates:
        writer.writerow([c.rank, quote(c.nominal_id), quote(c.family_name or ""), quote(c.given_names or ""),
                         quote(c.area or ""), c.score, c.recency_points, c.frequency_points, c.gravity_points,
                         c.offences, c.last_offence_date.isoformat(), c.days_since_last_offence, c.harm,
                         quote(c.categories_text())])
    return out.getvalue()
