"""Small-number suppression of the provider, risk, needs, treatment and effect tables
(``reports/suppression.py``): hand-checked tables, each with its arithmetic in the comments."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from iomhub.reports.documents.cells import text
from iomhub.reports.model import CONFIDENTIAL
from iomhub.reports.suppression import suppress_tables
from tests.reports.test_suppression import caseload_frame, scheme_table

DAY = date(2016, 3, 31)


def withheld_by(frame: pl.DataFrame, table: str, key: str, tables: dict[str, pl.DataFrame]) -> dict[Any, set[str]]:
    """The withheld columns of ``table`` by the value of its ``key`` column (rows with none left out)."""
    cells = suppress_tables(tables).get(table, set())
    keys = frame[key].to_list()
    out: dict[Any, set[str]] = {}
    for i, column in cells:
        out.setdefault(keys[i], set()).add(column)
    return out


def providers(nps: int, crc: int) -> pl.DataFrame:
    return pl.DataFrame({"scheme": ["priority", "priority"], "date": [DAY, DAY], "provider": ["NPS", "CRC"],
                         "count": [nps, crc]})


def status(statutory: int) -> pl.DataFrame:
    return pl.DataFrame({"scheme": ["priority", "priority"], "date": [DAY, DAY], "status": ["community", "custody"],
                         "count": [20, 6], "statutory": [statutory, 0]})


def test_statutory_by_provider_adds_up_to_statutory() -> None:
    # NPS 3 (primary) + CRC 8 = 11 = priority's community statutory: a line, so CRC's 8 goes too
    # (11 - 8 would give the 3): NPS + CRC = 11, each at most 11, NPS anywhere from 0 to 11. The
    # statutory 11 stays: it is a total (the sum of two withheld cells).
    frame = providers(3, 8)
    tables = {"statutory_by_provider": frame, "caseload_status": status(11)}
    assert withheld_by(frame, "statutory_by_provider", "provider", tables) == {"NPS": {"count"}, "CRC": {"count"}}
    assert "caseload_status" not in suppress_tables(tables)


def test_statutory_by_provider_double_counted_still_bounds() -> None:
    # 3 + 8 = 11 but the statutory count is 10 (someone has both providers): no line, but the
    # providers cover everyone statutorily managed, so NPS + 8 >= 10 and NPS >= 2 (not 0). CRC
    # goes too: NPS + CRC >= 10, each at most 10, NPS anywhere from 0 to 10.
    frame = providers(3, 8)
    tables = {"statutory_by_provider": frame, "caseload_status": status(10)}
    assert withheld_by(frame, "statutory_by_provider", "provider", tables) == {"NPS": {"count"}, "CRC": {"count"}}


def test_risk_tiers_add_up_to_caseload() -> None:
    # red 2 (primary), amber 7, green 12, unassessed 0; the caseload on the date is 21 = 2 + 7 + 12 + 0.
    # The line's smallest shown positive member is amber's 7; the 0 and the 21 stay.
    frame = pl.DataFrame({"date": [DAY] * 4, "tier": ["red", "amber", "green", "unassessed"],
                          "count": [2, 7, 12, 0]})
    tables = {"risk_tiers": frame, "caseload": caseload_frame({("priority", "A"): 21})}
    assert withheld_by(frame, "risk_tiers", "tier", tables) == {"red": {"count"}, "amber": {"count"}}
    assert "caseload" not in suppress_tables(tables)
    # without the caseload (no shown total) only the red 2 goes
    assert withheld_by(frame, "risk_tiers", "tier", {"risk_tiers": frame}) == {"red": {"count"}}


def test_needs_first_assessment() -> None:
    # accommodation: 3 assessed (primary) -> its 2 identified and every average and % too;
    # education: 12 assessed, 4 identified (primary) -> avg_when_scored (sum / 4) and the % go, and
    # the cumulative average too: 0.5 x 12 = 6 is the sum of the scores, and at most 6 people can
    # score above 0 with whole scores summing to 6; drugs: 10 assessed, 0 identified -> 0 is shown.
    frame = pl.DataFrame({"pathway": ["accommodation", "education", "drugs"], "assessments": [3, 12, 10],
                          "identified": [2, 4, 0], "cumulative_avg": [1.0, 0.5, 0.0],
                          "avg_when_scored": [1.5, 1.5, None], "identified_pct": [66.7, 33.3, 0.0]})
    assert withheld_by(frame, "needs_first_assessment", "pathway", {"needs_first_assessment": frame}) == {
        "accommodation": {"assessments", "identified", "cumulative_avg", "avg_when_scored", "identified_pct"},
        "education": {"identified", "cumulative_avg", "avg_when_scored", "identified_pct"}}


def test_treatment_completions() -> None:
    # opiates 20 in treatment, 3 successful (primary) -> the 3 and 15.0%; alcohol 4 (primary) -> its 1
    # and 25.0% too; non-opiates 9 and 0 stay (no total row: no line).
    frame = pl.DataFrame({"substance": ["opiates", "alcohol", "non_opiates"], "in_treatment": [20, 4, 9],
                          "successful": [3, 1, 0], "successful_pct": [15.0, 25.0, 0.0]})
    assert withheld_by(frame, "treatment_completions", "substance", {"treatment_completions": frame}) == {
        "opiates": {"successful", "successful_pct"},
        "alcohol": {"in_treatment", "successful", "successful_pct"}}


def risk_rows(basis: str, schemes: dict[str, tuple[int, int, int]]) -> list[dict[str, Any]]:
    """time_at_risk rows of one basis from (offenders, before, after) per scheme, with ``all``;
    days at risk 300 per person before and after, rates from them."""
    total = tuple(sum(v[k] for v in schemes.values()) for k in range(3))
    rows = []
    for scheme, (people, before, after) in [*schemes.items(), ("all", total)]:
        rows.append({"basis": basis, "scheme": scheme, "offenders": people, "offences_before": before,
                     "offences_after": after, "change_pct": (after - before) / before * 100,
                     "risk_days_before": 300 * people, "risk_days_after": 300 * people,
                     "rate_before": before / (300 * people) * 365, "rate_after": after / (300 * people) * 365,
                     "rate_change_pct": (after - before) / before * 100, "rate_change_pct_ci_low": -50.0,
                     "rate_change_pct_ci_high": 10.0, "person_rate_before": 1.0, "person_rate_after": 0.5})
    return rows


ROW_FIGURES = {"offenders", "offences_before", "offences_after", "change_pct", "risk_days_before",
               "risk_days_after", "rate_before", "rate_after", "rate_change_pct", "rate_change_pct_ci_low",
               "rate_change_pct_ci_high", "person_rate_before", "person_rate_after"}


def effect_rows(people: int, before: int, after: int, matched: int, comparison: int,
                verdicts: tuple[str | None, str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame({
        "method": ["naive", "time_at_risk", "matched_did"], "estimate_pct": [-20.0, -15.0, -5.0],
        "ci_low_pct": [-40.0, -35.0, -30.0], "ci_high_pct": [0.0, 5.0, 20.0],
        "offenders": [people, people, matched], "comparison_offenders": [None, None, comparison],
        "offences_before": [before, before, before - 2], "offences_after": [after, after, after - 1],
        "verdict": list(verdicts)})


def test_time_at_risk_lines_within_each_basis_and_with_reoffending() -> None:
    # fixed_period: priority 12, enhanced 3, standard 9, all 24 people (40/6/20 -> 30/2/25 offences),
    # the same counts as reoffending_by_scheme (one-member lines: what goes in one goes in the
    # other). Enhanced's 3 is primary, its whole row with it, and as in
    # test_primary_row_and_the_cells_the_audit_adds each count column takes one more cell so that
    # enhanced's reaches from its floor to 5: priority's 12 people and 30 offences after, standard's
    # 20 before. Days at liberty go with the people they are of, rates with their offences and
    # days, changes with their offences.
    # join_anchored: priority 2 (primary), standard 10, all 12: standard's row goes (the line's
    # only other member). effect_estimate repeats the join_anchored all row (12 people, 30 -> 24
    # offences) and join_windows' eligible 12; too_early 3 is primary, too_recent 0 shown.
    fixed = risk_rows("fixed_period", {"priority": (12, 40, 30), "enhanced": (3, 6, 2), "standard": (9, 20, 25)})
    anchored = risk_rows("join_anchored", {"priority": (2, 5, 4), "standard": (10, 25, 20)})
    frame = pl.DataFrame([*fixed, *anchored])
    windows = pl.DataFrame({"status": ["eligible", "too_early", "too_recent"], "people": [12, 3, 0]})
    effect = effect_rows(12, 30, 24, 10, 40, ("overstates", "allows for custody", None))
    tables = {"time_at_risk": frame, "reoffending_by_scheme": scheme_table(), "join_windows": windows,
              "effect_estimate": effect}
    cells = suppress_tables(tables)
    rows = frame.select("basis", "scheme").rows()
    by_row: dict[tuple[str, str], set[str]] = {}
    for i, column in cells["time_at_risk"]:
        by_row.setdefault(rows[i], set()).add(column)
    rates = {"rate_change_pct", "rate_change_pct_ci_low", "rate_change_pct_ci_high", "change_pct"}
    before = {"rate_before", "person_rate_before"}
    after = {"rate_after", "person_rate_after"}
    days = {"risk_days_before", "risk_days_after"}
    assert by_row == {("fixed_period", "enhanced"): ROW_FIGURES,
                      ("fixed_period", "priority"): {"offenders", "offences_after"} | days | rates | before | after,
                      ("fixed_period", "standard"): {"offences_before"} | rates | before,
                      ("join_anchored", "priority"): ROW_FIGURES, ("join_anchored", "standard"): ROW_FIGURES}
    counts = {"offenders", "offences_before", "offences_after"}
    schemes = {(i, c) for i, c in cells["reoffending_by_scheme"] if c in counts}
    assert schemes == {(0, "offenders"), (0, "offences_after"), (1, "offenders"), (1, "offences_before"),
                       (1, "offences_after"), (2, "offences_before")}
    assert cells["join_windows"] == {(1, "people")}
    assert "effect_estimate" not in cells


def test_effect_estimate_few_people() -> None:
    # 4 people with full windows (naive and at-liberty rows: primary, so their offences 10 -> 6 go
    # and the estimates and intervals with them); 3 matched (primary: the 15 comparison people and
    # the offences 8 -> 5 go, the estimate too). Verdicts quoting a number go ("only 4 people ...",
    # "only 3 of 4 members ..."); the one quoting none stays. join_windows' eligible 4 is primary
    # (and equal to the offenders); too_early 7 stays.
    effect = effect_rows(4, 10, 6, 3, 15, ("only 4 people have full windows: too few to conclude anything",
                                           "allows for custody, but not for regression to the mean",
                                           "only 3 of 4 members found comparison people"))
    windows = pl.DataFrame({"status": ["eligible", "too_early"], "people": [4, 7]})
    cells = suppress_tables({"effect_estimate": effect, "join_windows": windows})
    estimate = {"offenders", "offences_before", "offences_after", "estimate_pct", "ci_low_pct", "ci_high_pct"}
    assert cells["effect_estimate"] == (
        {(0, c) for c in estimate | {"verdict"}} | {(1, c) for c in estimate}
        | {(2, c) for c in estimate | {"comparison_offenders", "verdict"}})
    assert cells["join_windows"] == {(0, "people")}


def test_effect_estimate_enough_people_shown() -> None:
    # 40 people, 12 matched, 60 comparison people, offences 90 -> 70 (88 -> 69 matched): nothing is
    # small, so nothing is withheld, verdicts with numbers included.
    effect = effect_rows(40, 90, 70, 12, 60, (None, None, "only 12 of 40 members found comparison people"))
    assert suppress_tables({"effect_estimate": effect}) == {}


def test_withheld_text_cell_reads_c() -> None:
    # a withheld verdict reaches the documents as CONFIDENTIAL (a NaN), shown [c], not "CONFIDENTIAL"
    assert text(CONFIDENTIAL).value == "[c]"
    assert text(None).value == ""


def test_needs_progress_withholds_few_people_and_their_averages() -> None:
    # accommodation: 40 people at the first assessment, 3 of them seen again at 12 months
    # (primary: their averages and change go with them). The 3 are some of the 40, which says
    # only that they are from 0 to 40: nothing else goes.
    frame = pl.DataFrame({"pathway": ["accommodation", "accommodation"], "months": [0, 12], "people": [40, 3],
                          "avg_first": [4.0, 5.0], "avg_then": [4.0, 3.0], "change": [0.0, -2.0]})
    assert suppress_tables({"needs_progress": frame}) == {
        "needs_progress": {(1, c) for c in ("people", "avg_first", "avg_then", "change")}}


def balance(women: float) -> pl.DataFrame:
    return pl.DataFrame({"variable": ["age", "female"], "members_mean": [28.0, women], "pool_mean": [30.0, 0.2],
                         "smd_before": [-0.3, -0.1], "comparison_mean_after": [27.5, 0.1], "smd_after": [0.05, 0.0]})


def test_the_share_of_women_among_few_members_is_a_count() -> None:
    # 40 members with full windows: a share of women of 0.075 is 3 women (a count under 5): the
    # share and its standardised differences go; 0.25 is 10 women and 30 others: it stays. With
    # 4 members (their counts withheld) every mean of the members goes.
    effect = effect_rows(40, 90, 70, 30, 60, (None, None, None))
    three = withheld_by(balance(0.075), "matching_balance", "variable",
                        {"matching_balance": balance(0.075), "effect_estimate": effect})
    assert three == {"female": {"members_mean", "smd_before", "smd_after"}}
    assert "matching_balance" not in suppress_tables({"matching_balance": balance(0.25), "effect_estimate": effect})
    few = effect_rows(4, 10, 6, 3, 15, (None, None, None))
    cells = withheld_by(balance(0.25), "matching_balance", "variable",
                        {"matching_balance": balance(0.25), "effect_estimate": few})
    assert cells == {"age": {"members_mean", "smd_before", "smd_after", "comparison_mean_after"},
                     "female": {"members_mean", "smd_before", "smd_after", "comparison_mean_after"}}


def test_a_framework_actual_goes_with_the_figure_it_is_computed_from() -> None:
    # opiates: 20 in treatment, 3 successful (primary: 15.0% goes); the indicator computed from it
    # goes with its RAG; an indicator typed by the unit stays as typed.
    treatment = pl.DataFrame({"substance": ["opiate"], "in_treatment": [20], "successful": [3],
                              "successful_pct": [15.0]})
    kpis = pl.DataFrame({"indicator_id": ["IOM3", "IOM6"], "actual": [15.0, 86.2],
                         "actual_source": ["computed: successful_completions_opiate_pct", "typed"],
                         "rag": ["red", "green"], "rag_computed": ["red", "green"]})
    cells = suppress_tables({"treatment_completions": treatment, "kpis": kpis})
    assert cells["kpis"] == {(0, "actual"), (0, "rag"), (0, "rag_computed")}
