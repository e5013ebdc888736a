"""Every way a package arrives (folder, zip, workbook; BOM, CRLF, messy headers, codes and dates)
reads into the same canonical tables."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from iomhub.package import read_package
from iomhub.package.schema import TABLES
from tests.package.sample import SAMPLE, cell_text, csv_texts, write_csv_folder


def _zip(folder: Path, target: Path, top: str | None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{top}/{path.name}" if top else path.name)
    return target


def _xlsx(target: Path, dates: str) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, (columns, rows) in SAMPLE.items():
        sheet = workbook.create_sheet(name.title() if name == "nominals" else name)
        sheet.append(list(columns))
        for row in rows:
            if dates == "excel":  # real Excel dates
                sheet.append(list(row))
            else:  # dates typed as text in UK order
                sheet.append([cell_text(value, dates="uk") if value is not None else None for value in row])
    workbook.save(target)
    return target


def plain(tmp: Path) -> Path:
    return write_csv_folder(tmp / "plain")


def bom_crlf(tmp: Path) -> Path:
    return write_csv_folder(tmp / "bom", bom=True, newline="\r\n")


def messy_headers(tmp: Path) -> Path:
    return write_csv_folder(tmp / "headers", header="messy")


def reversed_columns(tmp: Path) -> Path:
    folder = tmp / "reversed"
    folder.mkdir()
    for name, (columns, _rows) in SAMPLE.items():
        order = list(reversed(range(len(columns))))
        text = csv_texts({name: SAMPLE[name]}, order=order)[name]
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def extra_columns(tmp: Path) -> Path:
    return write_csv_folder(tmp / "extra", extra=True)


def messy_codes(tmp: Path) -> Path:
    return write_csv_folder(tmp / "codes", messy_codes=True, seed=3)


def uk_dates(tmp: Path) -> Path:
    return write_csv_folder(tmp / "uk", dates="uk")


def mixed_dates(tmp: Path) -> Path:
    return write_csv_folder(tmp / "mixed", dates="mixed", seed=7)


def everything_at_once(tmp: Path) -> Path:
    return write_csv_folder(tmp / "all", bom=True, newline="\r\n", header="messy", extra=True,
                            messy_codes=True, dates="mixed", seed=11)


def zip_flat(tmp: Path) -> Path:
    return _zip(write_csv_folder(tmp / "z"), tmp / "package.zip", None)


def zip_with_folder(tmp: Path) -> Path:
    return _zip(write_csv_folder(tmp / "z"), tmp / "package.zip", "extracts")


def xlsx_excel_dates(tmp: Path) -> Path:
    return _xlsx(tmp / "package.xlsx", "excel")


def xlsx_text_dates(tmp: Path) -> Path:
    return _xlsx(tmp / "package.xlsx", "text")


FORMS: list[Callable[[Path], Path]] = [
    bom_crlf, messy_headers, reversed_columns, extra_columns, messy_codes, uk_dates, mixed_dates,
    everything_at_once, zip_flat, zip_with_folder, xlsx_excel_dates, xlsx_text_dates,
]


@pytest.mark.parametrize("form", FORMS, ids=[form.__name__ for form in FORMS])
def test_every_form_reads_to_the_same_tables(form: Callable[[Path], Path], tmp_path: Path) -> None:
    expected = read_package(plain(tmp_path))
    package = read_package(form(tmp_path))
    assert sorted(package.tables) == sorted(SAMPLE)
    for name, frame in expected.tables.items():
        got = package.tables[name]
        assert got.schema == frame.schema, name
        assert got.equals(frame), (name, got, frame)


def test_extra_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    package = read_package(extra_columns(tmp_path))
    assert "nominals.csv: column 'notes_from_system' is not part of nominals.csv; ignored" in package.warnings
    assert len([w for w in package.warnings if "notes_from_system" in w]) == len(SAMPLE)
    assert "notes_from_system" not in package.tables["nominals"].columns


def test_plain_package_has_no_warnings(tmp_path: Path) -> None:
    assert read_package(plain(tmp_path)).warnings == []


def test_canonical_tables_by_hand(tmp_path: Path) -> None:
    package = read_package(everything_at_once(tmp_path))
    for name, frame in package.tables.items():
        assert frame.columns == TABLES[name].names
    nominals = package.tables["nominals"]
    assert nominals.schema["date_of_birth"] == pl.Date
    assert nominals.row(0, named=True) == {
        "nominal_id": "N1", "pnc_id": "2009/0123456X", "family_name": "Smith", "given_names": "Jo",
        "date_of_birth": date(1990, 2, 14), "gender": "male", "area": "NW",
        "sanctions": None, "first_sanction_date": None}
    assert nominals.row(2, named=True) == {
        "nominal_id": "N3", "pnc_id": None, "family_name": None, "given_names": None,
        "date_of_birth": None, "gender": "unknown", "area": None, "sanctions": None,
        "first_sanction_date": None}
    assert nominals["pnc_id"].to_list() == ["2009/0123456X", "99/12345Z", None, None, None]
    cohort = package.tables["cohort"]
    assert cohort["scheme"].to_list() == ["priority", "enhanced", "priority", "standard", "enhanced", "standard"]
    assert cohort["end_date"].to_list() == [date(2015, 6, 30), None, None, date(2015, 12, 31), None, None]
    attendance = package.tables["attendance"]
    assert attendance.schema["invited"] == pl.Boolean
    assert attendance["invited"].to_list() == [True, True, True]
    assert attendance["attended"].to_list() == [True, False, False]
    assert attendance["agency"].to_list() == ["police", "nps", "police"]
    needs = package.tables["needs"]
    assert needs.schema["score"] == pl.Float64
    assert needs["score"].to_list() == [3.0, 0.0, 7.5, None]
    assert needs["pathway"].to_list() == ["accommodation", "drugs_alcohol", "children_families", "ete"]
    assert package.tables["targets"]["period"].to_list() == ["2015", "2015-Q1"]
    assert package.tables["targets"]["value"].to_list() == [5.0, -0.4]
    assert package.tables["actions"]["status"].to_list() == ["amber_green"]
    assert package.tables["referrals"]["referring_agency"].to_list() == ["police", "drugs_service", "police"]
    assert package.lines["cohort"].to_list() == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" Priority ", "priority"),
        ("ENHANCED", "enhanced"),
        ("Standard", "standard"),
        ("priority ", "priority"),
    ],
    ids=["padded-title", "upper", "title", "trailing-space"],
)
def test_codes_as_typed(make_package: Callable[..., Path], text: str, expected: str) -> None:
    folder = make_package(cohort=f"nominal_id,scheme,start_date,end_date\nN1,{text},2015-01-01,\n")
    assert read_package(folder).tables["cohort"]["scheme"].to_list() == [expected]


def test_optional_tables_absent_and_optional_columns_added(make_package: Callable[..., Path]) -> None:
    package = read_package(make_package())
    assert sorted(package.tables) == ["cohort", "nominals"]
    assert package.tables["cohort"]["exit_reason"].to_list() == [None]
    assert package.tables["nominals"].columns == TABLES["nominals"].names


def test_blank_lines_and_quoted_newlines_keep_line_numbers(make_package: Callable[..., Path]) -> None:
    cohort = ('nominal_id,scheme,start_date,end_date,exit_reason\n\nN1,priority,2014-01-01,2014-12-31,"two\nlines"\n'
              '\nN1,priority,2015-01-01,,\n')
    package = read_package(make_package(cohort=cohort))
    assert package.lines["cohort"].to_list() == [3, 6]
    assert package.tables["cohort"]["exit_reason"].to_list() == ["two\nlines", None]


def test_package_toml_is_read(make_package: Callable[..., Path]) -> None:
    toml = ('title = "LLR IOM"\nfinancial_year_start_month = 1\n'
            '[schemes]\n"Young Adults" = "Young adults"\n[report]\nage_bands = [16, 25]\n')
    folder = make_package(**{"package.toml": toml},
                          cohort="nominal_id,scheme,start_date,end_date\nN1,Young Adults,2015-01-01,\n")
    package = read_package(folder)
    assert package.settings.title == "LLR IOM"
    assert package.settings.financial_year_start_month == 1
    assert package.settings.age_bands == (16, 25)
    assert package.tables["cohort"]["scheme"].to_list() == ["young_adults"]


@pytest.mark.parametrize("apostrophe", [False, True], ids=["no-apostrophe-in-the-file", "an-apostrophe-elsewhere"])
def test_cells_are_trimmed_and_blanks_missing_whether_or_not_the_file_holds_an_apostrophe(
        make_package: Callable[..., Path], apostrophe: bool) -> None:
    # A file without a single apostrophe skips the search for formula apostrophes; the cells
    # must be trimmed, blanks made missing and blank rows dropped just the same.
    reason = "'=1+1" if apostrophe else "moved away"
    cohort = ("nominal_id,scheme,start_date,end_date,exit_reason\n"
              f" N1 , priority ,2014-01-01 , 2014-06-30 ,  {reason}  \n"
              " , , , , \nN1,priority,2015-01-01,, \t\n")
    package = read_package(make_package(cohort=cohort))
    cohort_table = package.tables["cohort"]
    assert package.lines["cohort"].to_list() == [2, 4]
    assert cohort_table["nominal_id"].to_list() == ["N1", "N1"]
    assert cohort_table["start_date"].to_list() == [date(2014, 1, 1), date(2015, 1, 1)]
    assert cohort_table["end_date"].to_list() == [date(2014, 6, 30), None]
    assert cohort_table["exit_reason"].to_list() == ["=1+1" if apostrophe else "moved away", None]


def test_cells_typed_by_their_distinct_values_whether_few_or_many(make_package: Callable[..., Path]) -> None:
    # 14 needs rows: two dates and two scores (few distinct values: typed through an Enum of
    # them) and seven pathways (half the rows distinct: typed by replacing each value).
    pathways = ["Accommodation", "ETE", "health", "Drugs / Alcohol", "finance", "Children-Families", "attitudes"]
    rows = [f"N1,{day},{pathway},{' 3 ' if index % 2 else '7.5'}"
            for day in ("2015-04-01", "02/05/2015") for index, pathway in enumerate(pathways)]
    package = read_package(make_package(needs="nominal_id,assessed_on,pathway,score\n" + "\n".join(rows) + "\n"))
    needs = package.tables["needs"]
    assert needs["assessed_on"].to_list() == [date(2015, 4, 1)] * 7 + [date(2015, 5, 2)] * 7
    assert needs["score"].to_list() == [7.5, 3.0, 7.5, 3.0, 7.5, 3.0, 7.5] * 2
    assert needs["pathway"].to_list() == ["accommodation", "ete", "health", "drugs_alcohol", "finance",
                                          "children_families", "attitudes"] * 2
