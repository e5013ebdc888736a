"""``[selection]`` of package.toml: read into SelectionSettings, and every mistake named by its key
and line (through ``read_package``: the package is refused)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iomhub.domain.harm import DEFAULT_GRAVITY
from iomhub.domain.selection import SelectionSettings
from iomhub.package import PackageError, read_package


def settings_of(make_package: Callable[..., Path], toml: str) -> SelectionSettings:
    return read_package(make_package(**{"package.toml": toml})).settings.selection


def test_defaults_without_a_selection_table(make_package: Callable[..., Path]) -> None:
    selection = settings_of(make_package, 'title = "x"\n')
    assert (selection.look_back_months, selection.long_custody_days) == (24, 180)
    assert dict(selection.weights) == {"recency": 1.0, "frequency": 1.0, "gravity": 1.0}
    assert dict(selection.gravity) == dict(DEFAULT_GRAVITY)


def test_every_setting_is_read(make_package: Callable[..., Path]) -> None:
    toml = ("[selection]\nlook_back_months = 12\nlong_custody_days = 90\n"
            "[selection.weights]\ngravity = 2\n"
            "[selection.gravity]\n\"Violence With Injury\" = 500\nshoplifting = 0.5\n")
    selection = settings_of(make_package, toml)
    assert (selection.look_back_months, selection.long_custody_days) == (12, 90)
    assert dict(selection.weights) == {"recency": 1.0, "frequency": 1.0, "gravity": 2.0}
    assert selection.gravity["violence_with_injury"] == 500.0  # the code matched as any code is
    assert selection.gravity["shoplifting"] == 0.5
    assert selection.gravity["robbery"] == DEFAULT_GRAVITY["robbery"]  # the others keep their defaults


CASES = [
    ("look-back-zero", "[selection]\nlook_back_months = 0\n",
     ["package.toml:2: selection.look_back_months: must be a whole number of months from 1 to 120"]),
    ("look-back-text", "[selection]\nlook_back_months = \"24\"\n",
     ["package.toml:2: selection.look_back_months: must be a whole number of months from 1 to 120"]),
    ("look-back-fraction", "[selection]\nlook_back_months = 1.5\n",
     ["package.toml:2: selection.look_back_months: must be a whole number of months from 1 to 120"]),
    ("custody-negative", "[selection]\n\nlong_custody_days = -1\n",
     ["package.toml:3: selection.long_custody_days: must be a whole number of days, 0 or more"]),
    ("unknown-key", "[selection]\nlookback = 12\n",
     ["package.toml:2: selection.lookback: is not a setting of [selection] "
      "(use look_back_months, long_custody_days, weights, gravity)"]),
    ("unknown-component", "[selection.weights]\nharm = 1\n",
     ["package.toml:2: selection.weights.harm: is not a component (use recency, frequency, gravity)"]),
    ("negative-weight", "[selection.weights]\nrecency = -1\n",
     ["package.toml:2: selection.weights.recency: must be a number, 0 or more"]),
    ("all-weights-zero", "[selection.weights]\nrecency = 0\nfrequency = 0\ngravity = 0\n",
     ["package.toml:1: selection.weights: at least one component needs a weight above 0"]),
    ("unknown-category", "[selection.gravity]\nmurder = 5000\n",
     ["package.toml:2: selection.gravity.murder: is not an offence category of the data package"]),
    ("gravity-not-number", "[selection.gravity]\nrobbery = \"high\"\n",
     ["package.toml:2: selection.gravity.robbery: must be a number of days, 0 or more"]),
    ("gravity-infinite", "[selection.gravity]\nrobbery = inf\n",
     ["package.toml:2: selection.gravity.robbery: must be a number of days, 0 or more"]),
    ("weights-not-a-table", "[selection]\nweights = 3\n",
     ["package.toml:2: selection.weights: must be a table ([selection.weights])"]),
    ("selection-not-a-table", "selection = 3\n",
     ["package.toml:1: selection: must be a table ([selection])"]),
    ("two-problems", "[selection]\nlook_back_months = 0\n[selection.gravity]\nRobbery = true\n",
     ["package.toml:2: selection.look_back_months: must be a whole number of months from 1 to 120",
      "package.toml:4: selection.gravity.Robbery: must be a number of days, 0 or more"]),
]


@pytest.mark.parametrize(("name", "toml", "expected"), CASES, ids=[case[0] for case in CASES])
def test_mistakes_are_refused_with_key_and_line(make_package: Callable[..., Path], name: str, toml: str,
                                                 expected: list[str]) -> None:
    with pytest.raises(PackageError) as caught:
        read_package(make_package(**{"package.toml": toml}))
    assert [str(problem) for problem in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"look_back_months": 0}, "look_back_months"), ({"weights": {"recency": 1}}, "weights.frequency: is missing"),
     ({"gravity": {"robbery": -1}}, "gravity.robbery")],
    ids=["look-back", "missing-weight", "negative-gravity"],
)
def test_settings_refuse_bad_values_in_code_too(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SelectionSettings(**kwargs)  # type: ignore[arg-type]
