"""A partnership's performance framework and delivery action plan, in the shape of seeds 000/001."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from iomhub.domain.dates import financial_quarter

# (id, title, owner, unit, direction, baseline, metric)
INDICATORS = (
    ("IOM1", "Reduce reoffending by the IOM performance cohort (% reduction)", "IOM Board", "percent",
     "up", None, "reoffending_reduction_pct"),
    ("IOM2", "Number of offenders managed under IOM", "IOM Manager", "count", "up", 300.0, "cohort_size"),
    ("IOM3", "Successful completions of opiate treatment (%)", "Drug and Alcohol Team", "percent",
     "range", 7.0, "successful_completions_opiate_pct"),
    ("IOM4", "Referrals accepted at the single referral meeting (%)", "IOM Manager", "percent", "up",
     None, "referral_acceptance_pct"),
    ("IOM5", "Serious acquisitive crime in the partnership area", "Police", "count", "down", 1200.0, None),
    ("IOM6", "Offenders in suitable accommodation at end of order (%)", "Probation", "percent", "up",
     78.0, None),
    ("IOM7", "Offenders in employment at end of order (%)", "Probation", "percent", "up", None, None),
)

OUTCOMES = (
    "Reduce reoffending by the most prolific offenders",
    "Improve access to pathways out of offending",
    "Strengthen partnership working",
)
ACTIONS = (
    (0, "Review the IOM cohort selection matrix", "Matrix agreed by the IOM board", "Police"),
    (0, "Introduce a daily intelligence briefing on the cohort", "Briefing running in all areas", "Police"),
    (0, "Extend the cohort to include young adults leaving the YOS", "Transition protocol signed", "YOS"),
    (1, "Agree an accommodation pathway with the council", "Protocol signed", "Council"),
    (1, "Embed drug workers in the IOM office", "Two workers co-located", "Drug and Alcohol Team"),
    (1, "Develop employment routes with local employers", "Ten placements offered", "CRC"),
    (1, "Deliver a female offender pathway", "Pathway launched", "NPS"),
    (2, "Produce the quarterly performance report from iomhub", "Report to each board", "Community Safety"),
    (2, "Agree information-sharing agreements across agencies", "ISA signed by all partners", "Police"),
    (2, "Improve health attendance at case management meetings", "Attendance over 60%", "Health"),
)
STATUSES = ("green", "amber_green", "amber", "amber_red", "red", "complete")


def _years(start: date, end: date) -> list[int]:
    first = start.year if start.month >= 4 else start.year - 1
    last = end.year if end.month >= 4 else end.year - 1
    return list(range(first, last + 1))


def framework(start: date, end: date, rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    """Indicators, targets (value, range, change, n/a, tbc) and typed quarterly actuals."""
    years = _years(start, end)
    indicators = pl.DataFrame(
        [dict(zip(("indicator_id", "title", "owner", "unit", "direction", "baseline", "metric"), row,
                  strict=True)) for row in INDICATORS],
        schema={"indicator_id": pl.String, "title": pl.String, "owner": pl.String, "unit": pl.String,
                "direction": pl.String, "baseline": pl.Float64, "metric": pl.String})
    targets: list[dict[str, object]] = []
    actuals: list[dict[str, object]] = []
    for number, year in enumerate(years):
        fy = str(year)
        targets += [
            {"indicator_id": "IOM1", "period": fy, "kind": "value", "value": 17.0},
            {"indicator_id": "IOM2", "period": fy, "kind": "change", "value": round(0.1 * (number + 1), 2)},
            {"indicator_id": "IOM3", "period": fy, "kind": "range", "low": 9.0, "high": 15.0},
            {"indicator_id": "IOM4", "period": fy, "kind": "value", "value": 60.0},
            {"indicator_id": "IOM7", "period": fy, "kind": "tbc"},
        ]
        for quarter in range(1, 5):
            if financial_quarter(year, quarter).start > end:
                continue
            code = f"{year}-Q{quarter}"
            targets.append({"indicator_id": "IOM5", "period": code, "kind": "change", "value": -0.05})
            targets.append({"indicator_id": "IOM6", "period": code, "kind": "value", "value": 80.0})
            if financial_quarter(year, quarter).end <= end:
                actuals.append({"indicator_id": "IOM5", "period": code,
                                "actual": float(rng.integers(1050, 1250)), "comment": None})
                actuals.append({"indicator_id": "IOM6", "period": code,
                                "actual": float(np.round(rng.uniform(70, 90), 1)),
                                "comment": "Figure from the probation case management system"})
        actuals.append({"indicator_id": "IOM7", "period": fy, "actual": None,
                        "comment": "Data not yet available from the providers"})
    target_schema = {"indicator_id": pl.String, "period": pl.String, "kind": pl.String,
                     "value": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    actual_schema = {"indicator_id": pl.String, "period": pl.String, "actual": pl.Float64,
                     "comment": pl.String}
    return {
        "indicators": indicators,
        "targets": pl.DataFrame(targets, schema=target_schema),
        "actuals": pl.DataFrame(actuals, schema=actual_schema),
        "rag_overrides": rag_overrides(years[0], end),
    }


def rag_overrides(year: int, end: date) -> pl.DataFrame:
    """A manager's manual RAG overrides of the first year's first quarter: one in force (IOM6),
    and one set then withdrawn (IOM5), as the history keeps them."""
    decided = min(financial_quarter(year, 1).end + timedelta(days=20), end)
    code = f"{year}-Q1"
    rows = [
        ("RAG-0001", "IOM6", code, "green", None, "The case management system under-counted contacts "
         "during the migration; the corrected figure meets the target", decided, "probation.manager"),
        ("RAG-0002", "IOM5", code, "amber", None, "Figure awaiting validation by the force", decided,
         "probation.manager"),
        ("RAG-0003", "IOM5", code, None, "amber", "Validated: the computed status stands",
         decided + timedelta(days=1), "probation.manager"),
    ]
    return pl.DataFrame(rows, orient="row", schema={
        "override_id": pl.String, "indicator_id": pl.String, "period": pl.String, "rag": pl.String,
        "rag_from": pl.String, "reason": pl.String, "decided_on": pl.Date, "decided_by": pl.String})


def actions(start: date, end: date, rng: np.random.Generator) -> pl.DataFrame:
    """The delivery action plan: milestones with due quarters, leads and five-point status."""
    years = _years(start, end)
    last_year = years[-1]
    rows = []
    for number, (outcome, action, milestone, lead) in enumerate(ACTIONS, start=1):
        quarter = int(rng.integers(1, 5))
        status = STATUSES[int(rng.choice(6, p=[0.3, 0.2, 0.15, 0.1, 0.05, 0.2]))]
        rows.append({
            "action_id": f"A{number:02d}",
            "outcome": OUTCOMES[outcome],
            "action": action,
            "milestone": milestone,
            "due": f"{last_year}-Q{quarter}",
            "lead": lead,
            "strategic_links": "Police and Crime Plan; Reducing Reoffending Strategy",
            "status": status,
            "comment": None if status == "complete" else "On track subject to partner capacity",
            "updated_on": end,
        })
    return pl.DataFrame(rows, schema={
        "action_id": pl.String, "outcome": pl.String, "action": pl.String, "milestone": pl.String,
        "due": pl.String, "lead": pl.String, "strategic_links": pl.String, "status": pl.String,
        "comment": pl.String, "updated_on": pl.Date})
