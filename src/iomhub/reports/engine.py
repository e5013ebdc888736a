"""Which metric makes which table, on any backend: the tables of the report as lazy frames.

``compute_tables`` knows *what* to compute; the caller decides *where* (Polars in-process,
or PySpark) by the frames it passes, and collects the results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from iomhub.domain.dates import snapshot_dates
from iomhub.metrics import caseload, engagement, needs, referrals, reoffending, risk, treatment
from iomhub.metrics.common import Frame
from iomhub.reports.params import ReportParams

SECTIONS: dict[str, tuple[str, ...]] = {
    "reoffending": ("offences",),
    "caseload": (),
    "custody": ("custody",),
    "statutory": ("supervision",),
    "risk": ("risk",),
    "referrals": ("referrals",),
    "engagement": ("meetings", "attendance"),
    "needs": ("needs",),
    "treatment": ("treatment",),
    "flags": ("flags", "offences"),
    "kpis": ("indicators",),
}

TABLE_SECTION = {
    "reoffending_by_scheme": "reoffending",
    "reoffending_by_age": "reoffending",
    "reoffending_by_gender": "reoffending",
    "reoffending_by_area": "reoffending",
    "reoffending_by_flag": "flags",
    "target_attainment": "reoffending",
    "caseload": "caseload",
    "caseload_change": "caseload",
    "caseload_status": "custody",
    "statutory_by_provider": "statutory",
    "risk_tiers": "risk",
    "referrals_by_agency": "referrals",
    "attendance_by_agency": "engagement",
    "needs_first_assessment": "needs",
    "needs_progress": "needs",
    "treatment_completions": "treatment",
    "kpis": "kpis",
}


@dataclass
class Computed:
    tables: dict[str, Frame] = field(default_factory=dict)
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)  # section -> absent tables


def compute_tables(tables: Mapping[str, Frame], params: ReportParams,
                   materialise: Callable[[Frame], Frame] = lambda f: f) -> Computed:
    """Every table of the report that the given canonical tables allow, as lazy frames.

    ``materialise`` is called on intermediate results used by several tables (the
    performance cohort, for one) so that a backend can compute them once.
    """
    out = Computed()
    for section, needed in SECTIONS.items():
        absent = tuple(name for name in needed if name not in tables)
        if absent:
            out.missing[section] = absent
    cohort, nominals = tables["cohort"], tables["nominals"]
    days = snapshot_dates(params.period)
    if "reoffending" not in out.missing:
        performance = materialise(reoffending.performance_cohort(
            cohort, tables["offences"], tables.get("custody"), cohort_date=params.cohort_day,
            baseline=params.baseline_span, period=params.period,
            exclude_custody_beyond=params.exclude_custody_beyond))
        out.tables["reoffending_by_scheme"] = reoffending.reoffending_by_scheme(performance)
        out.tables["reoffending_by_age"] = reoffending.reoffending_by_age(
            performance, nominals, params.cohort_day, params.age_bands)
        out.tables["reoffending_by_gender"] = reoffending.reoffending_by_attribute(
            performance, nominals, "gender")
        out.tables["reoffending_by_area"] = reoffending.reoffending_by_attribute(
            performance, nominals, "area")
        if "flags" not in out.missing:
            out.tables["reoffending_by_flag"] = reoffending.reoffending_by_flag(
                performance, tables["flags"], params.cohort_day)
        if params.target_reduction is not None:
            out.tables["target_attainment"] = reoffending.target_attainment(
                performance, params.target_reduction)
    counts = materialise(caseload.caseload(cohort, nominals, days))
    out.tables["caseload"] = counts
    out.tables["caseload_change"] = caseload.caseload_change(counts, days[0], days[-1])
    if "custody" not in out.missing:
        out.tables["caseload_status"] = caseload.caseload_status(
            cohort, tables["custody"], tables.get("supervision"), days)
    if "statutory" not in out.missing:
        out.tables["statutory_by_provider"] = caseload.statutory_by_provider(
            cohort, tables.get("custody"), tables["supervision"], days)
    if "risk" not in out.missing:
        out.tables["risk_tiers"] = risk.risk_tiers(cohort, tables["risk"], days)
    if "referrals" not in out.missing:
        out.tables["referrals_by_agency"] = referrals.referrals_by_agency(
            tables["referrals"], params.period)
    if "engagement" not in out.missing:
        out.tables["attendance_by_agency"] = engagement.attendance_by_agency(
            tables["meetings"], tables["attendance"], params.period)
    if "needs" not in out.missing:
        out.tables["needs_first_assessment"] = needs.needs_first_assessment(
            tables["needs"], params.period)
        out.tables["needs_progress"] = needs.needs_progress(tables["needs"], params.period)
    if "treatment" not in out.missing:
        out.tables["treatment_completions"] = treatment.treatment_completions(
            tables["treatment"], params.period)
    return out
