"""The matched estimate's pseudo-effects, their variance with reused comparison people, and
which of them are beyond chance with the family-wise error held.

Two checks of :mod:`iomhub.metrics.effect_estimates` test a difference that IOM cannot have
caused: the pre-trend placebo (``placebo_pre_trend``) and the weeks just before joining
(``weeks_before_joining``). Each is a difference in differences on the rate scale from four
sums, members' offences in a reference period and a test period, then their comparison
people's (each matched set weighing as one person):
theta = (member test / member reference) / (comparison test / comparison reference) - 1.

**Variance.** Comparison people are matched with replacement, so one person can sit in
several members' sets, and those sets are not independent (Abadie and Imbens, 2006, 2008).
The variance of log(1 + theta) is the two-way cluster-robust variance of Cameron, Gelbach and
Miller (2011) of its linearisation: with a_ij the influence of pair (i, j) and m_i that of
member i's own counts, V = sum_i (m_i + sum_j a_ij)^2 + sum_j (sum_i a_ij)^2 - sum_ij a_ij^2
(clustered by member, plus clustered by comparison person, less the pairs counted twice).
With nobody reused it is the variance of independent matched sets; each reuse adds the
covariance it causes. (The estimate's own interval uses the two-way weighted bootstrap,
which counts the pairs' variance three times over: safe for an interval, but a test at that
variance would miss real differences.)

**Beyond chance, family-wise.** A sound unit passes each test at the 5% level 95% of the time,
but two such tests only about 90% of the time. Holm's (1979) step-down procedure holds the
chance of any false alarm among them to 5% (the family-wise error rate), with more power than
Bonferroni: the test with the largest |z| is compared with the 5% / m critical value, the
next with 5% / (m - 1), and so on, stopping at the first that is not beyond it. The critical
values are expanded for small numbers as every interval of the report is
(:func:`iomhub.metrics.uncertainty.expanded_z`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from iomhub.metrics.uncertainty import MIN_PEOPLE, Floats, expanded_z

FAMILY_ALPHA = 0.05  # the chance of any false alarm among the pseudo-effect tests of a sound unit


def pseudo_effect(member: Floats, pair: Floats, members: NDArray[np.int64], people: NDArray[np.int64],
                  ) -> tuple[float, float] | None:
    """theta (in %) and its z (log(1 + theta) over its two-way clustered standard error).

    ``member`` is members x (reference, test) counts; ``pair`` is pairs x (reference, test),
    each already divided by the size of its set; ``members`` and ``people`` number each
    pair's member (a row of ``member``) and comparison person. None when a sum is 0."""
    sums = np.concatenate([member.sum(axis=0), pair.sum(axis=0)])
    if member.shape[0] == 0 or not np.all(sums > 0):
        return None
    ratio = (sums[1] / sums[0]) / (sums[3] / sums[2])
    pair_influence = pair @ np.array([1.0 / sums[2], -1.0 / sums[3]])
    member_influence = (member @ np.array([-1.0 / sums[0], 1.0 / sums[1]])
                        + np.bincount(members, weights=pair_influence, minlength=member.shape[0]))
    person_influence = np.bincount(people, weights=pair_influence)
    by_member, by_person = float(member_influence @ member_influence), float(person_influence @ person_influence)
    variance = by_member + by_person - float(pair_influence @ pair_influence)
    if variance <= 0.0:  # possible in principle (Cameron, Gelbach and Miller, 2011, section 2.3)
        variance = max(by_member, by_person)
    z = math.log(ratio) / math.sqrt(variance) if variance > 0.0 else (0.0 if ratio == 1.0 else math.inf)
    return (ratio - 1.0) * 100.0, z


def beyond_chance(z: Mapping[str, float | None], people: int,
                  alpha: float = FAMILY_ALPHA) -> dict[str, bool | None]:
    """Holm's step-down: which tests (by name, each with its z) reject "no difference" with
    the family-wise error held at ``alpha``. None for a test that could not be run (no z, or
    under ``MIN_PEOPLE`` people); tests not run do not count in the family."""
    run = sorted(((abs(value), name) for name, value in z.items() if value is not None), reverse=True)
    out: dict[str, bool | None] = dict.fromkeys(z)
    if people < MIN_PEOPLE:
        return out
    rejecting = True
    for order, (strength, name) in enumerate(run):
        rejecting = rejecting and strength > expanded_z(people, 1.0 - alpha / (len(run) - order))
        out[name] = rejecting
    return out


__all__ = ["FAMILY_ALPHA", "beyond_chance", "pseudo_effect"]
