"""Publications attacked by a reader who knows the specification's relations and the rule
(``attacker.py``, written apart from the protector): on the demo and on synthetic units of 100
to 500 people, by cell suppression and by controlled rounding, no withheld or rounded count can
be pinned narrower than its protection interval; without the audit, it can."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iomhub.reports.disclosure import protect as protect_module
from iomhub.reports.disclosure.audit import Audit
from iomhub.reports.suppression import suppressed_report
from tests.reports.disclosure.attacker import Document, attack, leaks
from tests.reports.disclosure.conftest import DEMO, document, unit

THRESHOLD = 5
# each example builds a unit (2 s), protects it (1 to 5 s) and attacks it (1 to 2 s): a few, no shrinking
UNITS = settings(max_examples=3, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow])


def published(nominals: int, seed: int, method: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the publication, the truth) of a synthetic unit."""
    report = unit(nominals, seed)
    return document(suppressed_report(report, THRESHOLD, method)), document(report)


@pytest.mark.parametrize("method", ["suppress", "round"])
def test_the_demo_gives_nothing_away(method: str) -> None:
    publication, truth = published(*DEMO, method)
    assert publication["suppression"]["audit"]["passed"] is True
    assert leaks(publication, truth, THRESHOLD) == []


@UNITS
@given(st.integers(100, 500), st.integers(0, 10_000))
def test_small_units_give_nothing_away_when_suppressed(nominals: int, seed: int) -> None:
    publication, truth = published(nominals, seed, "suppress")
    assert leaks(publication, truth, THRESHOLD) == []


@settings(UNITS, max_examples=2)
@given(st.integers(100, 500), st.integers(0, 10_000))
def test_small_units_give_nothing_away_when_rounded(nominals: int, seed: int) -> None:
    publication, truth = published(nominals, seed, "round")
    assert leaks(publication, truth, THRESHOLD) == []


def test_without_the_audit_the_attacker_pins_small_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mutation that drops the audit (it passes whatever it is given): only primary suppression
    # and the derived figures are left, and the attacker pins small counts on a unit of 300 (and
    # on the demo, whose custody counts of 2 to 4 come back exactly from community plus custody).
    def passes(*args: Any, **kwargs: Any) -> Audit:
        return Audit()

    monkeypatch.setattr(protect_module, "audit", passes)
    for nominals, seed in ((300, 7), DEMO):
        publication, truth = published(nominals, seed, "suppress")
        found = leaks(publication, truth, THRESHOLD)
        assert found, (nominals, seed)
    assert any("caseload_status" in leak and "at most" in leak for leak in found)


def test_the_issue_s_three_genders_summing_to_three() -> None:
    # female [c], male 15, other [c], unknown [c] and 18 in all: a reader who knows that a listed
    # gender has someone in it pins each withheld one to 1. Written as a publication would be.
    rows = [{"gender": g, "offenders": n, "offences_before": b, "offences_after": 0}
            for g, n, b in (("female", None, None), ("male", 15, 40), ("other", None, None), ("unknown", None, None))]
    doc = Document({"tables": {"reoffending_by_gender": rows, "reoffending_by_scheme": [
        {"scheme": "all", "offenders": 18, "offences_before": 46, "offences_after": 0}]},
        "baseline": {"from": "2014-04-01", "to": "2015-03-31"}, "period": {"from": "2015-04-01", "to": "2016-03-31"},
        "suppression": {"zeros": "a withheld count may be 0", "suppressed": {"reoffending_by_gender": [
            {"row": i, "column": c} for i in (0, 2, 3) for c in ("offenders", "offences_before")]}}})
    ranges = attack(doc).ranges
    assert {ranges[("reoffending_by_gender", i, "offenders")] for i in (0, 2, 3)} == {(1.0, 1.0)}
    # their offences add up to 6, at least 1 each (everyone counted offended in the baseline)
    assert ranges[("reoffending_by_gender", 0, "offences_before")] == (1.0, 4.0)


def test_a_rate_shown_beside_withheld_days_gives_them_back() -> None:
    # The issue's time_at_risk row: people and days withheld, 12 offences and a rate of 2.3934
    # per 365 days shown: the days are 12 x 365 / 2.3934 = 1,830, and so there are at least 6
    # people (1,830 / 365 = 5.01: the baseline of 2014/15 holds at most 365 days each).
    rate = 12 * 365 / 1830
    row = {"basis": "fixed_period", "scheme": "priority", "offenders": None, "offences_before": 12,
           "offences_after": 0, "risk_days_before": None, "risk_days_after": None, "rate_before": rate}
    doc = Document({"tables": {"time_at_risk": [row]},
                    "baseline": {"from": "2014-04-01", "to": "2015-03-31"},
                    "period": {"from": "2015-04-01", "to": "2016-03-31"},
                    "suppression": {"zeros": "a withheld count may be 0", "suppressed": {"time_at_risk": [
                        {"row": 0, "column": c} for c in ("offenders", "risk_days_before", "risk_days_after")]}}})
    days, people = ("time_at_risk", 0, "risk_days_before"), ("time_at_risk", 0, "offenders")
    ranges = attack(doc, [days, people]).ranges
    assert ranges[days] == pytest.approx((1830.0, 1830.0))
    assert ranges[people][0] == 6.0
    # without reading the rate, nothing is known of the days
    assert attack(doc, [days], with_derived=False).ranges[days] == (0.0, float("inf"))
