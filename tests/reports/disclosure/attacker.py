"""A determined reader of a published JSON report, written apart from the protector.

It knows only what the publication says and what the specification implies
(``docs/spec/report-json.md``, ``docs/report-model.md`` and the metrics' definitions): how the
tables add up, which parts are no larger than their wholes, that a group is listed only when
someone is in it, that days at liberty fit in their window, that pounds lie between the unit
costs, how each percentage, change and rate is worked out from its counts, and the rule of the
publication (``suppression.zeros``: whether a withheld count may be 0). It reads every withheld
count as a variable, every shown figure as a constant, and bounds each withheld count by linear
programming (HiGHS through ``highspy``), then by integer programming (``scipy.optimize.milp``)
where the linear bound is reached at a vertex that is not whole numbers: the integer hull can
only be narrower.

None of this imports the protector (``iomhub.reports.disclosure``): the relations are written
here again, from the specification, so that a relation the protector forgot is one this reader
still uses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

Cell = tuple[str, int, str]

REOFFENDING = ("offenders", "offences_before", "offences_after")
GROUPS = {"reoffending_by_age": "age_band", "reoffending_by_gender": "gender", "reoffending_by_area": "area"}
COUNTS: dict[str, tuple[str, ...]] = {
    "reoffending_by_scheme": REOFFENDING, **dict.fromkeys(GROUPS, REOFFENDING),
    "reoffending_by_flag": REOFFENDING,
    "target_attainment": ("offenders", "met_target"),
    "caseload": ("count",), "caseload_change": ("count_from", "count_to"),
    "caseload_status": ("count", "statutory"), "statutory_by_provider": ("count",), "risk_tiers": ("count",),
    "referrals_by_agency": ("referrals", "accepted", "rejected"),
    "needs_first_assessment": ("assessments", "identified"), "needs_progress": ("people",),
    "treatment_completions": ("in_treatment", "successful"), "join_windows": ("people",),
    "effect_estimate": ("offenders", "comparison_offenders", "offences_before", "offences_after"),
    "time_at_risk": REOFFENDING,
    "proven_reoffending": ("offenders", "reoffenders", "reoffences", "awaiting_follow_up"),
    "cost_of_crime": (*REOFFENDING, "not_valued_before", "not_valued_after"),
    "expected_reoffending": ("offenders", "scored", "not_scored", "reoffenders", "history_from_offences"),
}
REOFFENDING_TABLES = ("reoffending_by_scheme", *GROUPS, "reoffending_by_flag")
MAGNITUDES = {"time_at_risk": ("risk_days_before", "risk_days_after"), "cost_of_crime": ("cost_before", "cost_after")}
# the count of the people a row is about (its other counts are about them too); the caseload,
# community and custody, providers, tiers and referrals count people or referrals of their own
PEOPLE = dict.fromkeys((*REOFFENDING_TABLES, "target_attainment", "effect_estimate", "time_at_risk",
                        "proven_reoffending", "cost_of_crime", "expected_reoffending"), "offenders") | {
    "needs_first_assessment": "assessments", "needs_progress": "people", "treatment_completions": "in_treatment",
    "join_windows": "people"}


@dataclass(frozen=True)
class Constraint:
    """Σ coefficient × cell (sense) rhs; ``derived``: read off a shown derived figure."""

    terms: tuple[tuple[Cell, float], ...]
    sense: str
    rhs: float
    why: str
    derived: bool = False


@dataclass
class Document:
    """A JSON report's tables as cells."""

    raw: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(init=False)
    withheld: set[Cell] = field(init=False)

    def __post_init__(self) -> None:
        self.tables = self.raw["tables"]
        suppression = self.raw.get("suppression") or {}
        listed = suppression.get("suppressed", {})
        self.withheld = {(t, c["row"], c["column"]) for t, cells in listed.items() for c in cells}
        self.base: int | None = (suppression.get("rounding") or {}).get("base")

    def rounded(self, cell: Cell) -> bool:
        """Whether a shown cell is a count published rounded to ``base``."""
        return self.base is not None and cell[2] in COUNTS.get(cell[0], ()) and cell not in self.withheld

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])

    def find(self, table: str, **key: Any) -> list[int]:
        return [i for i, row in enumerate(self.rows(table)) if all(row.get(k) == v for k, v in key.items())]

    def value(self, cell: Cell) -> Any:
        table, i, column = cell
        return self.tables[table][i].get(column)

    def quantities(self) -> set[Cell]:
        """Every count and magnitude cell, shown or withheld (null and not withheld: not computable)."""
        out = set()
        for table, columns in {**COUNTS, **{t: COUNTS.get(t, ()) + m for t, m in MAGNITUDES.items()}}.items():
            for i, row in enumerate(self.rows(table)):
                out |= {(table, i, c) for c in columns if c in row
                        and (row[c] is not None or (table, i, c) in self.withheld)}
        return out


