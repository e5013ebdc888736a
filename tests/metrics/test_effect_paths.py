"""The effect tables' faster paths against the plain computations they replace, row for row."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl
import pytest

from iomhub.metrics import effect
from iomhub.metrics.common import as_int

MONTHS = [(24180, 16800), (24181, 16831), (24182, 16859), (24186, 16981)]  # (month, its first day)


def lazy(**columns: Any) -> Any:
    return nw.from_native(pl.DataFrame(columns).lazy())


def days_in_custody(windows: Any, keys: list[str], spans: Any, first: str, last: str, carry: list[str]) -> Any:
    """keys and ``custody_days``, one side at a time: the plain computation (one join of the
    windows to the stays per side) that ``custody.days_in_custody_by_side`` replaced."""
    days = (nw.min_horizontal(nw.col("c_last"), nw.col(last))
            - nw.max_horizontal(nw.col("c_first"), nw.col(first)) + 1)
    return (windows.select(*keys, *carry, first, last).join(spans, on="nominal_id", how="inner")
            .filter((nw.col("c_first") <= nw.col(last)) & (nw.col("c_last") >= nw.col(first)))
            .group_by(*keys).agg(days.sum().alias("custody_days"))
            .with_columns(*as_int("custody_days")))


def histories_by_month(by_month: Any, months: list[tuple[int, int]], matching: Any, carry: Any = None) -> Any:
    """The same table as :func:`effect.histories`, for a few joining months, the way the report
    computes it (:func:`effect.wide_histories`, then :func:`effect.long_histories`)."""
    return effect.long_histories(effect.wide_histories(by_month, months, matching, carry), months)


def rows(frame: Any, keys: list[str]) -> list[dict[str, Any]]:
    native = frame.collect().to_native()
    found: list[dict[str, Any]] = native.select(sorted(native.columns)).sort(keys).to_dicts()
    return found


def monthly(seed: int, big: int) -> Any:
    """People 0..299 with offences in some of the months 24140..24190; a few counts up to ``big``."""
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, 300, 3000) * 100 + rng.integers(40, 91, 3000))
    counts = rng.integers(1, 4, len(keys))
    counts[rng.integers(0, len(keys), 5)] = big
    return lazy(nominal_id=(keys // 100).tolist(), offence_month=(24100 + keys % 100).tolist(),
                offences=counts.tolist())


def months_frame() -> Any:
    return lazy(month=[month for month, _ in MONTHS], month_first_day=[day for _, day in MONTHS])


@pytest.mark.parametrize("big", [3, 700, 3_000_000], ids=["counts-in-2-bits", "in-10-bits", "in-22-bits"])
def test_histories_from_packed_monthly_sums_are_the_spread_histories(big: int) -> None:
    # The packed sums hold 26, 5 and 2 months each: every split of the 47 months is exercised.
    matching = effect.Matching()
    by_month = monthly(1, big)
    carry = lazy(nominal_id=list(range(300)), birth_day=[person * 7 for person in range(300)])
    packed = histories_by_month(by_month, MONTHS, matching, carry)
    spread = effect.histories(by_month, months_frame(), matching, carry)
    found, expected = rows(packed, ["nominal_id", "month"]), rows(spread, ["nominal_id", "month"])
    assert found == expected
    assert max(row["prior"] for row in found) >= big


def test_the_histories_of_a_few_people_are_their_rows_of_everyones() -> None:
    # People 250..349 at one of the months each (those from 300 never offended).
    wide = effect.wide_histories(monthly(3, 3), MONTHS, effect.Matching(), lazy(nominal_id=list(range(300))))
    asked = lazy(nominal_id=list(range(250, 350)), month=[MONTHS[person % 4][0] for person in range(100)])
    columns = ["nominal_id", "month", "prior", "recent", "months_since_last"]
    found = rows(effect.histories_of(wide, asked, MONTHS), ["nominal_id"])
    everyone = effect.long_histories(wide, MONTHS).join(asked, on=["nominal_id", "month"], how="inner")
    assert found == rows(everyone.select(columns), ["nominal_id"])
    assert 20 < len(found) < 100


def test_months_of_offending_are_grouped_within_the_months_asked() -> None:
    # Person 0: two offences in month 24181 (January 2015: 2015 x 12 + 0 + 1 = 24181), one in
    # 24183; person 1 one in 24182. From 24181 to 24182: person 0's two and person 1's one.
    offences = lazy(nominal_id=[0, 0, 0, 1], offence_date=pl.Series(
        ["2015-02-03", "2015-02-28", "2015-04-01", "2015-03-15"]).str.to_date())
    found = rows(effect.monthly_offences(offences, 24181, 24182), ["nominal_id", "offence_month"])
    assert found == [{"nominal_id": 0, "offence_month": 24181, "offences": 2},
                     {"nominal_id": 1, "offence_month": 24182, "offences": 1}]


def spans_of(seed: int) -> Any:
    """Non-overlapping stays for people 0..299, around the months' first days."""
    rng = np.random.default_rng(seed)
    people, firsts, lasts = [], [], []
    for person in range(0, 300, 2):
        day = 16700 + int(rng.integers(0, 60))
        for _ in range(int(rng.integers(1, 4))):
            length = int(rng.integers(1, 90))
            people.append(person)
            firsts.append(day)
            lasts.append(day + length - 1)
            day += length + int(rng.integers(1, 40))
    return lazy(nominal_id=people, c_first=firsts, c_last=lasts)


