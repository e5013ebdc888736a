"""The registry of the report's tables: one :class:`TableSpec` per table, and the sections.

Everything the pipeline needs to know about a table is said here once: the section it belongs
to (``SECTIONS``: the package tables a section needs, its title, the note when it is left
out), its short title (a spreadsheet's sheet name, and the words for its name in a note), the
order of its rows, the column that groups them (small-number flags and notes, intervals), the
95% intervals drawn from its per-person frame (``reports/intervals.py``), and how
publication suppression treats it (``reports/suppression.py``): which columns are counts and
which are derived from them (:class:`Rule`), and the lines of cells that add up to a total
(:class:`Partition`, :class:`SumsTo`, :class:`Equals`, :class:`RowSum`), which the suppression
code reads and never spells out itself.

The order of ``TABLES`` is the order the suppression lines are taken in and the small-number
notes are written in; the order of ``SECTIONS`` is the order of the notes of sections left out
(both in the JSON report). The order the sections are *shown* in is the view model's
(``reports/sections/__init__.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# --- sections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    """A section of the report: the package tables it needs (absent: the section is left out
    with ``missing``), and its title."""

    key: str
    title: str
    needs: tuple[str, ...] = ()
    missing: str | None = None


def _sections(*specs: SectionSpec) -> dict[str, SectionSpec]:
    return {spec.key: spec for spec in specs}


SECTIONS = _sections(
    SectionSpec("overview", "What IOM changed"),
    SectionSpec("reoffending", "Reoffending", ("offences",),
                "Reoffending is left out: the data hold no offences."),
    SectionSpec("caseload", "Caseload"),
    SectionSpec("custody", "Community and custody", ("custody",),
                "Community and custody is left out: the data hold no custody records, so nobody can be "
                "placed in custody or the community."),
    SectionSpec("statutory", "Statutory management", ("supervision",),
                "Statutory management by provider is left out: the data hold no supervision records."),
    SectionSpec("risk", "Spread of risk", ("risk",),
                "Spread of risk is left out: the data hold no risk tiers."),
    SectionSpec("referrals", "Referrals", ("referrals",),
                "Referrals are left out: the data hold no referrals."),
    SectionSpec("engagement", "Engagement", ("meetings", "attendance"),
                "Engagement is left out: it needs the meetings and who attended them, which the data do not hold."),
    SectionSpec("needs", "Criminogenic needs", ("needs",),
                "Criminogenic needs are left out: the data hold no needs assessments."),
    SectionSpec("treatment", "Treatment", ("treatment",),
                "Treatment is left out: the data hold no treatment episodes."),
    SectionSpec("flags", "Reoffending by programme flag", ("flags", "offences"),
                "Reoffending by flag is left out: it needs both programme flags and offences."),
    SectionSpec("kpis", "Performance framework", ("indicators",),
                "The performance framework is left out: the data hold no indicators."),
    SectionSpec("effect", "What the figures can and cannot claim", ("offences",)),
    SectionSpec("proven", "Proven reoffending", ("offences",),
                "Proven reoffending is left out: the data hold no offences."),
    SectionSpec("costs", "Cost of crime", ("offences",),
                "The cost of crime is left out: the data hold no offences."),
    SectionSpec("expected", "Expected and observed reoffending (OGRS3)", ("offences",),
                "Expected reoffending (OGRS3) is left out: the data hold no offences."),
)
SECTION_TITLES = {key: spec.title for key, spec in SECTIONS.items()}
MISSING_TEXT = {key: spec.missing for key, spec in SECTIONS.items() if spec.missing}


# --- intervals (read by reports/intervals.py) ------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """Sum of value ``numerator`` ÷ sum of value ``denominator`` × ``scale`` (positions in
    :attr:`Intervals.values`); undefined when the denominator is 0."""

    numerator: int
    denominator: int
    scale: float = 1.0


@dataclass(frozen=True)
class Difference:
    """Sum of the second value − sum of the first (after − before)."""


@dataclass(frozen=True)
class Change:
    """(second − first) ÷ first × 100: the percentage change (``metrics.uncertainty.change_pct``)."""


Statistic = Ratio | Difference | Change


@dataclass(frozen=True)
class Intervals:
    """The 95% intervals of a table: the per-person ``values`` summed in each resample, and each
    figure's statistic of the sums."""

    values: tuple[str, ...]
    figures: tuple[tuple[str, Statistic], ...]