def _sum(cells: list[Cell], total: Cell, why: str, sense: str = "=") -> Constraint:
    return Constraint((*((c, 1.0) for c in cells), (total, -1.0)), sense, 0.0, why)


def _at_most(part: Cell, whole: Cell, why: str) -> Constraint:
    return Constraint(((part, 1.0), (whole, -1.0)), "<=", 0.0, why)


def _groups(doc: Document, table: str, group: str, within: tuple[str, ...] = ()) -> Iterator[tuple[list[int], int]]:
    """(rows of the groups, row of ``all``) for each value of ``within``."""
    buckets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, row in enumerate(doc.rows(table)):
        buckets[tuple(row[k] for k in within)][1 if row[group] == "all" else 0].append(i)
    for members, totals in buckets.values():
        if members and totals:
            yield members, totals[0]


def spec_relations(doc: Document, window_months: int | None = None) -> list[Constraint]:
    """Every relation the specification implies between the counts of the tables at hand."""
    out: list[Constraint] = []
    scheme_all = doc.find("reoffending_by_scheme", scheme="all")
    # reoffending: schemes add up to all; ages, genders, areas add up to the same cohort; every
    # member offended in the baseline; a group is listed only when someone is in it
    for members, total in _groups(doc, "reoffending_by_scheme", "scheme"):
        out += [_sum([("reoffending_by_scheme", i, c) for i in members], ("reoffending_by_scheme", total, c),
                     "schemes add up to all") for c in REOFFENDING]
    for table, group in GROUPS.items():
        if doc.rows(table) and scheme_all:
            out += [_sum([(table, i, c) for i in range(len(doc.rows(table)))],
                         ("reoffending_by_scheme", scheme_all[0], c), f"{group}s add up to the cohort")
                    for c in REOFFENDING]
    for table in ("reoffending_by_scheme", *GROUPS, "reoffending_by_flag", "cost_of_crime"):
        for i, row in enumerate(doc.rows(table)):
            out.append(_at_most((table, i, "offenders"), (table, i, "offences_before"), "offended in the baseline"))
            if "all" not in row.values():
                out.append(Constraint((((table, i, "offenders"), 1.0),), ">=", 1.0, "listed"))
    for i, _ in enumerate(doc.rows("reoffending_by_flag")):
        if scheme_all:
            out += [_at_most(("reoffending_by_flag", i, c), ("reoffending_by_scheme", scheme_all[0], c),
                             "a flag's holders are some of the cohort") for c in REOFFENDING]
    out += _target(doc) + _caseload(doc) + _status(doc) + _simple(doc) + _needs(doc) + _effect(doc, window_months)
    out += _proven_costs_expected(doc)
    return out


def _same_scheme(doc: Document, table: str, columns: tuple[str, ...]) -> list[Constraint]:
    out = []
    for i, row in enumerate(doc.rows(table)):
        for j in doc.find("reoffending_by_scheme", scheme=row["scheme"])[:1]:
            out += [Constraint((((table, i, c), 1.0), (("reoffending_by_scheme", j, c), -1.0)), "=", 0.0,
                               "the same cohort") for c in columns]
    return out


def _target(doc: Document) -> list[Constraint]:
    out = _same_scheme(doc, "target_attainment", ("offenders",))
    for members, total in _groups(doc, "target_attainment", "scheme"):
        out.append(_sum([("target_attainment", i, "met_target") for i in members],
                        ("target_attainment", total, "met_target"), "schemes add up"))
    for i, row in enumerate(doc.rows("target_attainment")):
        out.append(_at_most(("target_attainment", i, "met_target"), ("target_attainment", i, "offenders"), "part"))
        if row["scheme"] != "all":
            out.append(Constraint(((("target_attainment", i, "offenders"), 1.0),), ">=", 1.0, "listed"))
    return out


