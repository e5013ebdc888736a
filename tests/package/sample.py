"""A small package holding every table of the spec, and ways to write it as spreadsheets do.

``SAMPLE`` gives each table's columns and rows with dates as ``date`` objects; ``write_csv_folder``
writes it as a folder of CSV files, with dates in ISO or UK order, codes as typed and
headers in any case.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from iomhub.package.schema import TABLES, Kind

Cell = str | date | None
Rows = tuple[tuple[str, ...], list[tuple[Cell, ...]]]

D = date

SAMPLE: dict[str, Rows] = {
    "nominals": (("nominal_id", "pnc_id", "family_name", "given_names", "date_of_birth", "gender", "area"), [
        ("N1", "2009/0123456X", "Smith", "Jo", D(1990, 2, 14), "male", "NW"),
        ("N2", "99/12345Z", None, None, D(1997, 4, 2), "female", "NE"),
        ("N3", None, None, None, None, "unknown", None),
        ("N4", None, "Brown", "Al", D(1996, 2, 29), "male", "NW"),
        ("N5", None, None, None, D(1985, 12, 31), "other", "NE"),
    ]),
    "cohort": (("nominal_id", "scheme", "start_date", "end_date", "exit_reason"), [
        ("N1", "priority", D(2014, 1, 1), D(2015, 6, 30), None),
        ("N1", "enhanced", D(2015, 7, 1), None, None),
        ("N2", "priority", D(2015, 1, 12), None, None),
        ("N3", "standard", D(2013, 5, 1), D(2015, 12, 31), "moved away"),
        ("N4", "enhanced", D(2015, 4, 1), None, None),
        ("N5", "standard", D(2016, 1, 1), None, None),
    ]),
    "flags": (("nominal_id", "flag", "start_date", "end_date"), [
        ("N1", "ppo", D(2010, 1, 1), None),
        ("N2", "mappa_2", D(2014, 6, 1), D(2016, 1, 1)),
        ("N4", "female_pathway", D(2015, 1, 1), None),
    ]),
    "offences": (("offence_id", "nominal_id", "offence_date", "detected_date", "category", "offence_code"), [
        ("O1", "N1", D(2014, 5, 1), D(2014, 5, 3), "burglary_residential", "28"),
        ("O2", "N1", D(2014, 9, 1), None, "shoplifting", None),
        ("O3", "N1", D(2015, 8, 1), None, "shoplifting", None),
        ("O4", "N2", D(2014, 4, 1), None, "violence_with_injury", None),
        ("O5", "N2", D(2015, 4, 1), D(2015, 4, 1), "robbery", None),
        ("O6", "N2", D(2016, 3, 31), None, "drugs", None),
        ("O7", "N3", D(2015, 3, 31), None, "criminal_damage", None),
        ("O8", "N4", D(2014, 12, 25), None, "vehicle", None),
        ("O9", "N5", D(2015, 6, 1), None, "other", None),
    ]),
    "custody": (("nominal_id", "start_date", "end_date", "expected_release_date", "custody_type"), [
        ("N1", D(2015, 9, 1), D(2015, 11, 1), None, "sentenced"),
        ("N2", D(2015, 12, 1), None, D(2016, 6, 1), "remand"),
    ]),
    "supervision": (("nominal_id", "provider", "order_type", "start_date", "end_date"), [
        ("N1", "crc", "licence", D(2015, 11, 2), None),
        ("N4", "nps", "community_order", D(2015, 1, 1), D(2016, 1, 1)),
    ]),
    "risk": (("nominal_id", "assessed_on", "tier"), [
        ("N1", D(2015, 4, 1), "green"),
        ("N1", D(2015, 10, 1), "red"),
        ("N2", D(2015, 4, 2), "amber"),
        ("N4", D(2014, 1, 1), "green"),
        ("N4", D(2014, 1, 1), "amber"),
    ]),
    "referrals": (("referral_id", "nominal_id", "referred_on", "referring_agency", "area", "decision",
                   "decided_on", "scheme", "mappa_level"), [
        ("R1", "N1", D(2015, 5, 1), "police", "NW", "accepted", D(2015, 5, 10), "priority", None),
        ("R2", "N2", D(2015, 6, 1), "drugs_service", "NE", "rejected", D(2015, 6, 2), None, "2"),
        ("R3", "N5", D(2015, 12, 1), "police", "NE", "pending", None, None, None),
    ]),
    "meetings": (("meeting_id", "held_on", "meeting_type", "area"), [
        ("M1", D(2015, 5, 1), "case_management", "NW"),
        ("M2", D(2015, 6, 1), "single_referral", "NE"),
    ]),
    "attendance": (("meeting_id", "agency", "invited", "attended"), [
        ("M1", "police", "true", "true"),
        ("M1", "nps", "yes", "no"),
        ("M2", "police", "1", "0"),
    ]),
    "needs": (("nominal_id", "assessed_on", "pathway", "score"), [
        ("N1", D(2015, 5, 1), "accommodation", "3"),
        ("N1", D(2015, 5, 1), "drugs_alcohol", "0"),
        ("N2", D(2015, 6, 1), "children_families", "7.5"),
        ("N2", D(2015, 6, 1), "ete", None),
    ]),
    "treatment": (("episode_id", "nominal_id", "substance", "start_date", "end_date", "outcome",
                   "re_presented_on"), [
        ("T1", "N1", "opiate", D(2015, 1, 1), D(2015, 6, 1), "successful_completion", None),
        ("T2", "N2", "non_opiate", D(2015, 5, 1), None, "ongoing", None),
    ]),
    "indicators": (("indicator_id", "title", "owner", "unit", "direction", "baseline", "metric"), [
        ("K1", "Cohort size", "IOM", "count", "up", "3", "cohort_size"),
        ("K2", "Offences", "Police", "count", "down", "46", None),
    ]),
    "targets": (("indicator_id", "period", "kind", "value", "low", "high"), [
        ("K1", "2015", "value", "5", None, None),
        ("K2", "2015-Q1", "change", "-0.40", None, None),
    ]),
    "actuals": (("indicator_id", "period", "actual", "comment"), [
        ("K2", "2015-Q1", "30", "on track"),
    ]),
    "actions": (("action_id", "outcome", "action", "milestone", "due", "lead", "strategic_links", "status",
                 "comment", "updated_on"), [
        ("A1", "Less reoffending", "Do it", "Done", "March", "IOM", None, "amber_green", None, D(2015, 6, 1)),
    ]),
}

def code_columns(table: str) -> set[str]:
    return {column.name for column in TABLES[table].columns if column.kind is Kind.CODE}


def iso(day: date) -> str:
    return day.isoformat()


def uk(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def messy_code(code: str, rng: random.Random) -> str:
    """A code as a person types it: ``Amber Green``, `` PRIORITY ``, ``amber/green``."""
    style = rng.randrange(4)
    if style == 0:
        return code.replace("_", " ").title()
    if style == 1:
        return f" {code.upper()} "
    if style == 2:
        return code.replace("_", "/")
    return code


def cell_text(value: Cell, *, dates: str = "iso", rng: random.Random | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        if dates == "mixed":
            assert rng is not None
            return uk(value) if rng.random() < 0.5 else iso(value)
        return uk(value) if dates == "uk" else iso(value)
    return value


def csv_text(table: str, columns: tuple[str, ...], rows: list[tuple[Cell, ...]], *, dates: str = "iso",
             messy_codes: bool = False, header: str = "plain", order: list[int] | None = None,
             extra: bool = False, newline: str = "\n", seed: int = 0) -> str:
    """One table as CSV text, written in the given style."""
    rng = random.Random(seed)
    codes = code_columns(table)
    order = order if order is not None else list(range(len(columns)))
    names = [columns[i] for i in order]
    if header == "messy":
        names = [f" {name.replace('_', ' ').title()} " if i % 2 == 0 else name.upper()
                 for i, name in enumerate(names)]
    if extra:
        names.append("Notes from system")
    lines = [",".join(names)]
    for row in rows:
        cells = []
        for i in order:
            text = cell_text(row[i], dates=dates, rng=rng)
            if messy_codes and columns[i] in codes and text:
                text = messy_code(text, rng)
            cells.append(f'"{text}"' if "," in text else text)
        if extra:
            cells.append("x")
        lines.append(",".join(cells))
    return newline.join(lines) + newline


def write_csv_folder(folder: Path, tables: dict[str, Rows] | None = None, *, bom: bool = False,
                     **style: object) -> Path:
    """Write tables (default: ``SAMPLE``) as a folder of CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (columns, rows) in (tables or SAMPLE).items():
        text = csv_text(name, columns, rows, **style)  # type: ignore[arg-type]
        (folder / f"{name}.csv").write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return folder


def csv_texts(tables: dict[str, Rows] | None = None, **style: object) -> dict[str, str]:
    return {name: csv_text(name, columns, rows, **style)  # type: ignore[arg-type]
            for name, (columns, rows) in (tables or SAMPLE).items()}
