"""A package's own settings (``package.toml``): names of areas and schemes, the financial
year's first month, age bands and local targets."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from iomhub.domain.ages import DEFAULT_BOUNDS
from iomhub.domain.codes import normalise_code
from iomhub.package.problems import Problem


@dataclass(frozen=True)
class PackageSettings:
    area_names: dict[str, str] = field(default_factory=dict)
    scheme_names: dict[str, str] = field(default_factory=dict)
    financial_year_start_month: int = 4
    age_bands: tuple[int, ...] = DEFAULT_BOUNDS
    target_reduction: float | None = None
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_settings(text: str | None, file: str, problems: list[Problem]) -> PackageSettings:
    """Read package.toml; every problem is added to ``problems`` with its line where known."""
    if text is None:
        return PackageSettings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line = int(match.group(1)) if match else 0
        problems.append(Problem(file, line, "", f"is not valid TOML ({error})"))
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
        extra={k: v for k, v in data.items()
               if k not in ("areas", "schemes", "financial_year_start_month", "report", "title")},
    )