def _caseload(doc: Document) -> list[Constraint]:
    out = []
    for members, total in _groups(doc, "caseload", "area", ("scheme", "date")):
        out.append(_sum([("caseload", i, "count") for i in members], ("caseload", total, "count"), "areas add up"))
    for members, total in _groups(doc, "caseload", "scheme", ("area", "date")):
        out.append(_sum([("caseload", i, "count") for i in members], ("caseload", total, "count"), "schemes add up"))
    for key, other in (("scheme", "area"), ("area", "scheme")):
        values = {row[key] for row in doc.rows("caseload")} - {"all"}
        for value in values:
            cells = [("caseload", i, "count") for i in doc.find("caseload", **{key: value, other: "all"})]
            out.append(Constraint(tuple((c, 1.0) for c in cells), ">=", 1.0, f"a {key} listed has someone"))
    for i, row in enumerate(doc.rows("caseload_change")):
        for column, day in (("count_from", "date_from"), ("count_to", "date_to")):
            for j in doc.find("caseload", scheme=row["scheme"], area=row["area"], date=row[day]):
                out.append(Constraint(((("caseload_change", i, column), 1.0), (("caseload", j, "count"), -1.0)),
                                      "=", 0.0, "the caseload on the first and last dates"))
    return out


def _status(doc: Document) -> list[Constraint]:
    out = []
    pairs: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for i, row in enumerate(doc.rows("caseload_status")):
        pairs[(row["scheme"], row["date"])].append(i)
        if row.get("statutory") is not None or ("caseload_status", i, "statutory") in doc.withheld:
            out.append(_at_most(("caseload_status", i, "statutory"), ("caseload_status", i, "count"), "statutory"))
    for (scheme, day), members in pairs.items():
        for j in doc.find("caseload", scheme=scheme, area="all", date=day):
            out.append(_sum([("caseload_status", i, "count") for i in members], ("caseload", j, "count"),
                            "community plus custody is the caseload"))
    for scheme in {row["scheme"] for row in doc.rows("caseload_status")}:
        cells = [("caseload_status", i, "count") for i in doc.find("caseload_status", scheme=scheme)]
        out.append(Constraint(tuple((c, 1.0) for c in cells), ">=", 1.0, "a scheme listed has someone"))
    providers: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for i, row in enumerate(doc.rows("statutory_by_provider")):
        providers[(row["scheme"], row["date"])].append(i)
    for (scheme, day), members in providers.items():
        for j in doc.find("caseload_status", scheme=scheme, date=day, status="community"):
            statutory: Cell = ("caseload_status", j, "statutory")
            if doc.value(statutory) is None and statutory not in doc.withheld:
                continue
            out.append(_sum([("statutory_by_provider", i, "count") for i in members], statutory,
                            "providers cover the statutory (one person may have two)", ">="))
            out += [_at_most(("statutory_by_provider", i, "count"), statutory, "a provider's are statutory")
                    for i in members]
    return out


def _simple(doc: Document) -> list[Constraint]:
    """Risk tiers, referrals, treatment, join windows."""
    out = []
    for day in {row["date"] for row in doc.rows("risk_tiers")}:
        for j in doc.find("caseload", scheme="all", area="all", date=day):
            out.append(_sum([("risk_tiers", i, "count") for i in doc.find("risk_tiers", date=day)],
                            ("caseload", j, "count"), "everyone has one tier"))
    for members, total in _groups(doc, "referrals_by_agency", "agency"):
        out += [_sum([("referrals_by_agency", i, c) for i in members], ("referrals_by_agency", total, c),
                     "agencies add up") for c in ("referrals", "accepted", "rejected")]
    for i, row in enumerate(doc.rows("referrals_by_agency")):
        t = "referrals_by_agency"
        out.append(Constraint((((t, i, "accepted"), 1.0), ((t, i, "rejected"), 1.0), ((t, i, "referrals"), -1.0)),
                              "<=", 0.0, "decided of referred"))
        if row["agency"] != "all":
            out.append(Constraint(((("referrals_by_agency", i, "referrals"), 1.0),), ">=", 1.0, "listed"))
    for i, _ in enumerate(doc.rows("treatment_completions")):
        out.append(_at_most(("treatment_completions", i, "successful"), ("treatment_completions", i, "in_treatment"),
                            "successful of episodes"))
        out.append(Constraint(((("treatment_completions", i, "in_treatment"), 1.0),), ">=", 1.0, "listed"))
    for i, _ in enumerate(doc.rows("join_windows")):
        out.append(Constraint(((("join_windows", i, "people"), 1.0),), ">=", 1.0, "listed"))
    return out


