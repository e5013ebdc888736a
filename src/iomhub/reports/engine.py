"""Which metric makes which table, on any backend: the tables of the report as lazy frames.

``compute_tables`` knows *what* to compute; the caller decides *where* (Polars in-process,
or PySpark) by the frames it passes, and collects the results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import narwhals as nw

from iomhub.domain.costs import unit_costs as published_unit_costs
from iomhub.domain.dates import snapshot_dates
from iomhub.metrics import (
    caseload,
    costs,
    custody,
    effect,
    engagement,
    expected,
    needs,
    proven,
    referrals,
    reoffending,
    risk,
    treatment,
)
from iomhub.metrics.common import Frame
from iomhub.reports.params import ReportParams
from iomhub.reports.tables import SECTIONS, TABLES


def data_begins(offences: Frame, otherwise: date) -> date:
    """The first offence date in the data (where the windows before joining may begin), or
    ``otherwise`` when there are no offences."""
    native = offences.select(nw.col("offence_date").min()).collect().item()
    if native is None:
        return otherwise
    return native if isinstance(native, date) else date.fromisoformat(str(native)[:10])


@dataclass
class Computed:
    tables: dict[str, Frame] = field(default_factory=dict)
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)  # section -> absent tables
    people: dict[str, Frame] = field(default_factory=dict)  # per-person tables behind intervals
    pending: list[Callable[[], None]] = field(default_factory=list)  # see ``finish``

    def finish(self) -> None:
        """Waits for the work ``compute_tables`` left running beside (its ``beside``) and puts
        its tables in their places, where they would have been had it run at once."""
        while self.pending:
            self.pending.pop(0)()


Later = Callable[[], effect.EffectTables]
# The effect section's per-person tables (fields of ``EffectTables``) and their names in ``Computed.people``.
EFFECT_FRAMES = {"members": "effect_members", "pairs": "effect_pairs", "comparison_people": "effect_comparison_people",
                 "balance": "effect_balance"}


def compute_tables(tables: Mapping[str, Frame], params: ReportParams,  # noqa: C901
                   materialise: Callable[[Frame], Frame] = lambda f: f,
                   unit_costs: Mapping[str, float | None] | None = None,
                   beside: Callable[[Later], Later] | None = None) -> Computed:
    """Every table of the report that the given canonical tables allow, as lazy frames.

    ``materialise`` is called on intermediate results used by several tables (the
    performance cohort, for one) so that a backend can compute them once. ``unit_costs``
    values offences per category (default: the published unit costs of ``domain.costs``).
    ``beside``, when given, is handed the effect section's work (the longest chain of
    materialised tables) and returns a function giving its result when done: a backend may
    start it beside the other sections; the caller then calls ``Computed.finish`` once it
    has collected what it can. Without it the tables are all there on return.
    """
    out = Computed()
    for section, spec in SECTIONS.items():
        absent = tuple(name for name in spec.needs if name not in tables)
        if absent:
            out.missing[section] = absent
    cohort, nominals = tables["cohort"], tables["nominals"]
    days = snapshot_dates(params.period)
    spans = (None if "custody" not in tables
             else materialise(custody.custody_spans(tables["custody"], params.period.end)))
    # The effect section's chain of materialised tables is the longest: given ``beside``, it
    # starts as soon as its inputs are there, ahead of the sections computed before it here;
    # its tables still take their place after those (``_start_effect``).
    effect_work: Later | None = None
    if "reoffending" not in out.missing:
        first_day = params.data_start or data_begins(tables["offences"], params.baseline_span.start)
        effect_work = partial(effect.effect_tables, cohort, tables["offences"], spans, nominals, params.matching,
                              first_day, params.period.end, materialise)
        if beside is not None:
            effect_work = beside(effect_work)
    if spans is not None and "offences" in tables:
        out.people["offences_in_custody"] = custody.offences_in_custody(tables["offences"], spans)
    if "reoffending" not in out.missing:
        performance = materialise(reoffending.performance_cohort(
            cohort, tables["offences"], tables.get("custody"), cohort_date=params.cohort_day,
            baseline=params.baseline_span, period=params.period,
            exclude_custody_beyond=params.exclude_custody_beyond))
        out.tables["reoffending_by_scheme"] = reoffending.reoffending_by_scheme(performance)
        people = {
            "reoffending_by_scheme": performance,
            "reoffending_by_age": reoffending.age_people(performance, nominals, params.cohort_day,
                                                         params.age_bands),
            "reoffending_by_gender": reoffending.attribute_people(performance, nominals, "gender"),
            "reoffending_by_area": reoffending.attribute_people(performance, nominals, "area"),
        }
        if "flags" not in out.missing:
            people["reoffending_by_flag"] = reoffending.flag_people(performance, tables["flags"],
                                                                    params.cohort_day)
        for name, frame in people.items():
            out.people[name] = frame
            if name != "reoffending_by_scheme":
                out.tables[name] = reoffending.summarise(frame, str(TABLES[name].group))
        if params.target_reduction is not None:
            out.tables["target_attainment"] = reoffending.target_attainment(
                performance, params.target_reduction)
        out.people["fixed_period"] = effect.fixed_period_outcomes(
            performance, spans, params.baseline_span, params.period)
        assert effect_work is not None
        _start_effect(out, effect_work, later=beside is not None)
        _proven_and_costs(out, tables, params, performance, materialise,
                          published_unit_costs() if unit_costs is None else unit_costs, spans)
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
        out.tables["needs_progress"] = needs.needs_progress(tables["needs"], params.period, materialise)
    if "treatment" not in out.missing:
        out.tables["treatment_completions"] = treatment.treatment_completions(
            tables["treatment"], params.period)
    if "expected" not in out.missing:
        scored = materialise(expected.expected_people(cohort, nominals, tables["offences"],
                                                      end=params.period.end, custody_spans=spans,
                                                      materialise=materialise))
        out.tables["expected_reoffending"] = expected.expected_reoffending(
            scored, small_numbers=params.small_numbers)
    return out


def _start_effect(out: Computed, work: Later, later: bool) -> None:
    """The effect section's work done now (its tables added where they belong), or, ``later``
    (``work`` then gives the result of the work started beside), left for ``Computed.finish``
    to put in the same places."""
    placer = _effect_placer(out, work, len(out.tables), len(out.people))
    if later:
        out.pending.append(placer)
    else:
        placer()


def _effect_placer(out: Computed, parts: Later, tables_at: int, people_at: int) -> Callable[[], None]:
    """Puts the effect section's tables where they belong: after the tables and per-person
    tables there were (``tables_at``, ``people_at``) when its work began."""
    def place() -> None:
        found = parts()
        _insert(out.tables, tables_at, {"join_windows": found.windows})
        # found.sets (one row per matched set) is not read by the estimates, so it is not collected.
        _insert(out.people, people_at, {name: getattr(found, field) for field, name in EFFECT_FRAMES.items()})
    return place


def _insert(frames: dict[str, Frame], position: int, new: dict[str, Frame]) -> None:
    items = list(frames.items())
    items[position:position] = new.items()
    frames.clear()
    frames.update(items)


def _proven_and_costs(out: Computed, tables: Mapping[str, Frame], params: ReportParams, performance: Frame,
                      materialise: Callable[[Frame], Frame], unit_costs: Mapping[str, float | None],
                      spans: Frame | None) -> None:
    """Proven reoffending (MoJ measures) and the cost of crime, with the per-person frames
    their intervals are resampled from."""
    starters = materialise(proven.proven_people(tables["cohort"], tables["offences"],
                                                params.proven_window, params.period.end, spans, materialise))
    out.people["proven_reoffending"] = starters
    out.tables["proven_reoffending"] = proven.proven_reoffending(starters)
    valued = materialise(costs.people_costs(performance, tables["offences"], params.baseline_span,
                                            params.period, unit_costs))
    out.people["cost_of_crime"] = valued
    out.tables["cost_of_crime"] = costs.cost_of_crime(valued)