def test_the_pools_custody_from_its_month_numbers_is_the_custody_of_the_stays() -> None:
    matching = effect.Matching()
    spans = spans_of(2)
    carry = lazy(nominal_id=list(range(300)), birth_day=[0] * 300).join(
        effect.custody_months(spans, MONTHS), on="nominal_id", how="left")
    history = histories_by_month(monthly(2, 3), MONTHS, matching, carry)
    looked_up = effect._in_custody(history.drop("in_custody"), spans, months_frame())
    found = rows(history, ["nominal_id", "month"])
    assert found == rows(looked_up, ["nominal_id", "month"])
    assert 0 < sum(row["in_custody"] for row in found) < len(found)


def pool_and_members(seed: int) -> tuple[Any, Any, Any]:
    """A pool of 3,000 people at two months, its members, and their stays."""
    rng = np.random.default_rng(seed)
    size = 3000
    history = pl.DataFrame({
        "nominal_id": np.tile(np.arange(size), 2), "month": np.repeat([24180, 24181], size),
        "month_first_day": np.repeat([16800, 16831], size), "prior": rng.integers(3, 6, 2 * size),
        "recent": rng.integers(0, 2, 2 * size), "months_since_last": rng.integers(1, 3, 2 * size),
        "gender_code": np.zeros(2 * size, dtype=np.int64), "birth_day": np.tile(rng.integers(-4000, 9000, size), 2)})
    stays = spans_of(seed).to_native().collect()
    stays = nw.from_native(stays.with_columns(pl.col("c_first") + 30, pl.col("c_last") + 30).lazy())
    members = nw.from_native(history.filter(pl.col("nominal_id") < 200).lazy())
    return nw.from_native(history.lazy()), effect._in_custody(members, stays), stays


@pytest.mark.parametrize("carried_custody", [False, True], ids=["custody-looked-up", "custody-carried"])
def test_candidates_thinned_before_the_members_cells_are_those_thinned_after(carried_custody: bool) -> None:
    history, members, spans = pool_and_members(3)
    months = members.select("month", "month_first_day").unique()
    people = history.select("nominal_id", "birth_day").unique().with_columns(
        nw.lit("male").alias("gender"), nw.lit("NW").alias("area"), nw.lit(23800).alias("birth_month"),
        nw.lit(0).alias("gender_code"))
    joins = lazy(nominal_id=[0], anchor=pl.Series(["2015-02-10"]).str.to_date())
    pool = (effect._in_custody(history, spans, months) if carried_custody else history)
    found = effect.candidate_profiles(joins, pool, members, people, spans, effect.Matching())
    # As it was: the pool joined to the members' cells first, each cell counted, then thinned.
    scramble = (nw.col("birth_day") * 2654435761 + nw.col("month") * 40503) % 4294967291
    cells = effect.with_bands(members).select(effect.exact_key()).unique()
    expected = (effect._in_custody(effect.with_bands(history), spans, months).with_columns(effect.exact_key())
                .join(cells, on="exact", how="inner")
                .with_columns(nw.col("nominal_id").count().over("exact").alias("cell_size"))
                .filter(scramble * nw.col("cell_size") < nw.lit(effect.CELL_RESERVOIR * 4294967291)))
    columns = ["nominal_id", "month", "prior", "recent", "months_since_last", "in_custody", "exact"]
    kept = rows(found.select(columns), ["nominal_id", "month"])
    assert kept == rows(expected.select(columns), ["nominal_id", "month"])
    assert 4 * effect.CELL_RESERVOIR < len(kept) < 32 * effect.CELL_RESERVOIR  # 16 cells thinned to about 40
    assert sum(row["in_custody"] for row in kept) > 0


