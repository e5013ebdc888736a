"""Seed 000 as data: the quarterly performance table "PRIORITY OUTCOME 4 - REDUCING RE-OFFENDING
- PERFORMANCE Q1." (``tests/golden/seeds/000_5f48e57a50c2975d.txt``), as indicators.csv, targets.csv
and actuals.csv of a package.

Every constant quotes the seed line it comes from. The seed reports Q1 of 2014/15 (line 5's
comment: "136 IOM cases in Q1 of 2014/5"), so the periods are ``2014-Q1`` .. ``2014-Q4``. How
each printed target becomes a row of targets.csv:

- "125", "150", ...: kind ``value``.
- "40% over 4 years" (line 6) is a reduction in reoffending of 40%, and the actual "62%" and
  baseline "46%" are reductions too (the seed's text: "The reduction in re-offending has
  improved to 62% over a target of 40% ... against the 2013/4 outturn of 46%"): kind ``value``
  40, unit percent, direction up.
- "9-15%" and "46% - 53%" (lines 9 and 10): kind ``range``.
- "N/A" (line 7): kind ``na``; "TBC" (line 8): kind ``tbc``. Line 8's fourth quarter prints "Т"
  (a Cyrillic capital, the TBC cut short by the extraction); it is read as TBC.
- Line 8's baseline "To be set 2014/5" is no number: an empty baseline.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import write_package

FY = 2014  # seed line 5: "in Q1 of 2014/5"
REPORT_QUARTER = 1  # seed line 1: "PERFORMANCE Q1."
OWNER_GLR = "Gareth Llywelyn- Roberts"  # seed lines 5 and 6, as printed
OWNER_SH = "Sarah Hart"  # seed lines 7-10

# (id, description, owner, unit, direction, baseline)
INDICATORS = (
    # line 5: "Increase the Integrated Offender Management cohort from 70 to 310 cases (by 25 in
    # year 1)	Gareth Llywelyn- Roberts	70"
    ("PO4-1", "Increase the Integrated Offender Management cohort from 70 to 310 cases (by 25 in year 1)",
     OWNER_GLR, "count", "up", 70.0),
    # line 6: "Reduce re-offending for the IOM cohort by 40% over 4 years	Gareth Llywelyn- Roberts	46%"
    ("PO4-2", "Reduce re-offending for the IOM cohort by 40% over 4 years", OWNER_GLR, "percent", "up", 46.0),
    # line 7: "Reoffending rate (early estimate) for the DIP cohort	Sarah Hart	22%"
    ("PO4-3", "Reoffending rate (early estimate) for the DIP cohort", OWNER_SH, "percent", "down", 22.0),
    # line 8: "Reduce the number of females re-entering custody (IOM cohort)	Sarah Hart	To be set 2014/5"
    ("PO4-4", "Reduce the number of females re-entering custody (IOM cohort)", OWNER_SH, "count", "down", None),
    # line 9: "Successful Drug Completions - Opiates	Sarah Hart	11.1%"
    ("PO4-5", "Successful Drug Completions - Opiates", OWNER_SH, "percent", "range", 11.1),
    # line 10: "Successful Drug Completions - Non Opiates	Sarah Hart	47.5%"
    ("PO4-6", "Successful Drug Completions - Non Opiates", OWNER_SH, "percent", "range", 47.5),
)

# Quarterly targets as (kind, value, low, high), Q1..Q4.
TARGETS = {
    "PO4-1": [("value", 125.0, None, None), ("value", 150.0, None, None),  # line 5: 125 ... 150
              ("value", 200.0, None, None), ("value", 250.0, None, None)],  # ... 200 ... 250
    "PO4-2": [("value", 40.0, None, None)] * 4,  # line 6: "40% over 4 years" in every quarter
    "PO4-3": [("na", None, None, None)] * 4,  # line 7: "N/A" in every quarter
    "PO4-4": [("tbc", None, None, None)] * 4,  # line 8: "TBC" x3 and "Т" (TBC cut short)
    "PO4-5": [("range", None, 9.0, 15.0)] * 4,  # line 9: "9-15%" in every quarter
    "PO4-6": [("range", None, 46.0, 53.0)] * 4,  # line 10: "46% - 53%" in every quarter
}

# Q1 actuals and comments (Q2-Q4 are empty in the seed; line 7 prints N/A everywhere).
ACTUALS = {
    # line 5: "136" and "The IOM Unit dealt with 136 IOM cases in Q1 of 2014/5 and is predicted to exceed target"
    "PO4-1": (136.0, "The IOM Unit dealt with 136 IOM cases in Q1 of 2014/5 and is predicted to exceed target"),
    # line 6: "62%"
    "PO4-2": (62.0, "The reoffending behaviour of the cohort is fluid, with a number of judicial interventions "
                    "in progress and a statistically reliable outturn will only be available at year end."),
    # line 7: "N/A" and "Discontinued – Replaced by re- offending rate of DIP IOM Cohort"
    "PO4-3": (None, "Discontinued – Replaced by re- offending rate of DIP IOM Cohort"),
    # line 8: no actual
    "PO4-4": (None, "The number of females is too small to provide a statistically accurate cohort. The IOM "
                    "cohort will be extended in 2014/5 focusing on female offenders."),
    # line 9: "12%"
    "PO4-5": (12.0, "The new service provides smoother referral and transfer between services. Performance is "
                    "within the top quartile."),
    # line 10: "45%"
    "PO4-6": (45.0, "Completions have dropped slightly below the top quartile but the integrated treatment "
                    "system is showing improving outcomes."),
}

# The seed's own verdict (line 14, "Performance Overview"): "All indicators were close to target or
# exceeded target." -- no indicator red.
SEED_VERDICT_NO_RED = "All indicators were close to target or exceeded target."


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return out.getvalue()


def build_package(folder: Path) -> Path:
    """A package with seed 000's framework (and the one-person minimum of nominals and cohort)."""
    indicators = _csv(["indicator_id", "title", "owner", "unit", "direction", "baseline", "metric"],
                      [[*row, None] for row in INDICATORS])
    targets = _csv(["indicator_id", "period", "kind", "value", "low", "high"],
                   [[ident, f"{FY}-Q{quarter}", *target]
                    for ident, quarters in TARGETS.items() for quarter, target in enumerate(quarters, start=1)])
    actuals = _csv(["indicator_id", "period", "actual", "comment"],
                   [[ident, f"{FY}-Q{REPORT_QUARTER}", actual, comment]
                    for ident, (actual, comment) in ACTUALS.items()])
    return write_package(folder, {"indicators": indicators, "targets": targets, "actuals": actuals})
