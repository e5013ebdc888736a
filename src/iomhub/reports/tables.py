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


@dataclass(frozen=True)
class Rule:
    """Which columns of a table are counts (withheld when small), which column counts the
    people of the row (a small one withholds every count of the row), which derived columns
    are withheld when any of their sources is, and which text columns quote counts of people
    (withheld when any such count of the table is)."""

    counts: tuple[str, ...]
    people: str | None = None
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    quotes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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
    row of ``total`` with those values and the ``fixed`` ones. ``checked``: the line is taken
    only when the shown figures do add up (when they need not, e.g. someone counted twice)."""

    column: str
    total: str
    total_column: str
    by: tuple[str, ...] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)
    checked: bool = True


@dataclass(frozen=True)
class Equals:
    """Each row (of those matching ``where``) holds in ``column`` the figure of ``other_column``
    in the row of ``other`` matched by ``match`` (other's column: this row's column, or a
    literal in ``fixed``): a line of one member and a total. ``checked`` as for :class:`SumsTo`."""

    columns: tuple[tuple[str, str], ...]
    other: str
    match: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    checked: bool = False


@dataclass(frozen=True)
class RowSum:
    """In each row, ``members`` add up to ``total``."""

    members: tuple[str, ...]
    total: str


LineSpec = Partition | SumsTo | Equals | RowSum

OFFENCES = ("offenders", "offences_before", "offences_after")


def _ci(column: str) -> tuple[str, str, str]:
    return column, f"{column}_ci_low", f"{column}_ci_high"


def _derive(sources: tuple[str, ...], *columns: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(columns, sources)


def _same(*columns: str) -> tuple[tuple[str, str], ...]:
    return tuple((column, column) for column in columns)


REOFFENDING_RULE = Rule(OFFENCES, "offenders", _derive(("offences_before", "offences_after"), *_ci("change_pct")))
SCHEME_TOTAL = {"scheme": "all"}


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
    return TableSpec(name, section, title, (group,), group, True, OFFENCE_CHANGE, REOFFENDING_RULE, lines)


def _adds_up_to_everyone(name: str, group: str, title: str) -> TableSpec:
    """A partition of the performance cohort (every member in exactly one group, unknown included)."""
    return _reoffending(name, group, title, lines=tuple(
        SumsTo(column, "reoffending_by_scheme", column, fixed=SCHEME_TOTAL) for column in OFFENCES))


PROVEN_COUNTS = ("offenders", "reoffenders", "reoffences", "awaiting_follow_up")
EXPECTED_COUNTS = ("offenders", "scored", "not_scored", "reoffenders", "history_from_offences")
REFERRAL_COUNTS = ("referrals", "accepted", "rejected")
JOIN_WINDOW_METHODS = {"method": ("naive", "time_at_risk")}

_TABLES = (
    _reoffending("reoffending_by_scheme", "scheme", "Reoffending by scheme",
                 lines=(Partition(OFFENCES, "scheme"),)),
    _adds_up_to_everyone("reoffending_by_age", "age_band", "Reoffending by age band"),
    _adds_up_to_everyone("reoffending_by_gender", "gender", "Reoffending by gender"),
    _adds_up_to_everyone("reoffending_by_area", "area", "Reoffending by area"),
    _reoffending("reoffending_by_flag", "flag", "Reoffending by programme flag", section="flags"),
    TableSpec("target_attainment", "reoffending", "Target attainment", ("scheme",),
              suppression=Rule(("offenders", "met_target"), "offenders",
                               _derive(("offenders", "met_target"), "met_target_pct")),
              lines=(Partition(("met_target",), "scheme"),
                     Equals(_same("offenders"), "reoffending_by_scheme", {"scheme": "scheme"}))),
    TableSpec("caseload", "caseload", "Caseload", ("scheme", "area", "date"), suppression=Rule(("count",)),
              lines=(Partition(("count",), "area", ("scheme", "date")),
                     Partition(("count",), "scheme", ("area", "date")))),
    TableSpec("caseload_change", "caseload", "Caseload change", ("scheme", "area"),
              suppression=Rule(("count_from", "count_to"), None, _derive(("count_from", "count_to"), "change_pct")),
              lines=(Equals((("count_from", "count"),), "caseload",
                            {"scheme": "scheme", "area": "area", "date": "date_from"}),
                     Equals((("count_to", "count"),), "caseload",
                            {"scheme": "scheme", "area": "area", "date": "date_to"}))),
    TableSpec("caseload_status", "custody", "Community and custody", ("scheme", "date", "status"),
              suppression=Rule(("count", "statutory")),
              lines=(SumsTo("count", "caseload", "count", ("scheme", "date"), {"area": "all"}, checked=False),)),
    TableSpec("statutory_by_provider", "statutory", "Statutory management", ("scheme", "date", "provider"),
              suppression=Rule(("count",)),
              lines=(SumsTo("count", "caseload_status", "statutory", ("scheme", "date"), {"status": "community"}),)),
    TableSpec("risk_tiers", "risk", "Spread of risk", ("date", "tier"), suppression=Rule(("count",)),
              lines=(SumsTo("count", "caseload", "count", ("date",), {"scheme": "all", "area": "all"}),)),
    TableSpec("referrals_by_agency", "referrals", "Referrals", ("agency",),
              suppression=Rule(REFERRAL_COUNTS, None, _derive(("accepted", "rejected"), "acceptance_pct")),
              lines=(Partition(REFERRAL_COUNTS, "agency"),)),
    TableSpec("attendance_by_agency", "engagement", "Engagement", ("agency",)),
    TableSpec("needs_first_assessment", "needs", "Criminogenic needs", ("pathway",),
              suppression=Rule(("assessments", "identified"), "assessments",
                               {**_derive(("assessments",), "cumulative_avg"),
                                **_derive(("assessments", "identified"), "avg_when_scored", "identified_pct")})),
    TableSpec("needs_progress", "needs", "Needs progress", ("pathway", "months")),
    TableSpec("treatment_completions", "treatment", "Treatment", ("substance",),
              suppression=Rule(("in_treatment", "successful"), "in_treatment",
                               _derive(("in_treatment", "successful"), "successful_pct"))),
    TableSpec("kpis", "kpis", "Performance framework"),
    TableSpec("join_windows", "effect", "Join windows", ("status",), suppression=Rule(("people",), "people")),
    TableSpec("effect_estimate", "effect", "Effect estimates",
              suppression=Rule(("offenders", "comparison_offenders", "offences_before", "offences_after"),
                               "offenders",
                               _derive(("offenders", "comparison_offenders", "offences_before", "offences_after"),
                                       "estimate_pct", "ci_low_pct", "ci_high_pct", "e_value", "e_value_ci"),
                               {"verdict": ("offenders", "comparison_offenders"),
                                "checks": ("offenders", "comparison_offenders")}),
              lines=(Equals(_same(*OFFENCES), "time_at_risk", fixed={"basis": "join_anchored", "scheme": "all"},
                            where=JOIN_WINDOW_METHODS, checked=True),
                     Equals((("offenders", "people"),), "join_windows", fixed={"status": "eligible"},
                            where=JOIN_WINDOW_METHODS, checked=True))),
    TableSpec("time_at_risk", "effect", "At liberty",
              suppression=Rule(OFFENCES, "offenders",
                               {**_derive(("offenders",), "risk_days_before", "risk_days_after"),
                                **_derive(("offences_before", "offences_after"), "change_pct",
                                          *_ci("rate_change_pct")),
                                **_derive(("offences_before",), "rate_before", "person_rate_before"),
                                **_derive(("offences_after",), "rate_after", "person_rate_after")}),
              lines=(Partition(OFFENCES, "scheme", ("basis",)),
                     Equals(_same(*OFFENCES), "reoffending_by_scheme", {"scheme": "scheme"},
                            where={"basis": ("fixed_period",)}, checked=True))),
    TableSpec("matching_balance", "effect", "Balance"),
    TableSpec("proven_reoffending", "proven", "Proven reoffending", ("scheme",), "scheme", True,
              Intervals(("one", "reoffended", "reoffences"),
                        (("binary_rate_pct", Ratio(1, 0, 100.0)), ("frequency_per_100", Ratio(2, 0, 100.0)),
                         ("reoffences_per_reoffender", Ratio(2, 1)))),
              Rule(PROVEN_COUNTS, "offenders",
                   {**_derive(("offenders", "reoffenders"), *_ci("binary_rate_pct")),
                    **_derive(("offenders", "reoffences"), *_ci("frequency_per_100")),
                    **_derive(("reoffenders", "reoffences"), *_ci("reoffences_per_reoffender"))}),
              (Partition(PROVEN_COUNTS, "scheme"),)),
    TableSpec("cost_of_crime", "costs", "Cost of crime", ("scheme",), "scheme", True,
              Intervals(("cost_before", "cost_after"), (("cost_change", Difference()), ("cost_change_pct", Change()))),
              Rule((*OFFENCES, "not_valued_before", "not_valued_after"), "offenders",
                   {**_derive(("offences_before", "not_valued_before"), "cost_before"),
                    **_derive(("offences_after", "not_valued_after"), "cost_after"),
                    **_derive(("offences_before", "offences_after", "not_valued_before", "not_valued_after"),
                              *_ci("cost_change"), *_ci("cost_change_pct"))}),
              (Partition(("not_valued_before", "not_valued_after"), "scheme"),
               Equals(_same(*OFFENCES), "reoffending_by_scheme", {"scheme": "scheme"}))),
    TableSpec("expected_reoffending", "expected", "Expected reoffending", ("scheme",), "scheme",
              suppression=Rule(EXPECTED_COUNTS, "offenders",
                               {**_derive(("scored",), "expected_pct"),
                                **_derive(("scored", "reoffenders"), *_ci("observed_pct"), *_ci("difference_pct"))}),
              lines=(Partition(EXPECTED_COUNTS, "scheme"), RowSum(("scored", "not_scored"), "offenders"))),
)
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in _TABLES}
