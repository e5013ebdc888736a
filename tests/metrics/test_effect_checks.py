"""The pseudo-effect tests of the matched estimate: their variance with reused comparison
people (Cameron, Gelbach and Miller's two-way clustering) and Holm's family-wise rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iomhub.metrics import effect_checks


def test_pseudo_effect_by_hand() -> None:
    # Members (reference, test): (4, 3) and (2, 1); each with one comparison person: A (3, 1),
    # B (5, 1). theta = (4 / 6) / (2 / 8) - 1 = +166.7%. Influences with g = (-1/6, 1/4) for
    # members and (1/8, -1/2) for pairs: pairs A -1/8, B +1/8; members -2/3 + 3/4 - 1/8 = -1/24
    # and -1/3 + 1/4 + 1/8 = +1/24. Nobody is reused, so the person and pair terms cancel:
    # V = 2 / 24^2, and z = ln(8/3) / sqrt(V).
    found = effect_checks.pseudo_effect(np.array([[4.0, 3.0], [2.0, 1.0]]), np.array([[3.0, 1.0], [5.0, 1.0]]),
                                        np.array([0, 1]), np.array([0, 1]))
    assert found is not None
    theta, z = found
    assert theta == pytest.approx(500.0 / 3)
    assert z == pytest.approx(math.log(8.0 / 3.0) / math.sqrt(2.0 / 24.0**2))


def test_no_pseudo_effect_without_offences() -> None:
    assert effect_checks.pseudo_effect(np.array([[0.0, 3.0]]), np.array([[3.0, 1.0]]), np.array([0]),
                                       np.array([0])) is None


def _null_z(rng: np.random.Generator, members: int = 150, pool: int = 40, k: int = 3) -> tuple[float, float]:
    """z of a pseudo-effect in a unit with no difference, comparison people heavily reused
    (150 members x 3 from 40 people), with the two-way variance and with members' clusters only."""
    def counts(size: int) -> np.ndarray:
        rate, trend = rng.gamma(2.0, 1.0, size), rng.lognormal(0.0, 0.6, size)
        return np.stack([rate * 4.0, rate * trend], axis=1)

    member = rng.poisson(counts(members)).astype(np.float64)
    people = rng.integers(0, pool, members * k)
    person_rates = counts(pool)
    pair = rng.poisson(person_rates[people]).astype(np.float64) / k
    owners = np.repeat(np.arange(members), k)
    found = effect_checks.pseudo_effect(member, pair, owners, people)
    assert found is not None
    sums = np.concatenate([member.sum(axis=0), pair.sum(axis=0)])
    influence = (member @ np.array([-1 / sums[0], 1 / sums[1]])
                 + np.bincount(owners, weights=pair @ np.array([1 / sums[2], -1 / sums[3]]), minlength=members))
    return found[1], math.log(found[0] / 100.0 + 1.0) / math.sqrt(float(influence @ influence))


def test_the_variance_allows_for_comparison_people_used_many_times() -> None:
    # With no difference, |z| > 1.96 in 5% of units when the variance is right (1,000 units:
    # a standard error of 0.7 points); clustering by member alone ignores that one person's
    # path moves many sets, and raises false alarms well above 5%.
    rng = np.random.default_rng(3)
    found = np.array([_null_z(rng) for _ in range(1000)])
    two_way, by_member = np.mean(np.abs(found[:, 0]) > 1.96), np.mean(np.abs(found[:, 1]) > 1.96)
    assert 0.03 < two_way < 0.075, two_way
    assert by_member > 0.12, by_member


# With 1,000 people the expanded critical values are close to the normal's: 1.96 at 5%,
# 2.24 at 2.5%.
@pytest.mark.parametrize(
    ("z", "people", "expected"),
    [
        # The stronger (3.0) is tested at 2.5% (2.24): beyond; then the other at 5% (1.96).
        ({"placebo": -2.1, "weeks": 3.0}, 1000, {"placebo": True, "weeks": True}),
        # Each would be beyond chance alone at 5%, but the stronger is not at 2.5%: neither is.
        ({"placebo": 2.1, "weeks": -2.2}, 1000, {"placebo": False, "weeks": False}),
        # A test that could not be run leaves a family of one, tested at 5%.
        ({"placebo": None, "weeks": 2.1}, 1000, {"placebo": None, "weeks": True}),
        # Under 10 people nothing is tested.
        ({"placebo": 9.0, "weeks": 9.0}, 9, {"placebo": None, "weeks": None}),
    ],
    ids=["holm-not-bonferroni", "multiplicity", "one-not-run", "too-few"],
)
def test_holm_step_down(z: dict[str, float | None], people: int, expected: dict[str, bool | None]) -> None:
    assert effect_checks.beyond_chance(z, people) == expected


def test_family_wise_false_alarms_are_held_at_five_percent() -> None:
    # Two independent pseudo-effects with no difference: a false alarm in either is about
    # 1 - 0.95^2 = 9.75% at 5% each, and at most 5% with Holm's step-down (20,000 units: a
    # standard error of 0.15 points).
    z = np.random.default_rng(7).normal(size=(20_000, 2))
    alarms = [any(effect_checks.beyond_chance({"placebo": a, "weeks": b}, 5000).values()) for a, b in z]
    assert 0.09 < np.mean(np.any(np.abs(z) > 1.96, axis=1)) < 0.105
    assert 0.045 < np.mean(alarms) < 0.053