OFFENCE_CHANGE = Intervals(("offences_before", "offences_after"), (("change_pct", Change()),))


# --- suppression (read by reports/suppression.py) --------------------------------------------


Sense = Literal["=", "<=", ">="]
Key = str | int  # a value that picks rows (a code, or a number of months)


@dataclass(frozen=True)
class Percent:
    """``numerator`` ÷ the sum of ``denominator`` × ``scale``: a figure that can be worked out
    again from rounded counts (``--disclosure round``)."""

    numerator: str
    denominator: tuple[str, ...]
    scale: float = 100.0


@dataclass(frozen=True)
class ChangeOf:
    """(``after`` − ``before``) ÷ ``before`` × 100, worked out again from rounded counts."""

    before: str
    after: str


Formula = Percent | ChangeOf


@dataclass(frozen=True)
class Share:
    """A mean of a yes/no attribute over the people counted in another table's cell (the share
    of women among the effect's members): ``column`` × that count is itself a count of people.
    ``rows`` picks the rows that are such shares (the others are means of other figures); the
    whole column goes with the count, and a share row also when it or its complement
    (count − share × count) is from 1 to the threshold − 1; ``derived`` columns go with it."""

    column: str
    table: str
    key: Mapping[str, str]
    count: str
    rows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    derived: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """How publication treats a table (``reports/disclosure/``).

    ``counts`` are counts of people (or of their offences, referrals, managed cases), withheld
    from 1 to the threshold − 1; ``people`` counts the people of the row (a small one withholds
    every count of the row). ``magnitudes`` are additive figures that are not counts (days at
    liberty, pounds) and take part in the relations. ``derived`` columns are withheld when any of
    their sources is (sources may themselves be derived or magnitudes); ``formulas`` say how a
    derived column is worked out again from rounded counts. ``quotes``: text columns quoting
    counts of people (withheld when any such count of the table is). ``shares``: means that are
    counts in disguise (:class:`Share`). ``copies``: columns that repeat a named figure of
    another table (``FIGURES``, the performance framework's computed actuals and their RAG),
    withheld with it."""

    counts: tuple[str, ...]
    people: str | None = None
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    quotes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    magnitudes: tuple[str, ...] = ()
    formulas: Mapping[str, Formula] = field(default_factory=dict)
    shares: tuple[Share, ...] = ()
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partition:
    """The rows whose ``group`` is not ``all`` add up to the ``all`` row with the same values
    of ``within``, in each of ``columns``."""

    columns: tuple[str, ...]
    group: str
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class SumsTo:
    """The rows with the same values of ``by`` add up, in ``column``, to ``total_column`` of the
    row of ``total`` with those values and the ``fixed`` ones (``sense``: the sum is equal to,
    at most or at least the total). ``checked``: the relation need not hold (someone counted
    twice): it is taken only when the figures do satisfy it."""

    column: str
    total: str
    total_column: str
    by: tuple[str, ...] = ()
    fixed: Mapping[str, Key] = field(default_factory=dict)
    checked: bool = False
    sense: Sense = "="


@dataclass(frozen=True)
class Equals:
    """Each row (of those matching ``where``) holds in ``column`` the figure of ``other_column``
    in the row of ``other`` matched by ``match`` (other's column: this row's column, or a
    literal in ``fixed``): a line of one member and a total (``sense``: or at most, at least
    that figure). ``checked`` as for :class:`SumsTo`."""

    columns: tuple[tuple[str, str], ...]
    other: str
    match: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, Key] = field(default_factory=dict)
    where: Mapping[str, tuple[Key, ...]] = field(default_factory=dict)
    checked: bool = False
    sense: Sense = "="


@dataclass(frozen=True)
class RowSum:
    """In each row, ``members`` add up to ``total`` (``sense``: or at most, at least it)."""

    members: tuple[str, ...]
    total: str
    sense: Sense = "="


@dataclass(frozen=True)
class Listed:
    """A table lists a group only when it counts someone: the rows with the same values of
    ``by`` (and the ``fixed`` ones), ``all`` rows left out, hold at least 1 in ``columns``
    together."""

    columns: tuple[str, ...]
    by: tuple[str, ...]
    fixed: Mapping[str, Key] = field(default_factory=dict)


