"""The dashboard's headline figures, quarter by quarter (issue 17).

For each financial quarter, the figures a manager reads first, each computed by the same metrics
code, with the same parameters, as the report whose period is that quarter
(``ReportParams(period=quarter)``: its baseline the quarter before, its snapshot the quarter's
last day), so that a tile's figure is the report's figure for that quarter:

- people on IOM on the quarter's last day, by level and by area (``caseload``: ``count``);
- of them, in custody that day (``caseload_status``: ``count`` of ``custody``, every level);
- offences per 365 days at liberty in the quarter, of the report's performance cohort: those on
  IOM on its first day who offended in the quarter before (``time_at_risk``, ``fixed_period``,
  ``all``: ``rate_after``);
- referrals made in the quarter and the share of those decided that were accepted
  (``referrals_by_agency``, ``all``);
- meeting attendance: the share of agencies' invitations to meetings held in the quarter that
  were attended (``attendance_by_agency``: attended over invited, summed over agencies);
- the performance framework's RAG of the quarter's report (``kpis``: rows by ``rag``).

Only the cheap parts of the report are computed (no matching, no intervals), so eight quarters
take a fraction of one report. Operational counts that are not the report's (reassessments and
actions overdue) are the web application's (``web/performance/headline.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import narwhals as nw
import polars as pl

from iomhub.domain.dates import Span, financial_quarter, financial_year_of, snapshot_dates
from iomhub.metrics import caseload, custody, effect, engagement, kpis, referrals, reoffending, treatment
from iomhub.metrics import effect_estimates as estimates
from iomhub.metrics.uncertainty import Resampling
from iomhub.reports.estimates import columns
from iomhub.reports.model import figures
from iomhub.reports.params import ReportParams

ALL = "all"
LEVELS = ("priority", "enhanced", "standard")
RAGS = ("green", "amber", "red")
QUARTERS_SHOWN = 8
_POINT_ONLY = Resampling(replicates=20)  # the rate's point estimate does not depend on resampling


@dataclass(frozen=True)
class Quarter:
    """A financial quarter: ``2026-Q2`` (July to September 2026 with an April year)."""

    year: int
    number: int
    span: Span

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def short(self) -> str:
        return f"Q{self.number} {self.year % 100:02d}/{(self.year + 1) % 100:02d}"


def quarter_of(day: date, start_month: int = 4) -> Quarter:
    """The financial quarter containing ``day``."""
    year = financial_year_of(day, start_month)
    for number in range(1, 5):
        span = financial_quarter(year, number, start_month)
        if span.contains(day):
            return Quarter(year, number, span)
    raise AssertionError(f"{day} is in no quarter of {year}")  # pragma: no cover - four quarters cover a year


def quarters_to(last: Quarter, count: int = QUARTERS_SHOWN, start_month: int = 4) -> list[Quarter]:
    """The ``count`` quarters ending with ``last``, oldest first."""
    out = [last]
    while len(out) < count:
        out.append(quarter_of(out[-1].span.start - timedelta(days=1), start_month))
    return out[::-1]


@dataclass
class QuarterFigures:
    """The headline figures of one quarter (None where the data hold no such records)."""

    quarter: Quarter
    on_iom: dict[str, int] = field(default_factory=dict)  # level (and "all") -> people
    on_iom_by_area: dict[str, int] = field(default_factory=dict)  # area code -> people
    in_custody: int | None = None
    in_custody_by_level: dict[str, int] = field(default_factory=dict)
    rate_at_liberty: float | None = None
    rate_by_level: dict[str, float | None] = field(default_factory=dict)
    referrals: int | None = None
    accepted: int | None = None
    acceptance_pct: float | None = None
    attended: int | None = None
    invited: int | None = None
    attendance_pct: float | None = None
    rag: dict[str, int] = field(default_factory=dict)  # green/amber/red -> indicators


def _collect(frame: Any) -> pl.DataFrame:
    native = frame.collect().to_native() if hasattr(frame, "collect") else frame.to_native()
    assert isinstance(native, pl.DataFrame)
    return native


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def _performance(lazy: Mapping[str, Any], params: ReportParams) -> pl.DataFrame:
    return _collect(reoffending.performance_cohort(
        lazy["cohort"], lazy["offences"], lazy.get("custody"), cohort_date=params.cohort_day,
        baseline=params.baseline_span, period=params.period))


def _figure_tables(lazy: Mapping[str, Any], params: ReportParams,
                   performance: pl.DataFrame | None) -> dict[str, pl.DataFrame]:
    """The report's tables that its named figures (``reports.tables.FIGURES``) come from."""
    last = snapshot_dates(params.period)[-1]
    out = {"caseload": _collect(caseload.caseload(lazy["cohort"], lazy["nominals"], [last]))}
    if performance is not None:
        out["reoffending_by_scheme"] = _collect(reoffending.reoffending_by_scheme(nw.from_native(performance.lazy())))
    if "referrals" in lazy:
        out["referrals_by_agency"] = _collect(referrals.referrals_by_agency(lazy["referrals"], params.period))
    if "treatment" in lazy:
        out["treatment_completions"] = _collect(treatment.treatment_completions(lazy["treatment"], params.period))
    return out