def _needs(doc: Document) -> list[Constraint]:
    out = []
    for i, row in enumerate(doc.rows("needs_first_assessment")):
        out.append(_at_most(("needs_first_assessment", i, "identified"), ("needs_first_assessment", i, "assessments"),
                            "identified of assessed"))
        # first assessments in the period are some of the first assessments up to its end
        for j in doc.find("needs_progress", pathway=row["pathway"], months=0):
            out.append(_at_most(("needs_first_assessment", i, "assessments"), ("needs_progress", j, "people"),
                                "first in the period of first by its end"))
    for i, row in enumerate(doc.rows("needs_progress")):
        if row["months"]:
            for j in doc.find("needs_progress", pathway=row["pathway"], months=0):
                out.append(_at_most(("needs_progress", i, "people"), ("needs_progress", j, "people"),
                                    "followed up of first assessed"))
    return out


def _effect(doc: Document, window_months: int | None) -> list[Constraint]:  # noqa: C901
    out = []
    eligible = doc.find("join_windows", status="eligible")
    naive = doc.find("effect_estimate", method="naive")
    anchored = doc.find("time_at_risk", basis="join_anchored", scheme="all")
    for i, row in enumerate(doc.rows("effect_estimate")):
        if row["method"] in ("naive", "time_at_risk"):
            if eligible:
                out.append(Constraint(((("effect_estimate", i, "offenders"), 1.0),
                                       (("join_windows", eligible[0], "people"), -1.0)),
                                      "=", 0.0, "members are the eligible joiners"))
            if anchored:
                out += [Constraint(((("effect_estimate", i, c), 1.0), (("time_at_risk", anchored[0], c), -1.0)), "=",
                                   0.0, "members' windows") for c in REOFFENDING]
        elif naive:
            out += [_at_most(("effect_estimate", i, c), ("effect_estimate", naive[0], c), "matched of members")
                    for c in REOFFENDING]
    days = _window_days(doc, window_months)
    for basis in ("fixed_period", "join_anchored"):
        for members, total in _groups(doc, "time_at_risk", "scheme", ("basis",)):
            if doc.rows("time_at_risk")[total]["basis"] != basis:
                continue
            for column in (*REOFFENDING, "risk_days_before", "risk_days_after"):
                out.append(_sum([("time_at_risk", i, column) for i in members], ("time_at_risk", total, column),
                                "schemes add up"))
    for i, row in enumerate(doc.rows("time_at_risk")):
        if row["scheme"] != "all":
            out.append(Constraint(((("time_at_risk", i, "offenders"), 1.0),), ">=", 1.0, "listed"))
        if row["basis"] == "fixed_period":
            for j in doc.find("reoffending_by_scheme", scheme=row["scheme"]):
                out += [Constraint(((("time_at_risk", i, c), 1.0), (("reoffending_by_scheme", j, c), -1.0)), "=", 0.0,
                                   "the performance cohort") for c in REOFFENDING]
        for side in ("before", "after"):
            length = days.get((row["basis"], side))
            if length is not None:
                days_of: Cell = ("time_at_risk", i, f"risk_days_{side}")
                out.append(Constraint(((days_of, 1.0), (("time_at_risk", i, "offenders"), -float(length))),
                                      "<=", 0.0, "days at liberty within the window"))
    return out


