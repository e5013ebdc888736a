"""The effect estimates, their intervals and the checks of the matched estimate's assumptions.

Computed from the per-person tables of :mod:`iomhub.metrics.effect`, once collected (one row
per member, per matched pair): numpy on small arrays, the same for every backend.

The matched estimate's *estimand* is the average effect on the treated (ATT) on the
rate-ratio scale for the members who could be matched: the ratio of their offending per day
at liberty in the 12 months after joining to what it would have been without IOM, as a
percentage change. It is identified if, among people alike on what the matching sees
(gender, recent and prior offending, months since the last offence, custody, age, area),
joining IOM is unrelated to where their offending was heading (no unseen selection), and if
the comparison people's change over the same days is what the members' would have been.

Those assumptions cannot be proven from the data, but some of their consequences can be
tested. Every matched estimate carries ``checks`` (each ``check``, ``value``, ``threshold``,
``passed``) and ``reliable``: false when a check fails, when under ``MATCHED_SHARE`` of the
members are matched or when fewer than ``FEW_PEOPLE`` are. The checks were kept because they
fail in the benchmark worlds where the design is wrong and pass where it is right
(``benchmarks/effect_truth.py``; docs/effect-estimates.md explains each in plain English):

- ``balance_matched``: after matching, the largest absolute standardised mean difference on
  the matched variables is under 0.1 (Austin, 2009).
- ``balance_no_worse``: matching made no matched variable's balance materially worse than in
  the raw pool.
- ``balance_lagged``: offending quarter by quarter over the two years before joining (not
  matched on, except through its totals), the before window's offences and days at
  liberty, and offending two to four years before joining as far as the data reach back
  (the longer record, which the matching does not see), are balanced too: a difference
  there means the groups were on different paths, or that members were chosen partly on a
  record the matching did not use (a risk score such as OGRS3 counts the whole record).
  The threshold is 0.1, or three standard errors of a standardised difference between the
  members and their comparison people when that is larger (a small unit's differences are
  mostly chance).
- ``placebo_pre_trend``: the same difference in differences a year earlier, on the matched
  pairs: the second year before joining against the first. IOM cannot have caused a change
  then; a change beyond chance and larger than ``PLACEBO_MATERIAL`` percent means the
  comparison does not follow the members' path.
- ``weeks_before_joining``: the same difference in differences on the weeks from the first
  of the joining month to the day before joining, against the rest of the year before:
  (members' offences in those weeks / in the rest of their year before) / (the same for
  their comparison people) - 1, in percent. The matching sees whole months before the
  joining month, so these weeks are the latest offending before joining that it did not
  use: a *pseudo-outcome* (Imbens, 2015; Imbens and Rubin, 2015, ch. 21; Heckman and Hotz,
  1989), which IOM cannot have changed. People chosen on what the records do not show
  (intelligence that their offending is rising now, or the end of a spell) already differ
  there. It is tested on the scale the estimate assumes (parallel paths of the rate): a
  difference in level that the year before shares does not bias the estimate, and is not
  counted against it. It fails, as the placebo does, when the change is beyond chance and
  larger than ``PLACEBO_MATERIAL`` percent.

"Beyond chance" for the two pseudo-effects is judged with a variance that allows for
comparison people used in several sets (two-way clustering) and Holm's step-down procedure,
so that a sound unit fails either with a chance of at most 5%, not nearly 10%
(:mod:`iomhub.metrics.effect_checks`).

The E-value (VanderWeele and Ding, 2017) says how strongly an unseen factor would have to be
associated with both joining IOM and offending (as a rate ratio, each) to explain the
estimate away (``e_value``), or to move its interval's nearer end to no change
(``e_value_ci``); it is reported, not tested.

The matched estimate's interval allows for comparison people used in several members' sets
(matching with replacement; Abadie and Imbens, 2008, show that resampling members alone is
wrong then): a two-way weighted bootstrap (members and comparison people each get an
independent exponential weight per replicate, so a person used by several members moves all
their sets together; Otsu and Rai, 2017), with the percentile interval expanded for small
numbers (:func:`iomhub.metrics.uncertainty.expanded_z`). Large units use the normal limit of
the weighted sums, whose covariance has the closed form given in :func:`_pair_covariance`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iomhub.metrics.effect import (
    BALANCE_VARIABLES,
    EARLIER,
    JOINING_MONTH,
    LAG_COLUMNS,
    MATCHED_VARIABLES,
    METHODS,
    WINDOW_COLUMNS,
)
from iomhub.metrics.effect_checks import beyond_chance, pseudo_effect
from iomhub.metrics.uncertainty import (
    EXACT_UP_TO,
    MIN_PEOPLE,
    NORMAL,
    Floats,
    Resampling,
    expanded_z,
    interval,
    linear_percentiles,
    rate_change_pct,
)

FEW_PEOPLE = 60  # Justice Data Lab will not report on fewer than 60 people
GOOD_BALANCE = 0.1  # an absolute standardised mean difference under 0.1 is negligible (Austin, 2009)
MATCHED_SHARE = 0.8  # below this share of members matched, the comparison describes a different group
NO_WORSE_MARGIN = 0.05  # balance "no worse" unless it worsens by more than this (or ends above 0.1)
CHANCE_SE = 3.0  # a lagged difference within 3 standard errors may be chance (11 variables tested)
PLACEBO_MATERIAL = 10.0  # a pseudo-effect under 10% is immaterial even when it is beyond chance
CHECKS = ("people", "matched_share", "balance_matched", "balance_no_worse", "balance_lagged",
          "placebo_pre_trend", "weeks_before_joining")
LAGGED_VARIABLES = (*LAG_COLUMNS, "offences_before", "risk_days_before", EARLIER)
LABELS = {
    "prior": "offences in the two years before joining", "recent": "offences in the six months before joining",
    "months_since_last": "time since the last offence", "age": "age", "female": "the share of women",
    "offences_before": "offences in the year before joining",
    "risk_days_before": "days out of custody in the year before joining",
    JOINING_MONTH: "offences in the weeks just before joining",
    EARLIER: "offences two to four years before joining",
    **{f"q{lag}": f"offences {3 * (lag - 1)}-{3 * lag} months before joining" for lag in range(1, 9)},
}
RATE_COLUMNS = ["offences_before", "risk_days_before", "offences_after", "risk_days_after"]
PAIR_VALUES = [*RATE_COLUMNS, "iom_offences_after"]
EARLY, LATE = ["q5", "q6", "q7", "q8"], ["q1", "q2", "q3", "q4"]


Rows = list[dict[str, Any]] | Mapping[str, Any]  # rows as dicts, or columns (name -> sequence)


@dataclass(frozen=True)
class Coded:
    """A text column as whole-number codes into its distinct texts, sorted: ``labels[codes]``
    is the column's text. Codes order and compare as their texts do, so a table keyed on them
    is sorted and matched as on the text, at the cost of whole numbers, not of text (the
    balance sums' 850,000 rows at 1,000,000 nominals). Two columns' codes compare with each
    other only when they share ``labels``."""

    codes: NDArray[np.integer[Any]]
    labels: NDArray[np.str_]


class Table:
    """A collected per-person table as numpy columns, from rows or from columns, in the order
    of ``keys`` (so every backend's rows give the same figures and intervals)."""

    def __init__(self, rows: Rows, keys: tuple[str, ...]) -> None:
        self.labels: dict[str, NDArray[np.str_]] = {}  # the labels of each coded column
        if isinstance(rows, Mapping):
            self.columns = {}
            for name, values in rows.items():
                if isinstance(values, Coded):
                    self.columns[name], self.labels[name] = values.codes, values.labels
                else:
                    self.columns[name] = np.asarray(values)
        else:
            names = {name for row in rows for name in row}
            self.columns = {name: np.array([row.get(name) for row in rows], dtype=object) for name in names}
        self.size = len(next(iter(self.columns.values()))) if self.columns else 0
        self._text: dict[str, NDArray[np.str_]] = {}
        self.sorted_by: tuple[str, ...] = ()
        if self.size and all(key in self.columns for key in keys):
            texts = [self.key(key) for key in keys]
            if not _in_order(texts):  # rows sorted already (the report sorts them) need no sort
                order = np.lexsort(texts[::-1])
                self.columns = {name: values[order] for name, values in self.columns.items()}
                self._text = {}
            self.sorted_by = keys

    def text(self, name: str) -> NDArray[np.str_]:
        if name not in self.columns:
            return np.full(self.size, "", dtype=str)
        if name not in self._text:
            labels = self.labels.get(name)
            self._text[name] = self.columns[name].astype(str) if labels is None else labels[self.columns[name]]
        return self._text[name]

    def key(self, name: str) -> NDArray[Any]:
        """The column to sort and compare on: its codes when it is coded, else its text."""
        return self.columns[name] if name in self.labels and name in self.columns else self.text(name)

    def label(self, name: str, row: int) -> str:
        """The text of one row of the column."""
        labels = self.labels.get(name)
        return str(self.text(name)[row] if labels is None else labels[self.columns[name][row]])

    def equals(self, name: str, text: str) -> NDArray[np.bool_]:
        """Which rows of the column hold ``text``."""
        labels = self.labels.get(name)
        if labels is None or name not in self.columns:
            return np.asarray(self.text(name) == text)
        found = int(np.searchsorted(labels, text))
        if found == labels.size or labels[found] != text:
            return np.zeros(self.size, dtype=bool)
        return np.asarray(self.columns[name] == found)

    def floats(self, names: list[str]) -> Floats:
        """The columns as a people x columns float array (missing values and columns as 0)."""
        out = np.zeros((self.size, len(names)))
        for index, name in enumerate(names):
            if name in self.columns:
                values = self.columns[name]
                if values.dtype == object:
                    values = np.array([0.0 if value is None else float(value) for value in values])
                out[:, index] = values
                if values.dtype.kind == "f" and not np.isfinite(out[:, index]).all():
                    out[:, index] = np.nan_to_num(out[:, index])
        return out

    def subset(self, keep: NDArray[np.bool_]) -> Table:
        out = Table({}, ())
        out.columns = {name: values[keep] for name, values in self.columns.items()}
        out.labels = self.labels
        out.size = int(keep.sum())
        return out


def same_keys(left: Table, left_name: str, right: Table, right_name: str) -> tuple[NDArray[Any], NDArray[Any]]:
    """Two tables' columns to compare with each other: their codes when both are coded with
    the same labels, else their text."""
    mine, theirs = left.labels.get(left_name), right.labels.get(right_name)
    if (mine is not None and theirs is not None and left_name in left.columns and right_name in right.columns
            and (mine is theirs or np.array_equal(mine, theirs))):
        return left.columns[left_name], right.columns[right_name]
    return left.text(left_name), right.text(right_name)


def _in_order(keys: list[NDArray[np.str_]]) -> bool:
    """Whether the rows are in the order ``np.lexsort`` would give them (lexicographic on the
    keys; a stable sort leaves rows in order as they are)."""
    if keys[0].size < 2:
        return True
    ahead = np.zeros(keys[0].size - 1, dtype=bool)
    tied = np.ones(keys[0].size - 1, dtype=bool)
    for key in keys:
        ahead |= tied & (key[:-1] < key[1:])
        tied &= key[:-1] == key[1:]
    return bool((ahead | tied).all())


def _pct(after: float, before: float) -> float | None:
    return None if before <= 0 else (after - before) / before * 100.0


def _rate_change(sums: Floats) -> float | None:
    value = rate_change_pct(sums)
    return float(value) if np.isfinite(value) else None


def did_pct(sums: Floats) -> Floats:
    """Difference in differences on the rate scale, from sums of (member offences and days at
    risk before and after, the same for the comparison, and the comparison's offences on days
    it was itself on IOM in the after window).

    Without later joiners, theta = member rate ratio / comparison rate ratio - 1. Comparison
    people who joined IOM later are kept (leaving them out would select the comparison on its
    later offending, and censoring them at joining on its recent offending); IOM changed their
    offences on their IOM days by the same theta, so the comparison's after-window offences
    without IOM are pre + iom / (1 + theta), where pre and iom are its offences before and
    after its own joining. (Their offending is not spread evenly: people join after a rise, so
    a share of days would under-correct.) Solving
    member after = (1 + theta) x member before rate x comparison counterfactual rate after /
    comparison rate before, with K = member rate ratio x comparison rate before x comparison
    days at risk after: theta = (K - iom) / pre - 1.
    """
    with np.errstate(all="ignore"):
        member = (sums[..., 2] / sums[..., 3]) / (sums[..., 0] / sums[..., 1])
        k = member * (sums[..., 4] / sums[..., 5]) * sums[..., 7]
        iom = sums[..., 8]
        pre = sums[..., 6] - iom
        theta = (k - iom) / pre - 1.0
        return np.where(np.isfinite(theta) & (theta > -1.0) & (pre > 0) & (sums[..., 4] > 0),
                        theta * 100.0, np.nan)


def _change(sums: Floats) -> Floats:
    with np.errstate(all="ignore"):
        return np.where(sums[..., 0] > 0, (sums[..., 1] - sums[..., 0]) / sums[..., 0] * 100.0, np.nan)


def balance_rows(sums: Rows) -> list[dict[str, Any]]:
    """matching_balance: per variable, the means of members, the pool before matching and the
    matched comparison (each matched set weighing as one person: its people weigh 1/k each),
    and the standardised mean differences before and after matching (difference of means /
    square root of the mean of the two variances). Age is summed in months, shown in years."""
    # Rows in the order given within a group and variable (the report sorts them by member_id):
    # the matched sets' weighted sums are added in that order.
    table = Table(sums, ("group", "variable"))
    values = table.floats(["count", "total", "squares"])
    used = values[:, 0] > 0
    share = np.where(table.equals("group", "matched") & used, 1.0 / np.where(used, values[:, 0], 1.0), 1.0)
    stats: dict[tuple[str, str], tuple[float, float]] = {}
    counts: dict[str, float] = {}  # members with a value of each variable (not in the published table)
    index, distinct = _group_variable(table, used)
    weighted = values * share[:, None] if used.all() else values[used] * share[used][:, None]
    found = [np.bincount(index.reshape(-1), weights=weighted[:, column], minlength=len(distinct))
             for column in range(3)]
    for position, (group, variable) in enumerate(distinct):
        weight, total, squares = (float(found[column][position]) for column in range(3))
        if group == "members":
            counts[variable] = weight
        scale = 12.0 if variable == "age" else 1.0
        mean = total / weight
        stats[(group, variable)] = (mean / scale, max(0.0, squares / weight - mean**2) / scale**2)
    out = []
    for variable in BALANCE_VARIABLES:
        member = stats.get(("members", variable))
        if member is None:
            continue
        row: dict[str, Any] = {"variable": variable, "members_mean": member[0],
                               "members": counts.get(variable, 0.0)}
        for group, label in (("pool", "before"), ("matched", "after")):
            other = stats.get((group, variable))
            row[f"comparison_mean_{label}" if label == "after" else "pool_mean"] = None if other is None else other[0]
            spread = None if other is None else ((member[1] + other[1]) / 2.0) ** 0.5
            row[f"smd_{label}"] = (None if other is None or not spread else (member[0] - other[0]) / spread)
        out.append(row)
    return out


def _group_variable(table: Table, used: NDArray[np.bool_]) -> tuple[NDArray[np.int64], list[tuple[str, str]]]:
    """The (group, variable) of each used row as a bin number, and each bin's (group, variable).

    Rows sorted by group and variable (as the table sorts them) form one run per pair, found
    without sorting the text again; the bins' sums are added in row order either way."""
    if table.sorted_by[:2] == ("group", "variable"):
        groups, variables = table.key("group"), table.key("variable")
        starts = np.ones(groups.size, dtype=bool)
        starts[1:] = (groups[1:] != groups[:-1]) | (variables[1:] != variables[:-1])
        run = (np.cumsum(starts) - 1)[used]  # non-decreasing: its distinct values found in one pass
        fresh = np.ones(run.size, dtype=bool)
        fresh[1:] = run[1:] != run[:-1]
        index = np.cumsum(fresh) - 1
        first = np.flatnonzero(starts)[run[fresh]]
        return index.astype(np.int64), [(table.label("group", at), table.label("variable", at)) for at in first]
    keys = np.char.add(np.char.add(table.text("group"), "|"), table.text("variable"))
    distinct, index = np.unique(keys[used], return_inverse=True)
    pairs = [str(key).split("|", 1) for key in distinct]
    return index.astype(np.int64), [(group, variable) for group, variable in pairs]


def e_value(ratio: float | None) -> float | None:
    """VanderWeele and Ding's E-value of a rate ratio (taken as a risk ratio; 1 at no effect)."""
    if ratio is None or not np.isfinite(ratio) or ratio <= 0:
        return None
    ratio = 1.0 / ratio if ratio < 1.0 else ratio
    return float(ratio + math.sqrt(ratio * (ratio - 1.0)))


# --- The matched estimate's interval -------------------------------------------------------


class Pairs:
    """The matched sets as arrays: members (sets) and pairs with their comparison person."""

    def __init__(self, members: Table, pairs: Table) -> None:
        ids, pair_members = same_keys(members, "nominal_id", pairs, "member_id")
        lookup = np.argsort(ids, kind="stable")
        found = np.clip(np.searchsorted(ids, pair_members, sorter=lookup), 0, max(len(ids) - 1, 0))
        known = (len(ids) > 0) & (ids[lookup[found]] == pair_members) if len(ids) else np.zeros(pairs.size, bool)
        pairs = pairs.subset(known)
        self.member = lookup[found[known]].astype(np.int64)
        _, self.person = np.unique(pairs.key("nominal_id"), return_inverse=True)
        self.person = self.person.astype(np.int64).reshape(-1)
        self.n_members, self.n_people = members.size, int(self.person.max() + 1) if pairs.size else 0
        sizes = np.bincount(self.member, minlength=self.n_members).astype(np.float64)
        self.matched = sizes > 0
        self.member_values = members.floats(RATE_COLUMNS)
        self.member_lags = members.floats([*EARLY, *LATE])
        self.member_weeks = _weeks(members)
        share = 1.0 / np.maximum(sizes, 1.0)[self.member][:, None]
        self.pair_values = pairs.floats(PAIR_VALUES) * share
        self.pair_lags = pairs.floats([*EARLY, *LATE]) * share
        self.pair_weeks = _weeks(pairs) * share

    def sums(self) -> Floats:
        """The nine sums :func:`did_pct` takes, over the matched members."""
        return np.concatenate([self.member_values[self.matched].sum(axis=0), self.pair_values.sum(axis=0)])

    def pseudo_effects(self) -> dict[str, tuple[float, float] | None]:
        """The pseudo-effects and their z (:func:`iomhub.metrics.effect_checks.pseudo_effect`):
        ``placebo`` (the first year before joining against the second) and ``weeks`` (the
        weeks just before joining against the rest of the year before)."""
        keep = np.flatnonzero(self.matched)
        renumber = np.full(self.n_members, -1, dtype=np.int64)
        renumber[keep] = np.arange(keep.size)
        members = renumber[self.member]
        early_late = [(self.member_lags[keep][:, :4].sum(axis=1), self.member_lags[keep][:, 4:].sum(axis=1)),
                      (self.pair_lags[:, :4].sum(axis=1), self.pair_lags[:, 4:].sum(axis=1))]
        return {"placebo": pseudo_effect(np.stack(early_late[0], axis=1), np.stack(early_late[1], axis=1),
                                         members, self.person),
                "weeks": pseudo_effect(self.member_weeks[keep], self.pair_weeks, members, self.person)}


def _weeks(table: Table) -> Floats:
    """Offences in the year before joining less those of the weeks just before it, and those
    of the weeks (the joining month up to the day before joining)."""
    values = table.floats(["offences_before", JOINING_MONTH])
    return np.stack([values[:, 0] - values[:, 1], values[:, 1]], axis=1)


def _pair_covariance(member: Floats, pair: Floats, members: NDArray[np.int64], people: NDArray[np.int64],
                     n_members: int, n_people: int) -> Floats:
    """Covariance of the weighted sums (member columns, then pair columns) when members and
    comparison people get independent weights of mean 1 and variance 1: with C_i the sum of
    member i's pair values and D_j that of person j over every set they are in,
    sum_i [M_i, C_i][M_i, C_i]' + sum_j [0, D_j][0, D_j]' + sum_pairs [0, c][0, c]'."""
    width = member.shape[1]
    by_member = np.zeros((n_members, pair.shape[1]))
    np.add.at(by_member, members, pair)
    by_person = np.zeros((n_people, pair.shape[1]))
    np.add.at(by_person, people, pair)
    joint = np.concatenate([member, by_member], axis=1)
    cov: Floats = joint.T @ joint
    cov[width:, width:] += by_person.T @ by_person + pair.T @ pair
    return cov


def weighted_replicates(member: Floats, pair: Floats, members: NDArray[np.int64], people: NDArray[np.int64],
                        n_people: int, resampling: Resampling) -> Floats:
    """Replicates x columns of the two-way weighted sums (member columns, then pair columns)."""
    rng = np.random.default_rng(resampling.seed)
    n_members = member.shape[0]
    if n_members > EXACT_UP_TO:
        mean = np.concatenate([member.sum(axis=0), pair.sum(axis=0)])
        cov = _pair_covariance(member, pair, members, people, n_members, n_people)
        return rng.multivariate_normal(mean, cov, size=resampling.replicates, method="eigh")
    out = np.empty((resampling.replicates, member.shape[1] + pair.shape[1]))
    chunk = max(1, 2_000_000 // max(1, members.size + n_members))
    for begin in range(0, resampling.replicates, chunk):
        count = min(chunk, resampling.replicates - begin)
        u = rng.exponential(size=(count, n_members))
        v = rng.exponential(size=(count, n_people))
        out[begin:begin + count, :member.shape[1]] = u @ member
        out[begin:begin + count, member.shape[1]:] = (u[:, members] * v[:, people]) @ pair
    return out


def expanded_percentile(replicates: Floats, people: int, level: float) -> tuple[float | None, float | None]:
    """The percentile interval at the small-sample expanded level; None under ``MIN_PEOPLE``
    or when the figure is undefined in most replicates."""
    finite = replicates[np.isfinite(replicates)]
    if people < MIN_PEOPLE or finite.size * 2 < replicates.size:
        return None, None
    tail = NORMAL.cdf(-expanded_z(people, level)) * 100.0
    low, high = linear_percentiles(finite, [tail, 100.0 - tail])
    return low, high


def matched_interval(sets: Pairs, resampling: Resampling) -> tuple[float | None, float | None]:
    """The interval of the matched estimate."""
    keep = np.flatnonzero(sets.matched)
    renumber = np.full(sets.n_members, -1, dtype=np.int64)
    renumber[keep] = np.arange(keep.size)
    members = renumber[sets.member]
    people = int(keep.size)
    estimate = weighted_replicates(sets.member_values[keep], sets.pair_values, members, sets.person,
                                   sets.n_people, resampling)
    return expanded_percentile(did_pct(estimate), people, resampling.level)


# --- Checks and the verdict ----------------------------------------------------------------


def _check(name: str, value: float | None, threshold: float | None, passed: bool | None) -> dict[str, Any]:
    return {"check": name, "value": None if value is None else round(float(value), 4),
            "threshold": None if threshold is None else round(float(threshold), 4), "passed": passed}


def _lagged_threshold(members: float, matched: int, comparison_people: int) -> float:
    """0.1, or ``CHANCE_SE`` standard errors of a standardised difference between ``members``
    members and their comparison people (a share of them as large as the members' share of
    the ``matched``), when that is larger."""
    compared = max(comparison_people * members / max(matched, 1), 1.0)
    return max(GOOD_BALANCE, CHANCE_SE * math.sqrt(1.0 / max(members, 1.0) + 1.0 / compared))


def checks(people: int, matched: int, comparison_people: int, balance: list[dict[str, Any]],
           pseudo: dict[str, float | None], beyond: dict[str, bool | None]) -> list[dict[str, Any]]:
    """The checks of the matched estimate (see the module's docstring), in ``CHECKS`` order.

    ``pseudo`` holds the pseudo-effects (``placebo`` and ``weeks``, in %, None when they
    cannot be computed) and ``beyond`` whether each is beyond chance (family-wise, None when
    its test could not be run: :func:`iomhub.metrics.effect_checks.beyond_chance`)."""
    by_variable = {row["variable"]: row for row in balance}
    matched_smd = [(abs(row["smd_after"]), name) for name in MATCHED_VARIABLES
                   if (row := by_variable.get(name)) and row.get("smd_after") is not None]
    worsening = [abs(row["smd_after"]) - abs(row["smd_before"]) for name in MATCHED_VARIABLES
                 if (row := by_variable.get(name)) and row.get("smd_after") is not None
                 and row.get("smd_before") is not None]
    # each lagged variable against 0.1 or three of its standard errors, from the members who
    # have a value of it (offending two to four years before joining only where the data reach)
    lagged = sorted((abs(row["smd_after"]) / threshold, abs(row["smd_after"]), threshold)
                    for name in LAGGED_VARIABLES
                    if (row := by_variable.get(name)) and row.get("smd_after") is not None
                    for threshold in [_lagged_threshold(row.get("members") or matched, matched, comparison_people)])
    worst_matched = max(matched_smd)[0] if matched_smd else None

    def pseudo_check(name: str, key: str) -> dict[str, Any]:
        value, beyond_it = pseudo.get(key), beyond.get(key)
        return _check(name, value, PLACEBO_MATERIAL, None if value is None or beyond_it is None
                      else not (beyond_it and abs(value) > PLACEBO_MATERIAL))
    return [
        _check("people", matched, FEW_PEOPLE, matched >= FEW_PEOPLE),
        _check("matched_share", matched / people if people else None, MATCHED_SHARE,
               None if not people else matched >= MATCHED_SHARE * people),
        _check("balance_matched", worst_matched, GOOD_BALANCE,
               None if worst_matched is None else worst_matched < GOOD_BALANCE),
        _check("balance_no_worse", max(worsening) if worsening else None, NO_WORSE_MARGIN,
               None if not worsening else max(worsening) <= NO_WORSE_MARGIN),
        _check("balance_lagged", lagged[-1][1] if lagged else None, lagged[-1][2] if lagged else None,
               None if not lagged else lagged[-1][0] < 1.0),
        pseudo_check("placebo_pre_trend", "placebo"),
        pseudo_check("weeks_before_joining", "weeks"),
    ]


def _worst(balance: list[dict[str, Any]], names: tuple[str, ...], column: str = "smd_after") -> str:
    rows = [row for row in balance if row["variable"] in names and row.get(column) is not None]
    worst = max(rows, key=lambda row: abs(row[column]), default=None)
    return "" if worst is None else LABELS.get(worst["variable"], worst["variable"])


def failure_text(check: dict[str, Any], people: int, balance: list[dict[str, Any]]) -> str:
    """What a failed check means, for a board member."""
    name, value = check["check"], check["value"]
    if name == "people":
        return (f"only {value:.0f} IOM members could be compared with similar people, too few to draw "
                f"a conclusion (at least {FEW_PEOPLE} are needed)")
    if name == "matched_share":
        return (f"only {value * 100:.0f}% of the {people} members could be paired with similar people "
                "not on IOM, so the figure describes only part of the cohort")
    if name == "balance_matched":
        return (f"the comparison group still differs from IOM members in {_worst(balance, MATCHED_VARIABLES)}, "
                "so the two groups were not alike when members joined")
    if name == "balance_no_worse":
        return (f"pairing left the groups less alike in {_worst(balance, MATCHED_VARIABLES)} than before "
                "pairing")
    if name == "balance_lagged":
        failed = next((row["variable"] for row in balance if row["variable"] in LAGGED_VARIABLES
                       and row.get("smd_after") is not None and round(abs(row["smd_after"]), 4) == value), None)
        if failed == EARLIER:
            return ("IOM members' offending two to four years before joining differed from the comparison "
                    "group's: they were probably chosen partly on a longer criminal record than the pairing "
                    "looked at (as a risk score such as OGRS3 counts), so the groups may have been heading in "
                    "different directions anyway")
        worst = LABELS.get(failed, failed) if failed else _worst(balance, LAGGED_VARIABLES)
        return (f"IOM members' offending in the two years before joining followed a different path from "
                f"the comparison group's ({worst}), so the groups may have been heading in different "
                "directions anyway")
    if name == "weeks_before_joining":
        return ("in the weeks just before joining, which the pairing did not look at, IOM members already "
                f"offended {'more' if value > 0 else 'less'} than the comparison group "
                f"({abs(value):.0f}% {'more' if value > 0 else 'less'}, against their year before): they were "
                "probably chosen "
                "on something the records did not show, such as "
                f"{'intelligence that their offending was rising' if value > 0 else 'a spell of offending ending'}"
                ", so the two groups were not alike")
    return (f"a test on the two years before joining, when IOM cannot have had any effect, already shows "
            f"a difference of {value:+.0f}% between members and the comparison group: the method is "
            "picking up something other than IOM")


def verdict(estimate: float | None, low: float | None, high: float | None, reliable: bool,
            found: list[dict[str, Any]], people: int, balance: list[dict[str, Any]],
            e_values: tuple[float | None, float | None]) -> str:
    """The matched estimate's verdict in plain English."""
    failed = [failure_text(check, people, balance) for check in found if check["passed"] is False]
    if failed:
        return "Do not rely on this figure: " + "; ".join(failed) + "."
    if estimate is None or low is None or high is None:
        return "The comparison could not be made: too few people or offences to estimate."
    unchecked = [check["check"] for check in found if check["passed"] is None]
    caveat = (" The test on the years before joining could not be run (the data do not reach back "
              "two years)." if "placebo_pre_trend" in unchecked else "")
    interval_text = f"between {low:+.0f}% and {high:+.0f}%"
    if low <= 0 <= high:
        return (f"The comparison passed its checks, but shows no clear effect: IOM members' offending "
                f"changed by {estimate:+.0f}% against what similar people not on IOM suggest, and the "
                f"true change could be anywhere {interval_text}, including no change at all.{caveat}")
    direction = "less" if high < 0 else "more"
    strength = e_values[1]
    robust = ("" if strength is None else
              f" To explain it away, something the data do not show would have to make people both "
              f"more likely to join IOM and to offend by a factor of {strength:.1f} each.")
    return (f"The comparison passed its checks: in the year after joining, IOM members offended "
            f"{abs(estimate):.0f}% {direction} (per day out of custody) than similar people not on IOM "
            f"suggest they would have (likely {interval_text}).{robust}{caveat}")


def estimates(members_rows: Rows, pair_rows: Rows, comparison_people: int,
              balance: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
              resampling: Resampling) -> list[dict[str, Any]]:
    """effect_estimate: one row per method (naive, time_at_risk, matched_did).

    Columns: method, estimate_pct, ci_low_pct, ci_high_pct, offenders, comparison_offenders,
    offences_before, offences_after, verdict (plain English on whether the figure can be
    trusted), reliable, checks, e_value, e_value_ci (the last two for matched_did only).
    ``balance`` (the rows of :func:`balance_rows`, which the checks read) may be a function
    giving them, called once the rest is computed (the report computes the balance meanwhile).
    """
    members = Table(members_rows, ("nominal_id",))
    people = members.size
    counts = members.floats(["offences_before", "offences_after"])
    rates = members.floats(RATE_COLUMNS)
    before, after = (float(counts[:, 0].sum()), float(counts[:, 1].sum())) if people else (0.0, 0.0)
    too_few = (f"Only {people} people have a full year before and after joining: too few to estimate."
               if people < MIN_PEOPLE else
               f"Only {people} people have a full year before and after joining: too few to conclude "
               "anything." if people < FEW_PEOPLE else None)
    naive_low, naive_high = interval(counts, _change, resampling) if people else (None, None)
    risk_low, risk_high = interval(rates, rate_change_pct, resampling) if people else (None, None)
    plain = {"reliable": False, "checks": [], "e_value": None, "e_value_ci": None}
    rows: list[dict[str, Any]] = [
        {"method": "naive", "estimate_pct": _pct(after, before), "ci_low_pct": naive_low,
         "ci_high_pct": naive_high, "offenders": people, "comparison_offenders": None,
         "offences_before": int(before), "offences_after": int(after), **plain,
         "verdict": too_few or "Do not rely on this figure: it compares members' offending after joining "
                               "with the spell of high offending that got them chosen, which would have "
                               "eased anyway, and ignores time spent in custody."},
        {"method": "time_at_risk", "estimate_pct": _rate_change(rates.sum(axis=0)) if people else None,
         "ci_low_pct": risk_low, "ci_high_pct": risk_high, "offenders": people,
         "comparison_offenders": None, "offences_before": int(before), "offences_after": int(after), **plain,
         "verdict": too_few or "Do not rely on this figure: it allows for time in custody, but not for "
                               "the high offending that got members chosen, which would have eased anyway."},
    ]
    sets = Pairs(members, Table(pair_rows, ("member_id", "nominal_id")))
    matched = int(sets.matched.sum())
    estimate = float(did_pct(sets.sums())) if matched else float("nan")
    low, high = matched_interval(sets, resampling) if matched else (None, None)
    tested = sets.pseudo_effects() if matched else {"placebo": None, "weeks": None}
    finite = np.isfinite(estimate)
    balance = balance() if callable(balance) else balance
    found = checks(people, matched, comparison_people, balance,
                   {name: None if found is None else found[0] for name, found in tested.items()},
                   beyond_chance({name: None if found is None else found[1] for name, found in tested.items()},
                                 matched))
    reliable = bool(finite and low is not None and all(check["passed"] is not False for check in found))
    ratio = 1.0 + estimate / 100.0 if finite else None
    nearer = None if low is None or high is None else (1.0 if low <= 0 <= high else
                                                       1.0 + (high if high < 0 else low) / 100.0)
    e_values = (e_value(ratio), e_value(nearer))
    rows.append({"method": "matched_did", "estimate_pct": estimate if finite else None,
                 "ci_low_pct": low, "ci_high_pct": high, "offenders": matched,
                 "comparison_offenders": comparison_people,
                 "offences_before": int(sets.member_values[sets.matched, 0].sum()) if matched else 0,
                 "offences_after": int(sets.member_values[sets.matched, 2].sum()) if matched else 0,
                 "reliable": reliable, "checks": found, "e_value": e_values[0], "e_value_ci": e_values[1],
                 "verdict": verdict(estimate if finite else None, low, high, reliable, found, people,
                                    balance, e_values)})
    return rows


def time_at_risk_rows(members_rows: Rows, resampling: Resampling) -> list[dict[str, Any]]:
    """time_at_risk: per scheme of the first episode and ``all``, offences per 365 days at
    liberty before and after joining, pooled (sum of offences / sum of days at risk x 365) and
    per person (the mean of each person's rate, people with days at risk only), with the raw
    change beside the rate change and its interval."""
    members = Table(members_rows, ("nominal_id",))
    everyone = members.floats(RATE_COLUMNS)
    schemes = members.text("scheme")
    out = []
    for scheme in [*sorted(set(schemes.tolist())), "all"]:
        values = everyone if scheme == "all" else everyone[schemes == scheme]
        sums = values.sum(axis=0)
        low, high = interval(values, rate_change_pct, resampling)
        row: dict[str, Any] = {
            "scheme": scheme, "offenders": int(values.shape[0]), "offences_before": int(sums[0]),
            "offences_after": int(sums[2]), "change_pct": _pct(float(sums[2]), float(sums[0])),
            "risk_days_before": int(sums[1]), "risk_days_after": int(sums[3]),
            "rate_before": None if sums[1] <= 0 else float(sums[0] / sums[1] * 365.0),
            "rate_after": None if sums[3] <= 0 else float(sums[2] / sums[3] * 365.0),
            "rate_change_pct": _rate_change(sums), "rate_change_pct_ci_low": low,
            "rate_change_pct_ci_high": high}
        for side, count, days in (("before", 0, 1), ("after", 2, 3)):
            at_risk = values[:, days] > 0
            row[f"person_rate_{side}"] = (float((values[at_risk, count] / values[at_risk, days]).mean() * 365.0)
                                          if at_risk.any() else None)
        out.append(row)
    return out


__all__ = ["METHODS", "WINDOW_COLUMNS", "balance_rows", "did_pct", "estimates", "time_at_risk_rows"]
