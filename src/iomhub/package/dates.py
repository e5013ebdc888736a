"""Reading a date cell: the package's own forms, and the forms a mapping declares (``[dates]``).

Every package reads ``YYYY-MM-DD`` and ``DD/MM/YYYY`` (``docs/spec/data-package.md``). A mapping
may add ``formats``: strftime patterns (``%d-%b-%Y`` for ``01-Apr-2015``, ``%d/%m/%Y %H:%M`` for a
date with a time) and ``excel`` for Excel's serial day numbers. The package's forms are tried
first, then each declared format in order. A declared format is refused when it cannot be read
back (no day, month and year), when it has two-digit years (``01/04/55`` is 1955 or 2055), or
when it writes a day that the package's forms read as another day (``%m/%d/%Y``: month first is
never accepted).

Excel serial numbers are read only with five digits (10000 = 18 May 1927 to 2173), optionally
with a time as a fraction, so that a year or a count typed in a date column is refused rather
than read as a day of 1905.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

ISO_SHAPE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
UK_SHAPE = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"
EXCEL = "excel"
EXCEL_SERIAL = r"^([0-9]{5})(?:\.[0-9]+)?$"
EXCEL_EPOCH_OFFSET = 25569  # the serial number of 1970-01-01 (day 0 of Polars' dates)
SAMPLE_DAYS = (date(2015, 11, 3), date(1987, 4, 27))  # days where day and month differ


@dataclass(frozen=True)
class DateFormats:
    """The forms a package's date cells are read in, beyond YYYY-MM-DD and DD/MM/YYYY."""

    patterns: tuple[str, ...] = ()
    excel: bool = False

    def __bool__(self) -> bool:
        return bool(self.patterns) or self.excel

    def described(self) -> str:
        return ", ".join([*self.patterns, *(["Excel serial numbers"] if self.excel else [])])


OWN_FORMS_ONLY = DateFormats()


def builtin_date(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The day a cell written in a package's own forms gives (null for no such day), and
    whether the cell has one of those forms at all."""
    iso_shape = raw.str.contains(ISO_SHAPE)
    uk_shape = raw.str.contains(UK_SHAPE)
    typed = (pl.when(iso_shape).then(raw.str.to_date("%Y-%m-%d", strict=False))
             .when(uk_shape).then(raw.str.to_date("%d/%m/%Y", strict=False)))
    return typed, iso_shape | uk_shape


def declared_date(raw: pl.Expr, formats: DateFormats) -> pl.Expr | None:
    """The day a cell gives in the first declared format that reads it (null if none does)."""
    readings = [raw.str.to_date(pattern, strict=False) for pattern in formats.patterns]
    if formats.excel:
        serial = raw.str.extract(EXCEL_SERIAL, 1).cast(pl.Int32)
        readings.append((serial - EXCEL_EPOCH_OFFSET).cast(pl.Date))
    return pl.coalesce(readings) if readings else None


def format_problem(pattern: str) -> str | None:
    """Why a declared strftime pattern cannot be used, or None if it can."""
    if "%y" in pattern.replace("%%", ""):
        return ("has two-digit years (%y): '01/04/55' could be 1955 or 2055; export four-digit "
                "years and use %Y")
    for day in SAMPLE_DAYS:
        try:
            written = day.strftime(pattern)
        except ValueError as error:
            return f"is not a date format ({error})"
        frame = pl.DataFrame({"cell": [written]})
        builtin, shaped = builtin_date(pl.col("cell"))
        read, own, is_shaped = frame.select(pl.col("cell").str.to_date(pattern, strict=False).alias("read"),
                                            builtin.alias("own"), shaped.alias("shaped")).row(0)
        if read != day:
            return (f"does not read back the day it writes ({day.isoformat()} is written "
                    f"{written!r}): a format needs the day, the month and a four-digit year, "
                    "e.g. %d-%b-%Y")
        if is_shaped and own != day:
            return (f"writes {day.isoformat()} as {written!r}, which a package reads as "
                    f"{own.isoformat() if own else 'no day'} (DD/MM/YYYY): month-first dates are "
                    "never accepted")
    return None
