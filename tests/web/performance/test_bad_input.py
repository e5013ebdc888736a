"""Inputs that answered 500 in the adversarial test now get a plain message (or are ignored)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iomhub.package import PackageError, read_package
from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.exchange import import_package
from iomhub.web.performance.models import Indicator, Target
from tests.conftest import write_package

FY = {"from": "2015-04-01", "to": "2016-03-31"}


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "Enter a reduction target of 0% or more"),
    ("1e26", "Enter a reduction target of 100% or less"),
    ("1e308", "Enter a reduction target of 100% or less"),
    ("999999999", "Enter a reduction target of 100% or less"),
], ids=["negative", "1e26", "1e308", "nine-nines"])
@pytest.mark.parametrize("page", ["/performance/report/", "/performance/documents/", "/performance/report.json"],
                         ids=["dashboard", "board-papers", "download"])
def test_an_out_of_range_target_is_a_message(value: str, message: str, page: str, make_user: Callable[..., User],
                                             client_for: Callable[..., Any]) -> None:
    """The messages held a bare % ("0% or more"), read by Django's formatting as %o."""
    response = client_for(make_user("own", Role.MANAGER)).get(page, {**FY, "target_reduction": value})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()


@pytest.fixture
def far_target(db: Any, system: Actor) -> Indicator:
    """A target for 9999-Q1, as stored before such periods were refused."""
    with audited(system) as audit:
        indicator = Indicator.objects.create(indicator_id="IOM1", title="Reoffending", unit="percent")
        Target.objects.create(indicator=indicator, period="9999-Q1", kind="value", value=1.0)
        Target.objects.create(indicator=indicator, period="2015-Q1", kind="value", value=40.0)
        audit.record(Operation.COLLECTION, indicator)
    return indicator


@pytest.mark.parametrize("page", ["/performance/framework/", "/performance/framework/IOM1/"],
                         ids=["framework", "indicator"])
def test_a_far_period_does_not_break_the_framework(page: str, far_target: Indicator, make_user: Callable[..., User],
                                                   client_for: Callable[..., Any]) -> None:
    response = client_for(make_user("own", Role.PRACTITIONER)).get(page)
    assert response.status_code == 200
    assert "2015/16" in response.content.decode()


def test_a_far_period_is_refused_by_the_target_form(far_target: Indicator, make_user: Callable[..., User],
                                                   client_for: Callable[..., Any]) -> None:
    response = client_for(make_user("own", Role.MANAGER)).post("/performance/framework/IOM1/target/", {
        "period": "9999-Q1", "kind": "value", "value": "3"})
    assert response.status_code == 400
    assert "Enter a period from 1900 to 2200" in response.content.decode()
    assert not Target.objects.filter(period="9999-Q1", value=3).exists()


def test_a_far_period_is_refused_in_a_package(tmp_path: Path) -> None:
    folder = write_package(tmp_path / "package", {
        "indicators": "indicator_id,title\nIOM1,Reoffending\n",
        "targets": "indicator_id,period,kind,value\nIOM1,9999-Q1,value,1\n"})
    with pytest.raises(PackageError, match=r"targets.csv:2: period: '9999-Q1' names a year outside 1900-2200"):
        read_package(folder)


@pytest.mark.parametrize(("page", "field", "form"), [
    ("/performance/framework/new/", "indicator_id", {"title": "Reoffending"}),
    ("/performance/actions/new/", "action_id", {"milestone": "First report", "due": "2016-Q2", "status": "amber"}),
], ids=["indicator", "milestone"])
def test_an_id_with_a_slash_is_refused_by_the_form(page: str, field: str, form: dict[str, str],
                                                    make_user: Callable[..., User],
                                                    client_for: Callable[..., Any]) -> None:
    response = client_for(make_user("own", Role.MANAGER)).post(page, {field: "IOM/1", **form})
    assert response.status_code == 400
    assert "may hold only letters, digits, full stops, hyphens and underscores" in response.content.decode()


def test_an_id_with_a_slash_is_refused_by_the_import(db: Any, system: Actor, tmp_path: Path) -> None:
    folder = write_package(tmp_path / "package", {"indicators": "indicator_id,title\nIOM/1,Reoffending\n"})
    with pytest.raises(PackageError, match=r"indicators\.csv:2: indicator_id: holds a '/'"):
        import_package(read_package(folder), system)
    assert not Indicator.objects.exists()