@dataclass(frozen=True)
class AtLiberty:
    """Days at liberty are at most the days of the window for each person counted:
    0 ≤ ``days`` ≤ ``people`` × the longest the window can be (``window``: the ``baseline``,
    the ``period``, or the join-anchored window of ``effect_window_months``), in the rows whose
    ``basis`` is ``basis``."""

    days: str
    people: str
    window: str
    basis: str


@dataclass(frozen=True)
class Valued:
    """The pounds of a row's valued offences (``offences`` − ``not_valued``) lie between that
    many times the smallest and the largest unit cost (``settings.unit_costs``)."""

    cost: str
    offences: str
    not_valued: str


LineSpec = Partition | SumsTo | Equals | RowSum | Listed | AtLiberty | Valued

OFFENCES = ("offenders", "offences_before", "offences_after")


def _ci(column: str) -> tuple[str, str, str]:
    return column, f"{column}_ci_low", f"{column}_ci_high"


def _derive(sources: tuple[str, ...], *columns: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(columns, sources)


def _same(*columns: str) -> tuple[tuple[str, str], ...]:
    return tuple((column, column) for column in columns)


def _at_most(part: str, whole: str) -> RowSum:
    return RowSum((part,), whole, "<=")


SMALL = "small_numbers"  # the flag of a group under the small-numbers threshold: it says offenders < 10
REOFFENDING_RULE = Rule(OFFENCES, "offenders",
                        {**_derive(("offences_before", "offences_after"), *_ci("change_pct")),
                         SMALL: ("offenders",)},
                        formulas={"change_pct": ChangeOf("offences_before", "offences_after")})
SCHEME_TOTAL = {"scheme": "all"}
# everyone in the performance cohort has an offence in the baseline
OFFENDED_BEFORE = _at_most("offenders", "offences_before")


# --- the tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """One table of the report.

    ``title`` is short (at most 31 characters: a sheet name). ``sort`` orders the rows, each
    key in its natural order with ``all`` last. ``group`` is the column whose codes the rows
    are (scheme, age band, ...); with ``flag_small`` the report adds ``small_numbers`` (fewer
    people than the threshold) and a note naming the small groups.
    """

    name: str
    section: str
    title: str
    sort: tuple[str, ...] = ()
    group: str | None = None
    flag_small: bool = False
    intervals: Intervals | None = None
    suppression: Rule | None = None
    lines: tuple[LineSpec, ...] = ()


def _reoffending(name: str, group: str, title: str, section: str = "reoffending",
                 lines: tuple[LineSpec, ...] = ()) -> TableSpec:
    """A table of the performance cohort by ``group``: a group is listed only when someone is in
    it, and everyone counted offended in the baseline."""
    return TableSpec(name, section, title, (group,), group, True, OFFENCE_CHANGE, REOFFENDING_RULE,
                     (*lines, Listed(("offenders",), (group,)), OFFENDED_BEFORE))


def _adds_up_to_everyone(name: str, group: str, title: str) -> TableSpec:
    """A partition of the performance cohort (every member in exactly one group, unknown included)."""
    return _reoffending(name, group, title, lines=tuple(
        SumsTo(column, "reoffending_by_scheme", column, fixed=SCHEME_TOTAL) for column in OFFENCES))


PROVEN_COUNTS = ("offenders", "reoffenders", "reoffences", "awaiting_follow_up")
EXPECTED_COUNTS = ("offenders", "scored", "not_scored", "reoffenders", "history_from_offences")
REFERRAL_COUNTS = ("referrals", "accepted", "rejected")
JOIN_WINDOW_METHODS = {"method": ("naive", "time_at_risk")}
SNAPSHOT = {"scheme": "scheme", "date": "date"}
COMMUNITY = {"status": "community"}
RISK_DAYS = ("risk_days_before", "risk_days_after")
COSTS = ("cost_before", "cost_after")
FOLLOW_UPS = {"months": (3, 6, 9, 12)}

_TABLES = (
    _reoffending("reoffending_by_scheme", "scheme", "Reoffending by scheme",
                 lines=(Partition(OFFENCES, "scheme"),)),
    _adds_up_to_everyone("reoffending_by_age", "age_band", "Reoffending by age band"),
    _adds_up_to_everyone("reoffending_by_gender", "gender", "Reoffending by gender"),
    _adds_up_to_everyone("reoffending_by_area", "area", "Reoffending by area"),
    # someone holding several flags counts under each and many hold none: each flag is part of the
    # performance cohort, and the flags add up to nothing shown
    _reoffending("reoffending_by_flag", "flag", "Reoffending by programme flag", section="flags",
                 lines=(Equals(_same(*OFFENCES), "reoffending_by_scheme", fixed=SCHEME_TOTAL, sense="<="),)),
    TableSpec("target_attainment", "reoffending", "Target attainment", ("scheme",),
              suppression=Rule(("offenders", "met_target"), "offenders",
                               _derive(("offenders", "met_target"), "met_target_pct"),
                               formulas={"met_target_pct": Percent("met_target", ("offenders",))}),
              lines=(Partition(("met_target",), "scheme"),
                     Equals(_same("offenders"), "reoffending_by_scheme", {"scheme": "scheme"}),
                     _at_most("met_target", "offenders"), Listed(("offenders",), ("scheme",)))),
    TableSpec("caseload", "caseload", "Caseload", ("scheme", "area", "date"), suppression=Rule(("count",)),
              lines=(Partition(("count",), "area", ("scheme", "date")),
                     Partition(("count",), "scheme", ("area", "date")),
                     # the schemes and areas listed are those someone is in on one of the dates
                     Listed(("count",), ("scheme",), {"area": "all"}),
                     Listed(("count",), ("area",), {"scheme": "all"}))),
    TableSpec("caseload_change", "caseload", "Caseload change", ("scheme", "area"),
              suppression=Rule(("count_from", "count_to"), None, _derive(("count_from", "count_to"), "change_pct"),
                               formulas={"change_pct": ChangeOf("count_from", "count_to")}),
              lines=(Equals((("count_from", "count"),), "caseload",
                            {"scheme": "scheme", "area": "area", "date": "date_from"}),
                     Equals((("count_to", "count"),), "caseload",
                            {"scheme": "scheme", "area": "area", "date": "date_to"}))),
    TableSpec("caseload_status", "custody", "Community and custody", ("scheme", "date", "status"),
              suppression=Rule(("count", "statutory")),
              lines=(SumsTo("count", "caseload", "count", ("scheme", "date"), {"area": "all"}),
                     _at_most("statutory", "count"), Listed(("count",), ("scheme",)))),
    # someone supervised by two providers counts under each: the providers of a scheme on a date
    # add up to at least its community statutory count (exactly when nobody has two), and each to
    # at most that count
    TableSpec("statutory_by_provider", "statutory", "Statutory management", ("scheme", "date", "provider"),
              suppression=Rule(("count",)),
              lines=(SumsTo("count", "caseload_status", "statutory", ("scheme", "date"), COMMUNITY, sense=">="),
                     SumsTo("count", "caseload_status", "statutory", ("scheme", "date"), COMMUNITY, checked=True),
                     Equals((("count", "statutory"),), "caseload_status", SNAPSHOT, COMMUNITY, sense="<="))),
    TableSpec("risk_tiers", "risk", "Spread of risk", ("date", "tier"), suppression=Rule(("count",)),
              lines=(SumsTo("count", "caseload", "count", ("date",), {"scheme": "all", "area": "all"}),)),
    TableSpec("referrals_by_agency", "referrals", "Referrals", ("agency",),
              suppression=Rule(REFERRAL_COUNTS, None, _derive(("accepted", "rejected"), "acceptance_pct"),
                               formulas={"acceptance_pct": Percent("accepted", ("accepted", "rejected"))}),
              lines=(Partition(REFERRAL_COUNTS, "agency"), RowSum(("accepted", "rejected"), "referrals", "<="),
                     Listed(("referrals",), ("agency",)))),
    TableSpec("attendance_by_agency", "engagement", "Engagement", ("agency",)),
    # the average over everyone assessed times those assessed is the sum of the scores, which
    # bounds how many scored above 0: it goes with ``identified`` too
    TableSpec("needs_first_assessment", "needs", "Criminogenic needs", ("pathway",),
              suppression=Rule(("assessments", "identified"), "assessments",
                               _derive(("assessments", "identified"), "cumulative_avg", "avg_when_scored",
                                       "identified_pct"),
                               formulas={"identified_pct": Percent("identified", ("assessments",))}),
              lines=(_at_most("identified", "assessments"),
                     Equals((("assessments", "people"),), "needs_progress", {"pathway": "pathway"},
                            {"months": 0}, sense="<="))),
    TableSpec("needs_progress", "needs", "Needs progress", ("pathway", "months"),
              suppression=Rule(("people",), "people", _derive(("people",), "avg_first", "avg_then", "change")),
              lines=(Equals(_same("people"), "needs_progress", {"pathway": "pathway"}, {"months": 0},
                            FOLLOW_UPS, sense="<="),)),
    TableSpec("treatment_completions", "treatment", "Treatment", ("substance",),
              suppression=Rule(("in_treatment", "successful"), "in_treatment",
                               _derive(("in_treatment", "successful"), "successful_pct"),
                               formulas={"successful_pct": Percent("successful", ("in_treatment",))}),
              lines=(_at_most("successful", "in_treatment"), Listed(("in_treatment",), ("substance",)))),
    TableSpec("kpis", "kpis", "Performance framework",
              suppression=Rule((), copies=("actual", "rag", "rag_computed"))),
    TableSpec("join_windows", "effect", "Join windows", ("status",), suppression=Rule(("people",), "people"),
              lines=(Listed(("people",), ("status",)),)),
    TableSpec("effect_estimate", "effect", "Effect estimates",
              suppression=Rule(("offenders", "comparison_offenders", "offences_before", "offences_after"),
                               "offenders",
                               _derive(("offenders", "comparison_offenders", "offences_before", "offences_after"),
                                       "estimate_pct", "ci_low_pct", "ci_high_pct", "e_value", "e_value_ci",
                                       "reliable"),
                               {"verdict": ("offenders", "comparison_offenders"),
                                "checks": ("offenders", "comparison_offenders")}),
              lines=(Equals(_same(*OFFENCES), "time_at_risk", fixed={"basis": "join_anchored", "scheme": "all"},
                            where=JOIN_WINDOW_METHODS),
                     Equals((("offenders", "people"),), "join_windows", fixed={"status": "eligible"},
                            where=JOIN_WINDOW_METHODS),
                     # the matched members are some of the members
                     Equals(_same(*OFFENCES), "effect_estimate", fixed={"method": "naive"},
                            where={"method": ("matched_did",)}, sense="<="))),
    TableSpec("time_at_risk", "effect", "At liberty",
              suppression=Rule(OFFENCES, "offenders",
                               {**_derive(("offenders",), *RISK_DAYS),
                                **_derive(("offences_before", "offences_after"), "change_pct"),
                                **_derive((*RISK_DAYS, "offences_before", "offences_after"), *_ci("rate_change_pct")),
                                **_derive(("offences_before", "risk_days_before"), "rate_before", "person_rate_before"),
                                **_derive(("offences_after", "risk_days_after"), "rate_after", "person_rate_after")},
                               magnitudes=RISK_DAYS,
                               formulas={"change_pct": ChangeOf("offences_before", "offences_after"),
                                         "rate_before": Percent("offences_before", ("risk_days_before",), 365.0),
                                         "rate_after": Percent("offences_after", ("risk_days_after",), 365.0)}),
              lines=(Partition((*OFFENCES, *RISK_DAYS), "scheme", ("basis",)),
                     Equals(_same(*OFFENCES), "reoffending_by_scheme", {"scheme": "scheme"},
                            where={"basis": ("fixed_period",)}),
                     Listed(("offenders",), ("basis", "scheme")),
                     AtLiberty("risk_days_before", "offenders", "baseline", "fixed_period"),
                     AtLiberty("risk_days_after", "offenders", "period", "fixed_period"),
                     AtLiberty("risk_days_before", "offenders", "window", "join_anchored"),
                     AtLiberty("risk_days_after", "offenders", "window", "join_anchored"))),
    TableSpec("matching_balance", "effect", "Balance",
              suppression=Rule((), shares=(
                  Share("members_mean", "effect_estimate", {"method": "naive"}, "offenders",
                        {"variable": ("female",)}, ("smd_before", "smd_after")),
                  Share("comparison_mean_after", "effect_estimate", {"method": "matched_did"}, "offenders",
                        derived=("smd_after",))))),
    TableSpec("proven_reoffending", "proven", "Proven reoffending", ("scheme",), "scheme", True,
              Intervals(("one", "reoffended", "reoffences"),
                        (("binary_rate_pct", Ratio(1, 0, 100.0)), ("frequency_per_100", Ratio(2, 0, 100.0)),
                         ("reoffences_per_reoffender", Ratio(2, 1)))),
              Rule(PROVEN_COUNTS, "offenders",
                   {**_derive(("offenders", "reoffenders"), *_ci("binary_rate_pct")),
                    **_derive(("offenders", "reoffences"), *_ci("frequency_per_100")),
                    **_derive(("reoffenders", "reoffences"), *_ci("reoffences_per_reoffender")),
                    SMALL: ("offenders",)},
                   formulas={"binary_rate_pct": Percent("reoffenders", ("offenders",)),
                             "frequency_per_100": Percent("reoffences", ("offenders",)),
                             "reoffences_per_reoffender": Percent("reoffences", ("reoffenders",), 1.0)}),
              (Partition(PROVEN_COUNTS, "scheme"), _at_most("reoffenders", "offenders"),
               _at_most("reoffenders", "reoffences"), Listed(("offenders", "awaiting_follow_up"), ("scheme",)))),
    TableSpec("cost_of_crime", "costs", "Cost of crime", ("scheme",), "scheme", True,
              Intervals(("cost_before", "cost_after"), (("cost_change", Difference()), ("cost_change_pct", Change()))),
              Rule((*OFFENCES, "not_valued_before", "not_valued_after"), "offenders",
                   {**_derive(("offences_before", "not_valued_before"), "cost_before"),
                    **_derive(("offences_after", "not_valued_after"), "cost_after"),
                    **_derive(("offences_before", "offences_after", "not_valued_before", "not_valued_after", *COSTS),
                              *_ci("cost_change"), *_ci("cost_change_pct")),
                    SMALL: ("offenders",)},
                   magnitudes=COSTS),
              (Partition(("not_valued_before", "not_valued_after", *COSTS), "scheme"),
               Equals(_same(*OFFENCES), "reoffending_by_scheme", {"scheme": "scheme"}),
               _at_most("not_valued_before", "offences_before"), _at_most("not_valued_after", "offences_after"),
               Valued("cost_before", "offences_before", "not_valued_before"),
               Valued("cost_after", "offences_after", "not_valued_after"), Listed(("offenders",), ("scheme",)))),
    TableSpec("expected_reoffending", "expected", "Expected reoffending", ("scheme",), "scheme",
              suppression=Rule(EXPECTED_COUNTS, "offenders",
                               {**_derive(("scored",), "expected_pct"),
                                **_derive(("scored", "reoffenders"), *_ci("observed_pct"), *_ci("difference_pct")),
                                SMALL: ("scored",)},
                               formulas={"observed_pct": Percent("reoffenders", ("scored",))}),
              lines=(Partition(EXPECTED_COUNTS, "scheme"), RowSum(("scored", "not_scored"), "offenders"),
                     _at_most("reoffenders", "scored"), _at_most("history_from_offences", "scored"),
                     Listed(("offenders",), ("scheme",)))),
)
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in _TABLES}


# --- figures an indicator may take as its actual (``reports/model.py``: ``figures``) ---------


@dataclass(frozen=True)
class Figure:
    """A named figure of the report: the cell of ``column`` in the row of ``table`` matching
    ``key`` (``LAST_DATE``: the last snapshot date), negated when ``negated``."""

    table: str
    column: str
    key: Mapping[str, str]
    negated: bool = False


LAST_DATE = "the last snapshot date"
FIGURES = {
    "cohort_size": Figure("caseload", "count", {"scheme": "all", "area": "all", "date": LAST_DATE}),
    "reoffending_change_pct": Figure("reoffending_by_scheme", "change_pct", SCHEME_TOTAL),
    "reoffending_reduction_pct": Figure("reoffending_by_scheme", "change_pct", SCHEME_TOTAL, negated=True),
    "performance_cohort": Figure("reoffending_by_scheme", "offenders", SCHEME_TOTAL),
    "referral_acceptance_pct": Figure("referrals_by_agency", "acceptance_pct", {"agency": "all"}),
    **{f"successful_completions_{substance}_pct": Figure("treatment_completions", "successful_pct",
                                                         {"substance": substance})
       for substance in ("opiate", "non_opiate", "alcohol")},
}
