"""The report model: every table of the performance report, computed and collected, with notes.

The JSON renderer writes this model as it is; every other format shows the view model built
from it (``reports/sections/``), which computes no figure of its own beyond ``reports/derived.py``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import narwhals as nw
import polars as pl

from iomhub.domain.codes import PATHWAYS, SUBSTANCES
from iomhub.domain.costs import SOURCE, unit_costs
from iomhub.domain.dates import add_months, snapshot_dates
from iomhub.metrics.effect import METHODS, EffectTables
from iomhub.metrics.kpis import kpis
from iomhub.metrics.uncertainty import Resampling
from iomhub.package.load import Package
from iomhub.reports.engine import EFFECT_FRAMES, Computed, Later, compute_tables
from iomhub.reports.estimates import balance_table, data_quality_notes, estimate_table, time_at_risk_table
from iomhub.reports.formatting import CONFIDENTIAL as CONFIDENTIAL
from iomhub.reports.formatting import CUSTODY_NOTE, SMALL_NUMBERS_NOTE, group_label, long_date
from iomhub.reports.intervals import with_intervals
from iomhub.reports.params import ReportParams
from iomhub.reports.tables import FIGURES, LAST_DATE, TABLES
from iomhub.reports.tables import MISSING_TEXT as MISSING_TEXT
from iomhub.reports.tables import SECTION_TITLES as SECTION_TITLES

RANKS = {
    "scheme": ["priority", "enhanced", "standard"],
    "tier": ["red", "amber", "green", "unassessed"],
    "status": ["community", "custody", "eligible", "too_early", "too_recent"],
    "method": list(METHODS),
    "basis": ["fixed_period", "join_anchored"],
    "pathway": list(PATHWAYS),
    "substance": list(SUBSTANCES),
}


@dataclass
class Report:
    """A computed performance report."""

    params: ReportParams
    source: str
    generated_at: datetime
    tables: dict[str, pl.DataFrame]
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    title: str = "IOM performance report"
    area_names: dict[str, str] = field(default_factory=dict)
    # For publication (``reports/suppression.py``): the withheld cells of each table, as
    # (row index, column), null in ``tables`` and ``CONFIDENTIAL`` in ``rows()``.
    suppressed: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    suppression_threshold: int | None = None
    # the method and the audit it passed (``reports/suppression.py``: ``record``)
    disclosure: dict[str, Any] = field(default_factory=dict)

    def rows(self, table: str) -> list[dict[str, Any]]:
        frame = self.tables.get(table)
        if frame is None:
            return []
        rows = list(frame.iter_rows(named=True))
        for index, column in self.suppressed.get(table, ()):
            rows[index][column] = CONFIDENTIAL
        return rows

    def row(self, table: str, **key: Any) -> dict[str, Any] | None:
        for row in self.rows(table):
            if all(row.get(k) == v for k, v in key.items()):
                return row
        return None


def _ordering(frame: pl.DataFrame, keys: Sequence[str], ranks: dict[str, list[str]]) -> pl.LazyFrame:
    """The query putting a table's rows in the report's order: by each key in turn, "all" last,
    text keys in their rank (``RANKS``: age bands youngest first, levels as the guidance lists
    them, ...) and then alphabetically."""
    sort_exprs = []
    for key in keys:
        if frame.schema[key] == pl.String:
            rank = ranks.get(key, [])
            sort_exprs.append((pl.col(key) == "all").alias(f"__all_{key}"))
            sort_exprs.append(pl.col(key).replace_strict(
                {v: i for i, v in enumerate(rank)}, default=len(rank), return_dtype=pl.Int64)
                .alias(f"__rank_{key}"))
        sort_exprs.append(pl.col(key).alias(f"__value_{key}"))
    return frame.lazy().with_columns(sort_exprs).sort([e.meta.output_name() for e in sort_exprs]).select(
        frame.columns)


def _in_report_order(tables: dict[str, pl.DataFrame], ranks: dict[str, list[str]]) -> dict[str, pl.DataFrame]:
    """The tables with a sort order (``TABLES[name].sort``) put in it, all in one call to Polars:
    sorted one by one, the twenty-odd small tables of a report took 0.09 s beside the resampling
    threads (each call waiting for Python's lock again), where alone they take 0.007 s."""
    sorting = {name: _ordering(frame, TABLES[name].sort, ranks) for name, frame in tables.items() if TABLES[name].sort}
    ordered = dict(zip(sorting, pl.collect_all(list(sorting.values()), engine="in-memory"), strict=True))
    return {name: ordered.get(name, frame) for name, frame in tables.items()}


Engine = Literal["in-memory", "auto"]

IN_MEMORY_UP_TO = 2_000_000
"""The most rows a package's tables may have, all together, for ``build_report`` to collect its
finished tables (``_polars_collect``: the other sections' tables and per-person tables, the
effect section's) with Polars' in-memory engine rather than its default (streaming) one. The
plain packages have about 9.4 rows a nominal. Whole ``iomhub report`` runs, least of 5 to 10
alternated (docs/speed.md, "Seventh pass, early7"), collecting in-memory against default:
100,000 nominals (0.94 million rows) 1.72 against 1.82 s wall, 2.64 against 2.73 CPU s;
150,000 (1.41 million) 2.22 against 2.26 s; 200,000 (1.87 million) 2.58 against 2.65 s;
300,000 (2.80 million) 3.12 against 3.20 s (medians even); 1,000,000 (9.3 million) 8.32
against 7.96 s. The in-memory engine starts each of the many small queries sooner; the
streaming one is quicker on big ones and takes less memory. The tables materialised on the
way (``_polars_materialise``: joins of whole tables) stay on the default engine at every
size: in-memory too, 200,000 nominals took 2.69 s where collecting alone in-memory took 2.58."""


def polars_engine(package: Package) -> Engine:
    """The Polars engine ``build_report`` collects the finished tables with: in-memory for a
    package of at most ``IN_MEMORY_UP_TO`` rows, Polars' default above."""
    rows = sum(frame.height for frame in package.tables.values())
    return "in-memory" if rows <= IN_MEMORY_UP_TO else "auto"


def _polars_materialise(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    return frame.collect().lazy()


# The order the estimates put these per-person tables in (``metrics.effect_estimates.Table``:
# the keys as text, a missing one as "None"): sorted here by Polars, they need no sort there.
# The balance sums' member_id is a person number, in the order of nominal_id.
ESTIMATE_ORDER = {"fixed_period": ("nominal_id",), "effect_members": ("nominal_id",),
                  "effect_pairs": ("member_id", "nominal_id"), "effect_balance": ("group", "variable", "member_id")}


def _in_estimate_order(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    sort = _estimate_sort(name, frame.schema)
    if sort is None or _in_order(frame, ESTIMATE_ORDER[name]):  # the balance sums come in order
        return frame
    # Sorted by a lazy query: Polars' default (streaming) engine sorts the balance sums (a
    # million rows at 1,000,000 nominals) in well under half the time of the eager sort.
    return frame.lazy().sort(sort, maintain_order=True).collect()


def _estimate_sort(name: str, schema: pl.Schema) -> list[pl.Expr] | None:
    """What ``_in_estimate_order`` sorts a per-person table by: its keys, a missing text key as
    "None"; None when the table has no order of its own or its keys are neither text nor whole."""
    keys = ESTIMATE_ORDER.get(name, ())
    if not keys or not all(schema.get(key) in (pl.String, pl.Int64) for key in keys):
        return None
    return [pl.col(key).fill_null("None") if schema[key] == pl.String else pl.col(key) for key in keys]


def _sorted_in_the_query(name: str, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A per-person table's query with the estimates' sort at its end, for the tables that do
    not come in that order (all but the balance sums): sorted as part of the collect that
    computes them, beside the other tables of that collect, rather than after it, alone on the
    way to the estimates. ``_in_estimate_order`` then only checks the order (one pass)."""
    if name not in ESTIMATE_ORDER or name == "effect_balance":
        return frame
    native = frame.to_native()
    assert isinstance(native, pl.LazyFrame)
    sort = _estimate_sort(name, native.collect_schema())
    return frame if sort is None else nw.from_native(native.sort(sort, maintain_order=True))


def _in_order(frame: pl.DataFrame, keys: tuple[str, ...]) -> bool:
    """Whether the rows are already in the order the sort below gives (text keys with a missing
    one as "None", whole-number keys with missing ones first): a stable sort would leave them
    as they are. One pass, where the sort of the balance's million rows took half a second."""
    if frame.height < 2:
        return True
    ahead, tied = pl.lit(False), pl.lit(True)
    for key in keys:
        if frame.schema[key] == pl.String:
            value = pl.col(key).fill_null("None")
            ahead = ahead | (tied & (value.shift(1) < value))
            tied = tied & (value.shift(1) == value)
        else:
            value, known = pl.col(key), pl.col(key).is_not_null()
            before, known_before = value.shift(1), known.shift(1)
            ahead = ahead | (tied & ((~known_before & known) | (known_before & known & (before < value))))
            tied = tied & (known_before == known) & (before == value).fill_null(True)
    return bool(frame.select((ahead | tied).slice(1).all()).item())


def figures(tables: dict[str, pl.DataFrame], last_day: Any) -> dict[str, float | None]:
    """Named figures of the report that performance-framework indicators may take as actuals
    (``reports/tables.py``: ``FIGURES``)."""
    out: dict[str, float | None] = {}
    for name, figure in FIGURES.items():
        frame = tables.get(figure.table)
        key = {k: last_day if v == LAST_DATE else v for k, v in figure.key.items()}
        value = None
        for row in frame.iter_rows(named=True) if frame is not None else ():
            if all(row.get(k) == v for k, v in key.items()):
                value = None if row[figure.column] is None else float(row[figure.column])
                break
        out[name] = None if value is None else -value if figure.negated else value
    return out


def build_report(package: Package, params: ReportParams,
                 generated_at: datetime | None = None) -> Report:
    """Compute every table the package allows for the given parameters, in-process on Polars."""
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in package.tables.items()}
    costs = unit_costs(package.settings.unit_costs)
    # The effect section's chain of materialised tables runs on a thread of its own while the
    # other sections are computed and collected beside it: each of its queries alone seldom
    # keeps both cores busy.
    in_order: dict[str, pl.DataFrame] = {}
    collect = partial(_polars_collect, engine=polars_engine(package))
    with ThreadPoolExecutor(max_workers=1) as pool:
        computed = compute_tables(lazy, params, materialise=_polars_materialise, unit_costs=costs,
                                  beside=lambda work: pool.submit(_collecting(work, in_order, collect)).result)
        for name, frame in computed.people.items():
            computed.people[name] = _sorted_in_the_query(name, frame)
        return report_from(computed, package, params, generated_at, collect=collect, in_order=in_order)


def _collecting(work: Later, in_order: dict[str, pl.DataFrame],
                collect: Callable[[Sequence[nw.LazyFrame[Any]]], list[pl.DataFrame]]) -> Later:
    """The effect section's work, its tables collected on its own thread as soon as they are
    computed (while the main thread may still be collecting the other sections' tables), and
    its per-person tables put in the estimates' order there (``in_order``, by their names in
    ``Computed.people``): what ``report_from`` then collects of them is already in memory and in
    order. ``sets`` is not collected: the estimates never read it."""
    def run() -> EffectTables:
        found = work()
        parts = [*EFFECT_FRAMES, "windows"]
        frames = [_sorted_in_the_query(EFFECT_FRAMES.get(part, part), getattr(found, part)) for part in parts]
        collected = dict(zip(parts, collect(frames), strict=True))
        for part, name in EFFECT_FRAMES.items():
            collected[part] = in_order[name] = _in_estimate_order(name, collected[part])
        return replace(found, **{part: nw.from_native(frame.lazy()) for part, frame in collected.items()})
    return run


def _polars_collect(frames: Sequence[nw.LazyFrame[Any]], engine: Engine = "auto") -> list[pl.DataFrame]:
    """Polars lazy frames collected at once: Polars runs the queries side by side on its
    threads, which keeps both cores busy where one query alone would leave one idle."""
    natives = [frame.to_native() for frame in frames]
    assert all(isinstance(native, pl.LazyFrame) for native in natives)
    return pl.collect_all(natives, engine=engine)


Arrived = Callable[[dict[tuple[str, str], pl.DataFrame]], None]


def _collect_computed(computed: Computed, collect: Callable[[Sequence[nw.LazyFrame[Any]]], list[pl.DataFrame]],
                      arrived: Arrived = lambda found: None) -> dict[tuple[str, str], pl.DataFrame]:
    """Every table and per-person table of ``computed``, keyed ("table" or "people", name): those
    there already first, then those of the work still running beside (``Computed.finish``).
    ``arrived`` is given each batch as it is collected (work on it may start while the rest is
    being computed)."""
    done: dict[tuple[str, str], pl.DataFrame] = {}

    def gather() -> None:
        frames = {("table", name): frame for name, frame in computed.tables.items()}
        frames.update((("people", name), frame) for name, frame in computed.people.items())
        keys = [key for key in frames if key not in done]
        if keys:
            found = dict(zip(keys, collect([frames[key] for key in keys]), strict=True))
            done.update(found)
            arrived(found)

    gather()
    if computed.pending:
        computed.finish()
        gather()
    return done


def report_from(computed: Computed, package: Package, params: ReportParams, generated_at: datetime | None = None,
                collect: Callable[[Sequence[nw.LazyFrame[Any]]], list[pl.DataFrame]] = _polars_collect,
                in_order: Mapping[str, pl.DataFrame] | None = None) -> Report:
    """The report of tables ``compute_tables`` has computed on any backend: collected into
    Polars by ``collect`` (every table and per-person table in one call), ordered, with
    intervals, estimates, indicators and notes. ``package`` gives the settings and the small
    tables the indicators read (indicators, targets, actuals, rag_overrides). ``in_order``
    holds per-person tables already collected and put in the estimates' order, by name (the
    same frames ``computed`` gives): taken as they are."""
    known = {} if in_order is None else in_order
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in package.tables.items()}
    costs = unit_costs(package.settings.unit_costs)
    ranks = {**RANKS, "age_band": params.age_bands.labels}
    ready: dict[tuple[str, str], pl.DataFrame] = {}  # ordered, as the intervals and estimates read them

    def prepare(found: dict[tuple[str, str], pl.DataFrame]) -> None:
        ordered = _in_report_order({name: frame for (kind, name), frame in found.items() if kind == "table"}, ranks)
        for (kind, name), frame in found.items():
            if kind == "table":
                ready[kind, name] = ordered[name]
            else:
                ready[kind, name] = known[name] if name in known else _in_estimate_order(name, frame)

    with ThreadPoolExecutor(max_workers=RESAMPLING_THREADS) as pool:
        pieces = Scheduler(pool)

        def arrived(found: dict[tuple[str, str], pl.DataFrame]) -> None:
            # The intervals of the tables collected first are drawn while the effect section's
            # tables are still being computed and collected.
            prepare(found)
            pieces.add(resampling_work(*_ready(ready), params.resampling))

        collected = _collect_computed(computed, collect, arrived)
        prepare({key: frame for key, frame in collected.items() if key not in ready})
        tables = {name: ready["table", name] for name in computed.tables}
        people = {name: ready["people", name] for name in computed.people}
        _resample(tables, people, params.resampling, pieces)
    days = snapshot_dates(params.period)
    if "kpis" not in computed.missing:
        kpi_rows = kpis(lazy["indicators"], lazy.get("targets"), lazy.get("actuals"), params.period,
                        figures(tables, days[-1]), package.settings.financial_year_start_month,
                        lazy.get("rag_overrides"))
        tables["kpis"] = pl.DataFrame(kpi_rows, schema=KPI_SCHEMA)
    flagged = {spec.name: str(spec.group) for spec in TABLES.values() if spec.flag_small}
    for name in flagged:
        if name in tables:
            tables[name] = tables[name].with_columns(
                (pl.col("offenders") < params.small_numbers).alias("small_numbers"))
    notes = (_notes(tables, computed.missing, params, flagged) + _cost_notes(tables)
             + _expected_notes(tables, params) + data_quality_notes(people))
    settings = {
        "target_reduction": params.target_reduction,
        "exclude_custody_beyond": params.exclude_custody_beyond,
        "age_bands": params.age_bands.labels,
        "age_band_bounds": list(params.age_bands.bounds),
        "small_numbers_threshold": params.small_numbers,
        "effect_window_months": params.matching.months,
        "matching_neighbours": params.matching.neighbours,
        "interval_resamples": params.resampling.replicates,
        "interval_seed": params.resampling.seed,
        "snapshot_dates": days,
        "financial_year_start_month": package.settings.financial_year_start_month,
        "source": package.source,
        **_honest_settings(params, costs, package.settings.unit_costs),
    }
    return Report(params=params, source=package.source,
                  generated_at=generated_at or datetime.now(UTC).replace(microsecond=0),
                  tables=tables, notes=notes, settings=settings,
                  title=package.settings.title or "IOM performance report",
                  area_names=package.settings.area_names)


def _ready(ready: dict[tuple[str, str], pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """The tables and per-person tables prepared so far, apart."""
    return ({name: frame for (kind, name), frame in ready.items() if kind == "table"},
            {name: frame for (kind, name), frame in ready.items() if kind == "people"})


KPI_SCHEMA = {
    "indicator_id": pl.String, "period": pl.String, "title": pl.String, "owner": pl.String,
    "unit": pl.String, "direction": pl.String, "baseline": pl.Float64, "kind": pl.String,
    "target": pl.Float64, "low": pl.Float64, "high": pl.Float64, "actual": pl.Float64,
    "actual_source": pl.String, "rag": pl.String, "comment": pl.String,
    "rag_computed": pl.String, "rag_overridden": pl.Boolean, "rag_override_reason": pl.String,
    "rag_override_by": pl.String, "rag_override_on": pl.Date,
}

COST_CAVEAT_TEXT = ("an estimate of the cost of the offences recorded, not an impact evaluation: it does not "
                    "say what would have happened without IOM")
COST_CAVEAT = f"Cost of crime: {COST_CAVEAT_TEXT}."


@dataclass(frozen=True)
class ResamplingPiece:
    """One piece of the work done after collecting: a table's intervals, or effect tables.

    ``section`` names it ("intervals" or "effect estimates"); ``start`` is when to start it
    among the others (the longest first); ``make`` returns the tables it makes, named in
    ``names``."""

    section: str
    start: int
    make: Callable[[], dict[str, pl.DataFrame]]
    names: tuple[str, ...]


def _intervals_of(name: str, table: pl.DataFrame, frame: pl.DataFrame,
                  resampling: Resampling) -> dict[str, pl.DataFrame]:
    return {name: with_intervals(name, table, frame, resampling)}


def _time_at_risk_of(people: dict[str, pl.DataFrame], resampling: Resampling) -> dict[str, pl.DataFrame]:
    return {"time_at_risk": time_at_risk_table(people, resampling)}


def _balance_of(people: dict[str, pl.DataFrame], rows: Future[list[dict[str, Any]]]) -> dict[str, pl.DataFrame]:
    try:
        balance, table = balance_table(people)
    except BaseException as error:  # the estimates waiting for the rows fail with it
        rows.set_exception(error)
        raise
    rows.set_result(balance)
    return {"matching_balance": table}


def _estimates_of(people: dict[str, pl.DataFrame], rows: Future[list[dict[str, Any]]],
                  resampling: Resampling) -> dict[str, pl.DataFrame]:
    return {"effect_estimate": estimate_table(people, rows.result, resampling)}


EFFECT_PEOPLE = ("fixed_period", "effect_members", "effect_pairs", "effect_comparison_people", "effect_balance")


def resampling_work(tables: dict[str, pl.DataFrame], people: dict[str, pl.DataFrame],
                    resampling: Resampling) -> list[ResamplingPiece]:
    """The intervals of the tables that have them, then the effect tables (computed from the
    per-person tables alone): in the order their tables join the report, which is the order of
    the JSON. Only the pieces whose tables are there: given part of the tables, the pieces of
    that part (the report starts them as they are collected). ``benchmarks/report_sections.py``
    times the same pieces one by one."""
    pieces = [ResamplingPiece("intervals", 2, partial(_intervals_of, name, tables[name], frame, resampling), (name,))
              for name, frame in people.items() if name in tables and TABLES[name].intervals is not None]
    if all(name in people for name in EFFECT_PEOPLE):
        effect_people = {name: people[name] for name in EFFECT_PEOPLE}
        # The estimates compute all but their checks while the balance, whose rows the checks
        # read, is computed beside: the balance piece is given first, so it is never left
        # waiting behind the estimates that wait for it.
        balance: Future[list[dict[str, Any]]] = Future()
        pieces.append(ResamplingPiece("effect estimates", 1, partial(_time_at_risk_of, effect_people, resampling),
                                      ("time_at_risk",)))
        pieces.append(ResamplingPiece("effect estimates", 0, partial(_balance_of, effect_people, balance),
                                      ("matching_balance",)))
        pieces.append(ResamplingPiece("effect estimates", 0, partial(_estimates_of, effect_people, balance, resampling),
                                      ("effect_estimate",)))
    return pieces


RESAMPLING_THREADS = 2


class Scheduler:
    """Pieces of resampling work run on ``pool``'s threads, never more at once than it has
    (``RESAMPLING_THREADS``): whenever a thread is free, the longest of the pieces waiting
    starts (the lowest ``start``, the first added among equals), so that pieces added later
    (the effect estimates, after the intervals) may go before those waiting, and the threads
    finish close together. ``started`` gives each piece's result by its ``names``."""

    def __init__(self, pool: ThreadPoolExecutor, threads: int = RESAMPLING_THREADS) -> None:
        self.pool, self.free = pool, threads
        self.started: dict[tuple[str, ...], Future[dict[str, pl.DataFrame]]] = {}
        self._waiting: list[tuple[ResamplingPiece, Future[dict[str, pl.DataFrame]]]] = []
        self._lock = threading.Lock()

    def add(self, pieces: list[ResamplingPiece]) -> None:
        """The pieces not added before, to start when a thread is free."""
        with self._lock:
            for piece in pieces:
                if piece.names not in self.started:
                    result: Future[dict[str, pl.DataFrame]] = Future()
                    self.started[piece.names] = result
                    self._waiting.append((piece, result))
            self._fill()

    def _fill(self) -> None:  # with the lock held
        while self.free and self._waiting:
            at = min(range(len(self._waiting)), key=lambda index: self._waiting[index][0].start)
            piece, result = self._waiting.pop(at)
            self.free -= 1
            self.pool.submit(self._run, piece, result)

    def _run(self, piece: ResamplingPiece, result: Future[dict[str, pl.DataFrame]]) -> None:
        try:
            result.set_result(piece.make())
        except BaseException as error:  # given to whoever waits for the piece
            result.set_exception(error)
        finally:
            with self._lock:
                self.free += 1
                with contextlib.suppress(RuntimeError):  # the pool shut down on an error: nobody waits
                    self._fill()


def _resample(tables: dict[str, pl.DataFrame], people: dict[str, pl.DataFrame], resampling: Resampling,
              scheduler: Scheduler | None = None) -> None:
    """``resampling_work`` on two threads (numpy releases the lock while it draws and sums; each
    interval has its own seeded stream, so the figures do not depend on which finishes first),
    the longest first so that neither thread waits long for the other; the tables made join
    ``tables`` in the order of ``resampling_work``. ``scheduler`` may hold pieces started
    already (by their ``names``): the same pieces of the same frames."""
    pieces = resampling_work(tables, people, resampling)
    with (ThreadPoolExecutor(max_workers=RESAMPLING_THREADS) if scheduler is None
          else contextlib.nullcontext(scheduler.pool)) as pool:
        running = Scheduler(pool) if scheduler is None else scheduler
        running.add(pieces)
        for piece in pieces:
            tables.update(running.started[piece.names].result())


def _honest_settings(params: ReportParams, costs: dict[str, float | None],
                     overrides: dict[str, float]) -> dict[str, Any]:
    window = params.proven_window
    return {
        "proven_starts": {"from": window.start, "to": window.end},
        "proven_follow_up_months": 12,
        "proven_waiting_months": 6,
        "unit_costs": costs,
        "unit_costs_source": SOURCE,
        "unit_costs_set_in_package": sorted(overrides),
        "interval_level": 0.95,
    }


def _cost_notes(tables: dict[str, pl.DataFrame]) -> list[str]:
    """The caveat of the cost of crime, its source, and how many offences were not valued."""
    frame = tables.get("cost_of_crime")
    if frame is None:
        return []
    notes = [COST_CAVEAT, f"Cost of crime: unit costs per offence category from {SOURCE}, unless the unit "
                          "has set its own."]
    total = frame.filter(pl.col("scheme") == "all")
    if total.height:
        row = total.row(0, named=True)
        if row["not_valued_before"] or row["not_valued_after"]:
            notes.append(f"Cost of crime: {row['not_valued_before']} offences in the baseline and "
                         f"{row['not_valued_after']} in the period are of categories without a unit cost "
                         "(such as drugs, weapons and public order) and are not valued.")
    return notes


def _notes(tables: dict[str, pl.DataFrame], missing: dict[str, tuple[str, ...]],
           params: ReportParams, groups: dict[str, str]) -> list[str]:
    """The sections left out, people in custody on the cohort date, groups with small numbers
    and an empty performance cohort, in words a board member reads (no option, file or column;
    an area by its code, as the unit's data give it, whatever the package's names for it)."""
    notes = [MISSING_TEXT[section] for section in missing if section in MISSING_TEXT]
    if params.exclude_custody_beyond is None and "reoffending_by_scheme" in tables:
        notes.append(f"{CUSTODY_NOTE}: anyone in custody on the cohort date ({long_date(params.cohort_day)}) who "
                     "offended in the baseline is in the performance cohort, and time in prison lowers their "
                     "offending in the period. (A report can leave out those held beyond a chosen date.)")
    for name, column in groups.items():
        frame = tables.get(name)
        if frame is None:
            continue
        small = frame.filter(pl.col("small_numbers") & (pl.col(column) != "all"))
        if small.height:
            groups_text = ", ".join(f"{group_label(column, value)} ({offenders} "
                                    f"{'person' if offenders == 1 else 'people'})"
                                    for value, offenders in small.select(column, "offenders").iter_rows())
            notes.append(f"{TABLES[name].title}: {SMALL_NUMBERS_NOTE} {params.small_numbers} people), interpret "
                         f"with caution: {groups_text}.")
    scheme_rows = tables.get("reoffending_by_scheme")
    if scheme_rows is not None and scheme_rows.filter(pl.col("scheme") == "all").height == 0:
        notes.append("Reoffending: nobody in a scheme on the cohort date offended in the baseline, "
                     "so there is no performance cohort.")
    return notes


EXPECTED = "Expected reoffending (OGRS3)"


def _expected_notes(tables: dict[str, pl.DataFrame], params: ReportParams) -> list[str]:
    """What the reader of expected_reoffending must know (``metrics/expected.py``)."""
    frame = tables.get("expected_reoffending")
    if frame is None:
        return []
    every = frame.filter(pl.col("scheme") == "all").rows(named=True)
    if not every:
        return [f"{EXPECTED}: nobody's first IOM episode started early enough for its two-year follow-up and "
                "six-month waiting period to end by the report's last day (it needs a start on or before "
                f"{long_date(add_months(params.period.end + timedelta(days=1), -30))})."]
    row = every[0]
    notes = [f"{EXPECTED}: OGRS3 (Howard et al., 2009) was built on people convicted or "
             "cautioned in 2002 and sentenced in 2005, not on people chosen for IOM because of their "
             "recent offending; observed reoffending below the expected rate is not proof that IOM "
             "worked, nor above it proof that it failed."]
    if row["history_from_offences"]:
        notes.append(f"{EXPECTED}: {row['history_from_offences']} of {row['scored']} people scored have no "
                     "record of their past sanctions (their number, or the date of the first), so their criminal "
                     "history was taken from the offences recorded; those records start late, so that history is "
                     "understated (fewer sanctions, a later first sanction).")
    if row["not_scored"]:
        notes.append(f"{EXPECTED}: {row['not_scored']} of {row['offenders']} people could not be "
                     "scored (no date of birth, a gender other than male or female, or no offence with a "
                     "category on or before the day they joined).")
    return notes