def framework_figures(tables: Mapping[str, pl.DataFrame], span: Span) -> dict[str, float | None]:
    """The named figures (``reports.model.figures``) of the report whose period is ``span``, from
    the tables they come from only: what a performance-framework indicator takes as its actual."""
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in tables.items()}
    params = ReportParams(span)
    performance = _performance(lazy, params) if "offences" in lazy else None
    return figures(_figure_tables(lazy, params, performance), snapshot_dates(span)[-1])


def quarter_figures(tables: Mapping[str, pl.DataFrame], quarter: Quarter, start_month: int = 4) -> QuarterFigures:
    """The headline figures of ``quarter`` from a package's canonical tables."""
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in tables.items()}
    params = ReportParams(quarter.span)
    last = snapshot_dates(params.period)[-1]
    out = QuarterFigures(quarter)
    performance = _performance(lazy, params) if "offences" in lazy else None
    report_tables = _figure_tables(lazy, params, performance)
    counts = report_tables["caseload"]
    for row in counts.iter_rows(named=True):
        if row["area"] == ALL:
            out.on_iom[row["scheme"]] = int(row["count"])
        elif row["scheme"] == ALL:
            out.on_iom_by_area[row["area"]] = int(row["count"])
    out.on_iom.setdefault(ALL, 0)
    if "custody" in lazy:
        status = _collect(caseload.caseload_status(lazy["cohort"], lazy["custody"], lazy.get("supervision"), [last]))
        inside = status.filter(pl.col("status") == "custody")
        out.in_custody = int(inside["count"].sum())
        out.in_custody_by_level = {row["scheme"]: int(row["count"]) for row in inside.iter_rows(named=True)}
    if performance is not None:
        spans = custody.custody_spans(lazy["custody"], params.period.end) if "custody" in lazy else None
        fixed = _collect(effect.fixed_period_outcomes(nw.from_native(performance.lazy()), spans,
                                                      params.baseline_span, params.period))
        if fixed.height:
            rows = estimates.time_at_risk_rows(columns(fixed), _POINT_ONLY)
            out.rate_at_liberty = next(row["rate_after"] for row in rows if row["scheme"] == ALL)
            out.rate_by_level = {row["scheme"]: row["rate_after"] for row in rows if row["scheme"] != ALL}
    if "referrals_by_agency" in report_tables:
        agencies = report_tables["referrals_by_agency"]
        total = agencies.filter(pl.col("agency") == ALL)
        if total.height:
            out.referrals, out.accepted = int(total["referrals"][0]), int(total["accepted"][0])
            out.acceptance_pct = total["acceptance_pct"][0]
    if "meetings" in lazy and "attendance" in lazy:
        attendance = _collect(engagement.attendance_by_agency(lazy["meetings"], lazy["attendance"], params.period))
        out.attended, out.invited = int(attendance["attended"].sum()), int(attendance["invited"].sum())
        out.attendance_pct = _pct(out.attended, out.invited)
    if "indicators" in lazy:
        rows = kpis.kpis(lazy["indicators"], lazy.get("targets"), lazy.get("actuals"), params.period,
                         figures(report_tables, last), start_month, lazy.get("rag_overrides"))
        out.rag = {rag: sum(1 for row in rows if row["rag"] == rag) for rag in RAGS}
    return out


def headline(tables: Mapping[str, pl.DataFrame], quarters: list[Quarter],
             start_month: int = 4) -> list[QuarterFigures]:
    """The headline figures of each of ``quarters``, in their order."""
    return [quarter_figures(tables, quarter, start_month) for quarter in quarters]