def _window_days(doc: Document, window_months: int | None) -> dict[tuple[str, str], int]:
    def span(part: dict[str, str]) -> int:
        return (date.fromisoformat(part["to"]) - date.fromisoformat(part["from"])).days + 1

    out = {("fixed_period", "before"): span(doc.raw["baseline"]), ("fixed_period", "after"): span(doc.raw["period"])}
    months = window_months or doc.raw.get("settings", {}).get("effect_window_months")
    if months:
        longest = 366 * (months // 12) if months % 12 == 0 else 31 * months
        out |= {("join_anchored", "before"): longest, ("join_anchored", "after"): longest}
    return out


def _proven_costs_expected(doc: Document) -> list[Constraint]:
    out = []
    for members, total in _groups(doc, "proven_reoffending", "scheme"):
        out += [_sum([("proven_reoffending", i, c) for i in members], ("proven_reoffending", total, c), "schemes")
                for c in COUNTS["proven_reoffending"]]
    for i, row in enumerate(doc.rows("proven_reoffending")):
        out.append(_at_most(("proven_reoffending", i, "reoffenders"), ("proven_reoffending", i, "offenders"), "part"))
        out.append(_at_most(("proven_reoffending", i, "reoffenders"), ("proven_reoffending", i, "reoffences"),
                            "one each"))
        if row["scheme"] != "all":
            out.append(Constraint(((("proven_reoffending", i, "offenders"), 1.0),
                                   (("proven_reoffending", i, "awaiting_follow_up"), 1.0)), ">=", 1.0, "listed"))
    out += _same_scheme(doc, "cost_of_crime", REOFFENDING)
    for members, total in _groups(doc, "cost_of_crime", "scheme"):
        out += [_sum([("cost_of_crime", i, c) for i in members], ("cost_of_crime", total, c), "schemes")
                for c in ("not_valued_before", "not_valued_after", "cost_before", "cost_after")]
    costs = [v for v in (doc.raw.get("settings", {}).get("unit_costs") or {}).values() if v is not None]
    for i, _ in enumerate(doc.rows("cost_of_crime")):
        for side in ("before", "after"):
            valued = ((("cost_of_crime", i, f"offences_{side}"), -1.0),
                      (("cost_of_crime", i, f"not_valued_{side}"), 1.0))
            out.append(_at_most(("cost_of_crime", i, f"not_valued_{side}"), ("cost_of_crime", i, f"offences_{side}"),
                                "not valued of offences"))
            if costs:
                cost = (("cost_of_crime", i, f"cost_{side}"), 1.0)
                out.append(Constraint((cost, *((c, k * min(costs)) for c, k in valued)), ">=", 0.0, "unit costs"))
                out.append(Constraint((cost, *((c, k * max(costs)) for c, k in valued)), "<=", 0.0, "unit costs"))
    for members, total in _groups(doc, "expected_reoffending", "scheme"):
        out += [_sum([("expected_reoffending", i, c) for i in members], ("expected_reoffending", total, c), "schemes")
                for c in COUNTS["expected_reoffending"]]
    for i, row in enumerate(doc.rows("expected_reoffending")):
        t = "expected_reoffending"
        out.append(Constraint((((t, i, "scored"), 1.0), ((t, i, "not_scored"), 1.0), ((t, i, "offenders"), -1.0)),
                              "=", 0.0, "scored or not"))
        out.append(_at_most((t, i, "reoffenders"), (t, i, "scored"), "observed among the scored"))
        out.append(_at_most((t, i, "history_from_offences"), (t, i, "scored"), "history of the scored"))
        if row["scheme"] != "all":
            out.append(Constraint((((t, i, "offenders"), 1.0),), ">=", 1.0, "listed"))
    return out


# --- what shown derived figures give away --------------------------------------------------------

RATIOS: dict[str, list[tuple[str, str, tuple[str, ...], float]]] = {
    # table: (figure, numerator, denominator, scale); change figures are (after - before) / before
    "target_attainment": [("met_target_pct", "met_target", ("offenders",), 100.0)],
    "referrals_by_agency": [("acceptance_pct", "accepted", ("accepted", "rejected"), 100.0)],
    "needs_first_assessment": [("identified_pct", "identified", ("assessments",), 100.0)],
    "treatment_completions": [("successful_pct", "successful", ("in_treatment",), 100.0)],
    "proven_reoffending": [("binary_rate_pct", "reoffenders", ("offenders",), 100.0),
                           ("frequency_per_100", "reoffences", ("offenders",), 100.0),
                           ("reoffences_per_reoffender", "reoffences", ("reoffenders",), 1.0)],
    "expected_reoffending": [("observed_pct", "reoffenders", ("scored",), 100.0)],
    "time_at_risk": [("rate_before", "offences_before", ("risk_days_before",), 365.0),
                     ("rate_after", "offences_after", ("risk_days_after",), 365.0)],
}
CHANGES = {**dict.fromkeys(("reoffending_by_scheme", *GROUPS, "reoffending_by_flag", "time_at_risk"),
                           ("offences_before", "offences_after")),
           "caseload_change": ("count_from", "count_to")}


def derived_relations(doc: Document, threshold_small: int = 10) -> list[Constraint]:  # noqa: C901
    """The linear equations a shown derived figure gives about its counts (they bind only when
    a count it comes from is withheld), and the small-numbers flags' inequalities."""
    out = []

    def band(terms: tuple[tuple[Cell, float], ...], why: str) -> list[Constraint]:
        scale = 1e-7 * (1.0 + sum(abs(k) for _, k in terms))
        return [Constraint(terms, "<=", scale, why, True), Constraint(terms, ">=", -scale, why, True)]

    for table, figures in RATIOS.items():
        for i, row in enumerate(doc.rows(table)):
            for figure, numerator, denominator, scale in figures:
                value = row.get(figure)
                if isinstance(value, int | float) and math.isfinite(value):
                    out += band((((table, i, numerator), scale), *(((table, i, d), -value) for d in denominator)),
                                f"{figure} = {numerator} / {'+'.join(denominator)}")
    for table, (before, after) in CHANGES.items():
        for i, row in enumerate(doc.rows(table)):
            value = row.get("change_pct")
            if isinstance(value, int | float) and math.isfinite(value):
                out += band((((table, i, after), 100.0), ((table, i, before), -(100.0 + value))), "change_pct")
    for table in ("reoffending_by_scheme", *GROUPS, "reoffending_by_flag", "proven_reoffending", "cost_of_crime"):
        for i, row in enumerate(doc.rows(table)):
            flag = row.get("small_numbers")
            if flag is True and row.get("scheme") != "all":
                out.append(Constraint((((table, i, "offenders"), 1.0),), "<=", threshold_small - 1.0, "flagged", True))
            elif flag is False:
                out.append(Constraint((((table, i, "offenders"), 1.0),), ">=", float(threshold_small), "not flagged",
                                      True))
    for i, row in enumerate(doc.rows("needs_first_assessment")):
        whole, scored = row.get("cumulative_avg"), row.get("avg_when_scored")
        if isinstance(whole, int | float) and isinstance(scored, int | float):
            out += band(((("needs_first_assessment", i, "assessments"), whole),
                         (("needs_first_assessment", i, "identified"), -scored)), "the same sum of scores")
    out += _kpi_relations(doc)
    return out


KPI_COUNTS = {"cohort_size": ("caseload", {"scheme": "all", "area": "all"}, "count"),
              "performance_cohort": ("reoffending_by_scheme", {"scheme": "all"}, "offenders")}


def _kpi_relations(doc: Document) -> list[Constraint]:
    out = []
    dates = [row["date"] for row in doc.rows("caseload")]
    for row in doc.rows("kpis"):
        source = str(row.get("actual_source") or "")
        actual = row.get("actual")
        name = source.removeprefix("computed: ")
        if not source.startswith("computed") or not isinstance(actual, int | float) or name not in KPI_COUNTS:
            continue
        table, key, column = KPI_COUNTS[name]
        if table == "caseload" and dates:
            key = {**key, "date": max(dates)}
        for j in doc.find(table, **key)[:1]:
            out.append(Constraint((((table, j, column), 1.0),), "=", float(actual), f"indicator {name}", True))
    return out


# --- bounding ----------------------------------------------------------------------------------------


@dataclass
class Attack:
    """The ranges of the withheld counts: ``ranges`` by the reader of the rule, ``guessed`` by a
    reader who also takes every withheld count to be at least 1 (None when that cannot be)."""

    ranges: dict[Cell, tuple[float, float]]
    guessed: dict[Cell, tuple[float, float]] | None


def _blocks(constraints: list[Constraint], unknown: set[Cell]) -> list[tuple[list[Cell], list[Constraint]]]:
    parent: dict[Cell, Cell] = {c: c for c in unknown}

    def find(c: Cell) -> Cell:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for constraint in constraints:
        cells = [c for c, _ in constraint.terms if c in unknown]
        for other in cells[1:]:
            parent[find(other)] = find(cells[0])
    members: dict[Cell, list[Cell]] = defaultdict(list)
    for cell in unknown:
        members[find(cell)].append(cell)
    rules: dict[Cell, list[Constraint]] = defaultdict(list)
    for constraint in constraints:
        cells = [c for c, _ in constraint.terms if c in unknown]
        if cells:
            rules[find(cells[0])].append(constraint)
    return [(sorted(cells), rules[root]) for root, cells in members.items()]


def bound(doc: Document, constraints: list[Constraint], targets: list[Cell], least: float = 0.0,  # noqa: C901
          known: dict[Cell, float] | None = None, sides: tuple[bool, ...] = (False, True),
          at_least_one: set[Cell] | None = None) -> dict[Cell, tuple[float, float]]:
    """The least and greatest value of each target (``sides``: False for the least, True for the
    greatest), every withheld quantity at least ``least`` (counts; magnitudes at least 0), in
    whole numbers for counts where the linear bound is finite and not at a whole-number vertex."""
    quantities = doc.quantities()
    values = known if known is not None else {c: float(doc.value(c)) for c in quantities
                                              if c not in doc.withheld and not doc.rounded(c)}
    unknown = {c for c in quantities if c not in values} | set(targets)
    usable = [c for c in constraints if all(cell in values or cell in unknown for cell, _ in c.terms)]
    out: dict[Cell, tuple[float, float]] = {}
    wanted = set(targets)
    for cells, rules in _blocks(usable, unknown):
        if not wanted & set(cells):
            continue
        position = {c: k for k, c in enumerate(cells)}
        rows, cols, data = [], [], []
        low, high = np.full(len(rules), -np.inf), np.full(len(rules), np.inf)
        for r, rule in enumerate(rules):
            rhs = rule.rhs - sum(k * values[c] for c, k in rule.terms if c not in position)
            for c, k in rule.terms:
                if c in position:
                    rows.append(r)
                    cols.append(position[c])
                    data.append(k)
            if rule.sense in ("=", ">="):
                low[r] = rhs
            if rule.sense in ("=", "<="):
                high[r] = rhs
        matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(rules), len(cells)))
        lower = np.array([(1.0 if at_least_one is not None and c in at_least_one else least)
                          if c[2] in COUNTS.get(c[0], ()) else 0.0 for c in cells])
        upper = np.full(len(cells), np.inf)
        for k, c in enumerate(cells):
            if known is None and doc.rounded(c):  # a rounded count: within the base of what is shown
                assert doc.base is not None
                lower[k] = max(0.0, doc.value(c) - doc.base + 1)
                upper[k] = doc.value(c) + doc.base - 1
        integer = np.array([1 if c[2] in COUNTS.get(c[0], ()) else 0 for c in cells])
        model = _Model(matrix, low, high, lower, upper)
        for target in sorted(wanted & set(cells)):
            found = [-math.inf, math.inf]
            for greatest in sides:
                sign = -1.0 if greatest else 1.0
                solution = model.least(position[target], sign)
                if solution is None:  # unbounded
                    continue
                value = solution[position[target]]
                if np.any(np.abs(solution[integer == 1] - np.round(solution[integer == 1])) > 1e-6):
                    cost = np.zeros(len(cells))
                    cost[position[target]] = sign
                    exact = milp(cost, integrality=integer, bounds=Bounds(lower, upper),
                                 constraints=[LinearConstraint(matrix, low, high)] if len(rules) else None)
                    if exact.status == 0:
                        value = exact.fun * sign
                found[greatest] = value
            out[target] = (found[0], found[1])
    for target in targets:
        out.setdefault(target, (least, math.inf))
    return out


