"""A package's own settings (``package.toml``): names of areas and schemes, the financial
year's first month, age bands, local targets, how the cohort is chosen (``[selection]``) and
local unit costs of crime (``[costs]``)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

from iomhub.domain.ages import DEFAULT_BOUNDS
from iomhub.domain.codes import OFFENCE_CATEGORIES, normalise_code
from iomhub.domain.selection import SelectionSettings, problems_of
from iomhub.package.problems import Problem
from iomhub.package.toml_lines import error_line, line_of

MAPPING_SECTIONS = ("files", "columns", "codes", "dates")  # read by iomhub.package.mapping


@dataclass(frozen=True)
class PackageSettings:
    area_names: dict[str, str] = field(default_factory=dict)
    scheme_names: dict[str, str] = field(default_factory=dict)
    financial_year_start_month: int = 4
    age_bands: tuple[int, ...] = DEFAULT_BOUNDS
    target_reduction: float | None = None
    title: str | None = None
    selection: SelectionSettings = field(default_factory=SelectionSettings)
    unit_costs: dict[str, float] = field(default_factory=dict)  # [costs]: category -> pounds
    extra: dict[str, Any] = field(default_factory=dict)


def parse_settings(text: str | None, file: str, problems: list[Problem]) -> PackageSettings:
    """Read package.toml; every problem is added to ``problems`` with its line where known."""
    if text is None:
        return PackageSettings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(file, error_line(error), "", f"is not valid TOML ({error})"))
        return PackageSettings()

    def table(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            problems.append(Problem(file, 0, key, "must be a table of code = \"name\""))
            return {}
        return {str(k): str(v) for k, v in value.items()}

    month = data.get("financial_year_start_month", 4)
    if not isinstance(month, int) or not 1 <= month <= 12:
        problems.append(Problem(file, 0, "financial_year_start_month", "must be a month number 1 to 12"))
        month = 4
    report = data.get("report", {})
    bands = report.get("age_bands", list(DEFAULT_BOUNDS)) if isinstance(report, dict) else DEFAULT_BOUNDS
    if (not isinstance(bands, list) or not bands or not all(isinstance(b, int) and b > 0 for b in bands)
            or bands != sorted(set(bands))):
        problems.append(Problem(file, 0, "report.age_bands",
                                "must be increasing lower bounds of age bands, e.g. [18, 25]"))
        bands = list(DEFAULT_BOUNDS)
    target = report.get("target_reduction") if isinstance(report, dict) else None
    if target is not None and not isinstance(target, int | float):
        problems.append(Problem(file, 0, "report.target_reduction", "must be a number (percent)"))
        target = None
    title = data.get("title")
    return PackageSettings(
        area_names=table("areas"),
        scheme_names={normalise_code(k): v for k, v in table("schemes").items()},
        financial_year_start_month=month,
        age_bands=tuple(bands),
        target_reduction=float(target) if target is not None else None,
        title=str(title) if title is not None else None,
        selection=parse_selection(data.get("selection", {}), text, file, problems),
        unit_costs=_unit_costs(data.get("costs", {}), text, file, problems),
        extra={k: v for k, v in data.items()
               if k not in ("areas", "schemes", "financial_year_start_month", "report", "title", "selection",
                            "costs", *MAPPING_SECTIONS)},
    )


def _unit_costs(value: Any, text: str, file: str, problems: list[Problem]) -> dict[str, float]:
    """The ``[costs]`` table: offence category = pounds per offence (a number, 0 or more)."""
    if not isinstance(value, dict):
        problems.append(Problem(file, _line_of(text, "costs"), "costs",
                                "must be a table of offence category = pounds, e.g. [costs] shoplifting = 150"))
        return {}
    costs: dict[str, float] = {}
    for key, pounds in value.items():
        line = _line_of(text, f"costs.{key}")
        category = normalise_code(str(key))
        if category not in OFFENCE_CATEGORIES:
            problems.append(Problem(file, line, f"costs.{key}", "is not an offence category (one of "
                                    f"{', '.join(OFFENCE_CATEGORIES)})"))
        elif isinstance(pounds, bool) or not isinstance(pounds, int | float) or not 0 <= pounds < math.inf:
            problems.append(Problem(file, line, f"costs.{key}",
                                    f"must be the cost of one offence in pounds, a number 0 or more (got {pounds!r})"))
        else:
            costs[category] = float(pounds)
    return costs


SELECTION_KEYS = ("look_back_months", "long_custody_days", "weights", "gravity")


def parse_selection(table: Any, text: str, file: str, problems: list[Problem]) -> SelectionSettings:
    """``[selection]``: look_back_months, long_custody_days, ``[selection.weights]`` (recency,
    frequency, gravity) and ``[selection.gravity]`` (days per offence category, overriding the
    defaults). Every problem is named by its key (``selection.gravity.shoplifting``) and line;
    with any problem, the defaults are returned (and the package is refused)."""
    found: list[tuple[str, str]] = []
    if not isinstance(table, dict):
        found.append(("", "must be a table ([selection])"))
        table = {}
    found += [(key, f"is not a setting of [selection] (use {', '.join(SELECTION_KEYS)})")
              for key in sorted(set(table) - set(SELECTION_KEYS))]
    defaults = SelectionSettings()
    subtables: dict[str, dict[str, Any]] = {}
    written: dict[str, str] = {}  # a normalised category -> the key as written, to name it
    for key in ("weights", "gravity"):
        sub = table.get(key, {})
        if not isinstance(sub, dict):
            found.append((key, f"must be a table ([selection.{key}])"))
            sub = {}
        if key == "gravity":
            written = {normalise_code(name): name for name in sub}
            sub = {normalise_code(name): value for name, value in sub.items()}
        subtables[key] = sub
    weights = {**defaults.weights, **subtables["weights"]}
    look_back = table.get("look_back_months", defaults.look_back_months)
    long_custody = table.get("long_custody_days", defaults.long_custody_days)
    for key, message in problems_of(look_back, long_custody, weights, subtables["gravity"]):
        if key.startswith("gravity."):
            key = "gravity." + written.get(key.removeprefix("gravity."), key.removeprefix("gravity."))
        found.append((key, message))
    for key, message in found:
        dotted = f"selection.{key}" if key else "selection"
        problems.append(Problem(file, _line_of(text, dotted), dotted, message))
    if found:
        return defaults
    return SelectionSettings(look_back_months=look_back, long_custody_days=long_custody, weights=weights,
                             gravity=subtables["gravity"])


def _line_of(text: str, dotted: str) -> int:
    """The line of a key (``selection.gravity.shoplifting``) or table (``selection``) in TOML text,
    or of its nearest enclosing table when the key is not written (0 when neither is)."""
    return line_of(text, tuple(dotted.split(".")))
