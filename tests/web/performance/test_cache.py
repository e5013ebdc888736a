"""The dashboard's report is computed once per data version and parameters."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import pytest

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


REPORT_PART = "performance/_report.html"
FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}


def rendered(response: Any) -> list[str]:
    """The templates the test client saw rendered for ``response``."""
    assert response.status_code == 200
    return [template.name for template in response.templates]


def test_the_dashboards_report_html_is_rendered_once_per_data_version_for_every_user(
        users: dict[str, Any], nominal: Nominal, client_for: Any, system: Actor) -> None:
    own, partner = client_for(users["own"]), client_for(users["partner"])
    first = own.get("/performance/report/", FY_2015)
    assert REPORT_PART in rendered(first)
    again = partner.get("/performance/report/", FY_2015)  # another user, another agency: the same figures
    assert REPORT_PART not in rendered(again)
    assert "Caseload by scheme and area" in again.content.decode()
    report = first.content.decode().split('<div class="report">')[1]
    assert "performance/cache.py" not in first.content.decode(), "the template's comment stays out of the page"
    assert again.content.decode().split('<div class="report">')[1] == report
    other_period = own.get("/performance/report/", {"from": "2014-04-01", "to": "2015-03-31"})
    assert REPORT_PART in rendered(other_period), "another period is another report"
    with audited(system) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
        audit.record(Operation.ALTERATION, nominal)
    assert REPORT_PART in rendered(own.get("/performance/report/", FY_2015)), "changed data are rendered afresh"


def test_many_threads_asking_at_once_compute_it_once() -> None:
    """Twelve threads ask for the same report while it is being made: it is made once, and every
    thread gets that one."""
    kept: cache._Kept[object] = cache._Kept()
    calls: list[int] = []
    release = threading.Event()

    def compute() -> object:
        calls.append(1)
        release.wait(10)
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(kept.get_or_make((1, "key"), compute)))
               for _ in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every thread has asked by now: all but the first wait for it
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert len(got) == 12 and len({id(value) for value in got}) == 1


def test_when_making_fails_the_next_thread_to_ask_makes_it() -> None:
    kept: cache._Kept[str] = cache._Kept()

    def failing() -> str:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        kept.get_or_make((1, "key"), failing)
    assert kept.get_or_make((1, "key"), lambda: "made") == "made"


def test_the_data_version_is_one_lookup_however_long_the_audit_log(
        nominal: Nominal, system: Actor, django_assert_num_queries: Any) -> None:
    with audited(system) as audit:
        for _ in range(200):
            audit.record(Operation.CONSULTATION, nominal)
    with django_assert_num_queries(1):
        cache.data_version()


def test_the_data_version_moves_with_every_change_and_only_then(nominal: Nominal, system: Actor) -> None:
    seen = [cache.data_version()]
    with audited(system) as audit:
        audit.record(Operation.CONSULTATION, nominal)
        audit.record(Operation.DISCLOSURE, nominal)
    assert cache.data_version() == seen[-1], "reads change nothing"
    with audited(system) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
        audit.record(Operation.ALTERATION, nominal)
    seen.append(cache.data_version())
    with audited(system) as audit:
        audit.record(Operation.COLLECTION, nominal)  # a change recorded (an import's rows are written in bulk)
    seen.append(cache.data_version())
    with pytest.raises(RuntimeError), audited(system) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="NE")
        audit.record(Operation.ALTERATION, nominal)
        raise RuntimeError("the change fails")
    assert cache.data_version() == seen[-1], "a change rolled back leaves the version"
    assert len(set(seen)) == 3