class Infeasible(Exception):
    """No table satisfies the relations under the reader's assumptions."""


class _Model:
    """low ≤ A x ≤ high, lower ≤ x ≤ upper in HiGHS, minimised for one variable after another."""

    def __init__(self, matrix: sparse.csr_matrix, low: np.ndarray, high: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray) -> None:
        inf = highspy.kHighsInf
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        columns = matrix.tocsc()
        self.highs.passModel(_lp(columns, low, high, lower, upper, inf))
        self.size = matrix.shape[1]

    def least(self, index: int, sign: float) -> np.ndarray | None:
        """The solution minimising sign × x[index]; None when unbounded."""
        cost = np.zeros(self.size)
        cost[index] = sign
        self.highs.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), cost)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnknown:  # numerical trouble from the last basis: start afresh
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None
        if status == highspy.HighsModelStatus.kInfeasible:
            raise Infeasible(index)
        assert status == highspy.HighsModelStatus.kOptimal, status
        return np.array(self.highs.getSolution().col_value)


def _lp(columns: sparse.csc_matrix, low: np.ndarray, high: np.ndarray, lower: np.ndarray, upper: np.ndarray,
        inf: float) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = columns.shape[1], columns.shape[0]
    lp.col_cost_ = np.zeros(columns.shape[1])
    lp.col_lower_ = np.where(np.isfinite(lower), lower, -inf)
    lp.col_upper_ = np.where(np.isfinite(upper), upper, inf)
    lp.row_lower_ = np.where(np.isfinite(low), low, -inf)
    lp.row_upper_ = np.where(np.isfinite(high), high, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = columns.indptr
    lp.a_matrix_.index_ = columns.indices
    lp.a_matrix_.value_ = columns.data
    return lp


def attack(doc: Document, targets: list[Cell] | None = None, with_derived: bool = True,
           nonzero: set[Cell] | None = None) -> Attack:
    """Bound every withheld count (or ``targets``) from the published document. A publication
    that says zeros are shown makes every withheld count at least 1 (unless no table allows it:
    then the rule was not kept, and the reader falls back to 0). ``guessed`` is the reader who
    also takes withheld counts to be at least 1: all of them, or those in ``nonzero`` (a judge
    who knows the truth tells it which, so that its guess is never wrong)."""
    # under rounding the derived figures are worked out from the rounded counts: they say nothing more
    constraints = spec_relations(doc) + (derived_relations(doc) if with_derived and doc.base is None else [])
    counts = [c for c in sorted(doc.withheld) if c[2] in COUNTS.get(c[0], ())]
    wanted = counts if targets is None else targets
    zeros_withheld = "may be 0" in str((doc.raw.get("suppression") or {}).get("zeros", ""))
    try:
        ranges = bound(doc, constraints, wanted, 0.0 if zeros_withheld else 1.0)
    except Infeasible:
        ranges = bound(doc, constraints, wanted, 0.0)
    try:
        guessed = bound(doc, constraints, wanted, 1.0 if nonzero is None else 0.0, sides=(True,),
                        at_least_one=nonzero) if zeros_withheld else ranges
    except Infeasible:
        guessed = None
    return Attack(ranges, guessed)


def floors(doc: Document, targets: list[Cell]) -> dict[Cell, float]:
    """The least each target could be with nothing published: the relations of the specification
    alone, every count unknown."""
    constraints = spec_relations(doc)
    found = bound(doc, constraints, targets, 0.0, known={}, sides=(False,))
    return {cell: max(0.0, low) for cell, (low, _) in found.items()}


# --- judging, with the truth ------------------------------------------------------------------------


def leaks(published: dict[str, Any], truth: dict[str, Any], threshold: int, with_derived: bool = True) -> list[str]:
    """Every count of ``published`` a reader can pin narrower than its protection interval (the
    truth, an unsuppressed report of the same data, says which counts are small): a count from 1
    to ``threshold - 1`` shown; a withheld count under the threshold (or in a row of fewer
    people) whose least value is above its floor, or whose greatest (also for a reader who takes
    the withheld counts that are not 0 to be at least 1) is under the threshold."""
    doc, true = Document(published), Document(truth)
    found = []
    for cell in sorted(doc.quantities()):
        table, _, column = cell
        value = doc.value(cell)
        if column in COUNTS.get(table, ()) and value is not None and 0 < value < threshold and doc.base is None:
            found.append(f"{cell} = {value} is shown")
    small_row = {(t, i) for t, people in PEOPLE.items() for i, row in enumerate(true.rows(t))
                 if people in row and row[people] is not None and 0 < row[people] < threshold}
    sensitive = [c for c in sorted(doc.withheld) if c[2] in COUNTS.get(c[0], ())
                 and (true.value(c) < threshold or (c[0], c[1]) in small_row)]
    rounded = [c for c in sorted(doc.quantities()) if doc.rounded(c) and 0 < true.value(c) < threshold]
    nonzero = {c for c in doc.withheld if c[2] in COUNTS.get(c[0], ()) and (true.value(c) or 0) >= 1}
    attacked = attack(doc, sensitive + rounded, with_derived=with_derived, nonzero=nonzero)
    lowest = floors(doc, rounded)
    for cell in rounded:  # a rounded small count: a range as wide as the base, reaching its floor or the threshold
        assert doc.base is not None
        low, high = attacked.ranges[cell]
        if high - low < doc.base - 1 - 1e-6 or (low > lowest[cell] + 1e-6 and high < threshold - 1e-6):
            found.append(f"{cell} = {true.value(cell)} (shown {doc.value(cell)}): from {low:g} to {high:g}")
    lowest = floors(doc, [c for c in sensitive if attacked.ranges[c][0] > 1e-6])
    for cell in sensitive:
        low, high = attacked.ranges[cell]
        value = true.value(cell)
        if low > lowest.get(cell, 0.0) + 1e-6:
            found.append(f"{cell} = {value}: at least {low:g} (floor {lowest.get(cell, 0.0):g})")
        if value < threshold:
            highs = [high] + ([attacked.guessed[cell][1]] if attacked.guessed is not None else [])
            if min(highs) < threshold - 1e-6:
                found.append(f"{cell} = {value}: at most {min(highs):g}")
    return found
