"""Controlled rounding to base 5 (``--disclosure round``): hand-checked roundings that keep the
relations, the audit withholding a rounded count that gives too much away, and a rounded
publication end to end (attacked in ``test_attack.py``)."""

from __future__ import annotations

import polars as pl

from iomhub.reports.disclosure.cells import Index
from iomhub.reports.disclosure.protect import quantities
from iomhub.reports.disclosure.relations import Limits, relations
from iomhub.reports.disclosure.rounding import controlled_rounding, rounded_protection
from iomhub.reports.json_renderer import report_document
from iomhub.reports.suppression import footnote, suppressed_report
from tests.reports.disclosure.conftest import unit
from tests.reports.test_suppression import caseload_frame


def test_the_caseload_rounds_so_that_it_still_adds_up_both_ways() -> None:
    #            A    B   all              A    B   all
    # priority   3   10   13    ->         5   10   15
    # enhanced   7    8   15               5   10   15
    # all       10   18   28              10   20   30
    # 10, 15 and 10 are multiples of 5 and stay. pA + 10 must be a multiple of 5 next to 13, so
    # pA is 0 or 5; pA + eA = 10 makes eA 10 or 5; eA + eB = 15 makes eB 5 or 10. Rounding pA up
    # moves every free cell by 2 (12 in all), down by 3 (18): up it is.
    frame = caseload_frame({("priority", "A"): 3, ("priority", "B"): 10, ("enhanced", "A"): 7,
                            ("enhanced", "B"): 8})
    index = Index({"caseload": frame})
    counts, _ = quantities(index)
    rounded, broken = controlled_rounding(index, counts, relations(index))
    shown = {(row["scheme"], row["area"]): rounded[("caseload", i, "count")]
             for i, row in enumerate(frame.iter_rows(named=True))}
    assert shown == {("priority", "A"): 5, ("priority", "B"): 10, ("priority", "all"): 15,
                     ("enhanced", "A"): 5, ("enhanced", "B"): 10, ("enhanced", "all"): 15,
                     ("all", "A"): 10, ("all", "B"): 20, ("all", "all"): 30}
    assert broken == 0


def test_a_rounded_count_that_gives_too_much_away_is_withheld() -> None:
    # agency a: 1 referral, b: 20, all 21. Rounded, a + b = all gives 0 + 20 = 20 (moves of 1
    # and 1) rather than 5 + 20 = 25 (4 and 4). But a listed agency has someone: a reader knows
    # a is from 1 to 4, a small count. So a is withheld: a = all - b, both known from 16 to 24,
    # so a is anywhere from 1 (its floor) to 8. b and all stay rounded.
    frame = pl.DataFrame({"agency": ["a", "b", "all"], "referrals": [1, 20, 21], "accepted": [0, 0, 0],
                          "rejected": [0, 0, 0], "acceptance_pct": [None, None, None]})
    protection, replaced = rounded_protection({"referrals_by_agency": frame}, 5, Limits())
    assert ("referrals_by_agency", 0, "referrals") in protection.withheld
    assert replaced["referrals_by_agency"][(1, "referrals")] == 20
    assert replaced["referrals_by_agency"][(2, "referrals")] == 20
    assert protection.audit.passed


def test_a_rounded_publication() -> None:
    report = unit(300, 7)
    published = suppressed_report(report, 5, "round")
    document = report_document(published)
    for name in ("caseload", "caseload_status", "risk_tiers", "referrals_by_agency", "reoffending_by_scheme"):
        for row in document["tables"][name]:
            for column in ("count", "statutory", "referrals", "accepted", "offenders", "offences_before"):
                assert row.get(column) is None or row[column] % 5 == 0, (name, row)
    # a change is worked out again from the rounded counts; its interval is withheld
    for row in document["tables"]["reoffending_by_scheme"]:
        if row["offences_before"] and row["offences_after"] is not None:
            assert row["change_pct"] == (row["offences_after"] - row["offences_before"]) / row["offences_before"] * 100
        assert row["change_pct_ci_low"] is None
    suppression = document["suppression"]
    assert suppression["method"] == "controlled rounding to base 5" and suppression["rounding"]["base"] == 5
    assert suppression["audit"]["passed"] is True and suppression["audit"]["relations_not_kept_by_rounding"] == 0
    assert f"For publication: {footnote(5, 'round')}" in document["notes"]
    # notes quoting exact counts go (the cost of crime's offences not valued)
    assert not any(note.startswith("Cost of crime: ") and any(ch.isdigit() for ch in note)
                   and "not valued" in note for note in document["notes"])