@pytest.mark.parametrize("caliper", [0.02, 0.3, 5.0])
def test_matches_are_the_first_of_every_eligible_candidate_ranked(caliper: float) -> None:
    # One exact cell; distances from prior offences, ages and areas, with many ties.
    rng = np.random.default_rng(4)

    def frame(people: int, first: int) -> Any:
        return lazy(nominal_id=list(range(first, first + people)), month=[24183] * people,
                    prior=rng.integers(3, 6, people).tolist(), recent=[2] * people,
                    months_since_last=rng.integers(7, 13, people).tolist(),
                    birth_month=rng.integers(23700, 23720, people).tolist(),
                    area=rng.choice(["NW", "NE"], people).tolist(), gender_code=[0] * people,
                    in_custody=[False] * people, anchor_day=[16600] * people,
                    joined_day=[[None, 16500, 16700][pick] for pick in rng.integers(0, 3, people)])

    profiles = effect._with_age(frame(40, 0))
    candidates = effect.with_bands(effect._with_age(frame(120, 20))).with_columns(effect.exact_key())
    matching = effect.Matching(neighbours=3, caliper=caliper)
    found = rows(effect.matches(profiles, candidates, matching), ["member_id", "nominal_id"])
    ranked = defaultdict(list)
    for row in rows(effect.candidate_pairs(profiles, candidates, matching), ["member_id", "units", "nominal_id"]):
        ranked[row["member_id"]].append(row)
    expected = []
    for member, pairs in ranked.items():
        kept = [row for rank, row in enumerate(pairs, 1)
                if rank <= 3 and (rank == 1 or row["units"] <= round(caliper * effect.DISTANCE_UNITS))]
        expected += [{"member_id": member, "nominal_id": row["nominal_id"], "distance": row["distance"],
                      "weight": 1.0 / len(kept)} for row in kept]
    assert found == sorted(expected, key=lambda row: (row["member_id"], row["nominal_id"]))
    assert len({row["member_id"] for row in found}) == 40
    beyond = [row for row in found if row["distance"] > caliper]
    assert bool(beyond) == (caliper < 1)  # within a narrow caliper, some members keep only their nearest


@pytest.mark.parametrize("most", [None, 0, 1 << 30], ids=["counted-one-by-one", "packed-9-bits", "packed-31-bits"])
def test_offences_on_iom_and_both_sides_custody_in_one_pass_each(most: int | None) -> None:
    rng = np.random.default_rng(5)
    pairs = 200
    anchor = rng.integers(16700, 16760, pairs)
    windows = lazy(pair=list(range(pairs)), nominal_id=rng.integers(0, 40, pairs).tolist(),
                   anchor_day=anchor.tolist(), before_first=(anchor - 365).tolist(),
                   after_last=(anchor + 364).tolist(), month_first_day=(anchor - 10).tolist(),
                   iom_from=[None if flip else int(day) for flip, day in
                             zip(rng.integers(0, 2, pairs), anchor + rng.integers(0, 400, pairs), strict=True)])
    # Person 0 offends 300 times in the ten days before the earliest anchor: counts over 255.
    offences = lazy(nominal_id=[*rng.integers(0, 40, 4000).tolist(), *[0] * 300],
                    offence_date=pl.Series([*rng.integers(16000, 17200, 4000), *rng.integers(16690, 16700, 300)])
                    .cast(pl.Date))
    spans = spans_of(5).to_native().collect().filter(pl.col("nominal_id") < 40)
    spans = nw.from_native(spans.with_columns(pl.col("c_first") - 300, pl.col("c_last") - 300).lazy())
    if most == 0:  # the most offences of any one person, in 9 bits
        most = offences.group_by("nominal_id").agg(nw.len()).collect().to_native()["len"].max()
        assert most is not None and most.bit_length() == 9
    found = rows(effect.window_outcomes(windows, ["pair"], offences, spans, iom_from="iom_from", most=most), ["pair"])
    plain = rows(effect.window_outcomes(windows, ["pair"], offences, spans), ["pair"])
    assert [{k: v for k, v in row.items() if k != "iom_offences_after"} for row in found] == plain
    days = offences.to_native().collect().with_columns(pl.col("offence_date").cast(pl.Int64).alias("day"))
    for window, row in zip(rows(windows, ["pair"]), found, strict=True):
        held = days.filter((pl.col("nominal_id") == window["nominal_id"]) & (pl.col("day") >= window["iom_from"])
                           & (pl.col("day") <= window["after_last"])).height if window["iom_from"] else 0
        assert row["iom_offences_after"] == held
    sided = windows.with_columns((nw.col("anchor_day") - 1).alias("before_last"))
    sides = {"before": ("before_first", "before_last"), "after": ("anchor_day", "after_last")}
    for side, (first, last) in sides.items():
        held_days = days_in_custody(sided, ["pair"], spans, first, last, ["nominal_id"])
        alone = {row["pair"]: row["custody_days"] for row in rows(held_days, ["pair"])}
        assert [row[f"custody_days_{side}"] for row in found] == [alone.get(pair, 0) for pair in range(pairs)]
    assert sum(row["custody_days_before"] > 0 for row in found) > 10
    assert sum(row["iom_offences_after"] > 0 for row in found) > 10
    assert max(row["q1"] for row in found) > 255
