"""The dashboard's report is computed once per data version and parameters."""

from __future__ import annotations

from datetime import date
from typing import Any

from iomhub.domain.dates import Span
from iomhub.reports.params import ReportParams
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal
from iomhub.web.performance import cache

PARAMS = ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)))
OTHER = ReportParams(period=Span(date(2014, 4, 1), date(2015, 3, 31)))


def counting() -> tuple[list[int], Any]:
    calls: list[int] = []

    def compute() -> Any:
        calls.append(1)
        return object()
    return calls, compute


def test_the_same_request_is_computed_once(nominal: Nominal) -> None:
    calls, compute = counting()
    first = cache.cached_report(PARAMS, compute)
    assert cache.cached_report(PARAMS, compute) is first
    assert len(calls) == 1
    cache.cached_report(OTHER, compute)
    assert len(calls) == 2, "other parameters are another report"


def test_a_change_of_data_computes_again_but_a_read_does_not(nominal: Nominal, system: Actor) -> None:
    calls, compute = counting()
    cache.cached_report(PARAMS, compute)
    with audited(system) as audit:
        audit.record(Operation.CONSULTATION, nominal)
    cache.cached_report(PARAMS, compute)
    assert len(calls) == 1, "a consultation changes no figure"
    with audited(system) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
        audit.record(Operation.ALTERATION, nominal)
    cache.cached_report(PARAMS, compute)
    assert len(calls) == 2
