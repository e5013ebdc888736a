"""The mapping of package.toml: every mistake in it is refused at its own line, problems in mapped
files are named in the files' own terms, and the mapping is honoured wherever a package comes from
(folder, zip, workbook with --mapping)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iomhub.package import PackageError, read_package
from iomhub.package.mapping import FileSource, Mapping
from iomhub.package.toml_lines import key_lines
from tests.cli_runner import run_cli as run
from tests.cli_runner import write_files as write

NICHE = "Person URN,DOB,Sex\nU1,01/01/1990,M\nU2,02/02/1992,F\n"
CASELOAD = "URN,Level,Start,Finish\nU1,High,2015-01-01,\nU2,Low,2015-02-01,2015-12-31\n"
MAPPING = """\
[files]
nominals = "Niche.csv"
cohort = "Caseload.csv"

[columns.nominals]
nominal_id = "Person URN"
date_of_birth = "DOB"
gender = "Sex"

[columns.cohort]
nominal_id = "URN"
scheme = "Level"
start_date = "Start"
end_date = "Finish"

[codes.nominals.gender]
male = ["M"]
female = ["F"]

[codes.cohort.scheme]
priority = ["High"]
standard = ["Low"]
"""
CANONICAL = {
    "nominals.csv": "nominal_id,date_of_birth,gender\nU1,1990-01-01,male\nU2,1992-02-02,female\n",
    "cohort.csv": "nominal_id,scheme,start_date,end_date\nU1,priority,2015-01-01,\nU2,standard,2015-02-01,2015-12-31\n",
}


def mapped(folder: Path, toml: str = MAPPING, files: dict[str, str | bytes] | None = None) -> Path:
    """The two extracts and their mapping (``toml``), then ``files`` added or replaced."""
    return write(folder, {"Niche.csv": NICHE, "Caseload.csv": CASELOAD, "package.toml": toml, **(files or {})})


def problems_of(folder: Path, mapping: Mapping | None = None) -> list[str]:
    with pytest.raises(PackageError) as refused:
        read_package(folder, mapping)
    return [str(problem) for problem in refused.value.problems]



def test_a_mapped_package_reads_as_the_canonical_one(tmp_path: Path) -> None:
    package = read_package(mapped(tmp_path / "mapped"))
    canonical = read_package(write(tmp_path / "canonical", CANONICAL))
    for name, frame in canonical.tables.items():
        assert package.tables[name].equals(frame), name
    assert package.warnings == []


def test_without_the_mapping_the_extracts_are_refused(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", toml="")
    assert problems_of(folder) == ["cohort.csv: required table is missing", "nominals.csv: required table is missing"]


# (name, what replaces what in MAPPING (or extra files), the problems, in the order reported)
MISTAKES: list[tuple[str, list[tuple[str, str]], dict[str, str], list[str]]] = [
    ("missing-file", [('cohort = "Caseload.csv"', 'cohort = "Caseloads.csv"')], {},
     ["package.toml:3: files.cohort: no file 'Caseloads.csv' in the package (did you mean 'Caseload.csv'?): "
      "its files are Caseload.csv, Niche.csv"]),
    ("not-a-table", [('nominals = "Niche.csv"', 'nominal = "Niche.csv"')], {},
     ["package.toml:2: files.nominal: 'nominal' is not a table of the package (did you mean 'nominals'?): the "
      "tables are nominals, cohort, flags, offences, custody, supervision, risk, referrals, meetings, attendance, "
      "needs, treatment, indicators, targets, actuals, actions, rag_overrides",
      "package.toml:5: columns.nominals: the package has no nominals table (no nominals.csv, and [files] names none)"]),
    ("one-file-two-tables", [('cohort = "Caseload.csv"', 'cohort = "niche.csv"')], {},
     ["package.toml:3: files.cohort: names 'niche.csv' again (already for nominals): a file holds one table"]),
    ("not-an-encoding", [('cohort = "Caseload.csv"', 'cohort = { file = "Caseload.csv", encoding = "klingon" }')],
     {}, ["package.toml:3: files.cohort.encoding: 'klingon' is not an encoding (e.g. cp1252, utf-16, utf-8)"]),
    ("not-a-separator", [('cohort = "Caseload.csv"', 'cohort = { file = "Caseload.csv", delimiter = ";;" }')], {},
     ["package.toml:3: files.cohort.delimiter: ';;' is not a separator: one character, e.g. \";\" or \"\\t\""]),
    ("not-a-file-setting", [('cohort = "Caseload.csv"', 'cohort = { file = "Caseload.csv", sheet = "A" }')], {},
     ["package.toml:3: files.cohort.sheet: is not a setting of a file (use file, encoding, delimiter)"]),
    ("no-file-name", [('cohort = "Caseload.csv"', 'cohort = 3')], {},
     ['package.toml:3: files.cohort: must be a file name, or { file = "...", encoding = "...", delimiter = "..." }']),
    ("a-workbook-in-a-folder", [('cohort = "Caseload.csv"', 'cohort = "Caseload.xlsx"')], {"Caseload.xlsx": "x"},
     ["package.toml:3: files.cohort: 'Caseload.xlsx' is a workbook: a folder or zip package reads CSV files (save "
      "the sheet as CSV UTF-8, or give the workbook itself as the package, with --mapping)"]),
    ("missing-header", [('date_of_birth = "DOB"', 'date_of_birth = "D.O.B"')], {},
     ["package.toml:7: columns.nominals.date_of_birth: no column 'D.O.B' in Niche.csv (did you mean 'DOB'?): its "
      "headers are Person URN, DOB, Sex"]),
    ("header-mapped-twice", [('gender = "Sex"', 'gender = "Sex"\npnc_id = "person urn"')], {},
     ["package.toml:9: columns.nominals.pnc_id: header 'person urn' is mapped twice (already to nominal_id): a "
      "header is one column"]),
    ("two-headers-for-one-column", [('gender = "Sex"', 'gender = "Sex"\nNominal_ID = "DOB"')], {},
     ["package.toml:9: columns.nominals.Nominal_ID: maps a second header to nominal_id (already 'Person URN')"]),
    ("not-a-column", [('gender = "Sex"', 'gender = "Sex"\ngendre = "Sex"')], {},
     ["package.toml:9: columns.nominals.gendre: 'gendre' is not a column of nominals (did you mean 'gender'?): its "
      "columns are nominal_id, pnc_id, family_name, given_names, date_of_birth, gender, area, sanctions, "
      "first_sanction_date"]),
    ("header-not-text", [('gender = "Sex"', 'gender = ["Sex"]')], {},
     ["package.toml:8: columns.nominals.gender: must be the header of a column in the file, as text",
      "package.toml:16: codes.nominals.gender: Niche.csv has no gender column (map its header under "
      "[columns.nominals])"]),
    ("not-a-code-column", [("[codes.nominals.gender]", "[codes.nominals.area]")], {},
     ["package.toml:16: codes.nominals.area: 'area' is not a code column of nominals: its code columns are gender"]),
    ("not-a-code", [('male = ["M"]', 'mail = ["M"]')], {},
     ["package.toml:17: codes.nominals.gender.mail: 'mail' is not a code of nominals.gender (did you mean 'male'?): "
      "its codes are male, female, other, unknown"]),
    ("spelling-for-two-codes", [('female = ["F"]', 'female = ["F", "m"]')], {},
     ["package.toml:18: codes.nominals.gender.female: spelling 'm' is mapped to both male and female"]),
    ("spellings-not-text", [('female = ["F"]', 'female = ["F", 2]')], {},
     ['package.toml:18: codes.nominals.gender.female: must be the spellings used in the file, e.g. ["M", "Male"]']),
    ("codes-of-a-table-not-there", [("", '\n[codes.risk.tier]\nred = ["R"]\n')], {},
     ["package.toml:24: codes.risk: the package has no risk table (no risk.csv, and [files] names none)"]),
    ("codes-of-an-unmapped-column", [('gender = "Sex"\n', "")], {},
     ["package.toml:15: codes.nominals.gender: Niche.csv has no gender column (map its header under "
      "[columns.nominals])"]),
    ("two-digit-years", [("", '\n[dates]\nformats = ["%d/%m/%y"]\n')], {},
     ["package.toml:25: dates.formats: '%d/%m/%y' has two-digit years (%y): '01/04/55' could be 1955 or 2055; "
      "export four-digit years and use %Y"]),
    ("month-first", [("", '\n[dates]\nformats = ["%m/%d/%Y"]\n')], {},
     ["package.toml:25: dates.formats: '%m/%d/%Y' writes 2015-11-03 as '11/03/2015', which a package reads as "
      "2015-03-11 (DD/MM/YYYY): month-first dates are never accepted"]),
    ("no-day", [("", '\n[dates]\nformats = ["%b %Y"]\n')], {},
     ["package.toml:25: dates.formats: '%b %Y' does not read back the day it writes (2015-11-03 is written 'Nov "
      "2015'): a format needs the day, the month and a four-digit year, e.g. %d-%b-%Y"]),
    ("not-a-dates-setting", [("", '\n[dates]\nformat = ["%d-%b-%Y"]\n')], {},
     ["package.toml:25: dates.format: is not a setting of [dates] (use formats)"]),
    ("files-not-a-table", [("[files]\n", 'files = "Niche.csv"\n[other]\n')], {},
     ['package.toml:1: files: must be a table (table = "file name")',
      "package.toml:6: columns.nominals: the package has no nominals table (no nominals.csv, and [files] names "
      "none)",
      "package.toml:11: columns.cohort: the package has no cohort table (no cohort.csv, and [files] names none)"]),
]


@pytest.mark.parametrize(("name", "edits", "files", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_in_the_mapping_is_refused_at_its_line(name: str, edits: list[tuple[str, str]],
                                                         files: dict[str, str], expected: list[str],
                                                         tmp_path: Path) -> None:
    toml = MAPPING
    for old, new in edits:
        assert old in toml
        toml = toml + new if old == "" else toml.replace(old, new, 1)
    folder = mapped(tmp_path / name, toml)
    write(folder, dict(files))
    assert problems_of(folder) == expected
    result = run("check", str(folder))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == expected
    assert result.stderr.splitlines()[-1].startswith("Refused:")


# (name, a file replaced, the problems, in the order reported)
IN_THEIR_TERMS: list[tuple[str, dict[str, str], list[str]]] = [
    ("bad-date", {"Niche.csv": "Person URN,DOB,Sex\nU1,31/02/1990,M\nU2,02/02/1992,F\n"},
     ["Niche.csv:2: DOB: '31/02/1990' is not a real date (no such day)"]),
    ("unmapped-code", {"Niche.csv": "Person URN,DOB,Sex\nU1,01/01/1990,M\nU2,02/02/1992,X\n"},
     ["Niche.csv:3: Sex: unknown code 'X' (expected one of: male, female, other, unknown); map it under "
      "[codes.nominals.gender] in package.toml"]),
    ("unknown-person", {"Caseload.csv": CASELOAD + "U9,High,2015-03-01,\n"},
     ["Caseload.csv:4: URN: 'U9' is not in Niche.csv"]),
    ("end-before-start",
     {"Caseload.csv": "URN,Level,Start,Finish\nU1,High,2015-01-01,2014-12-31\nU2,Low,2015-02-01,\n"},
     ["Caseload.csv:2: Finish: 2014-12-31 is before Start 2015-01-01"]),
    ("duplicate-person", {"Niche.csv": NICHE + "U1,03/03/1993,F\n"},
     ["Niche.csv:4: Person URN: duplicate nominal_id 'U1' (first on line 2)"]),
    ("overlapping-episodes", {"Caseload.csv": CASELOAD + "U1,Low,2015-06-01,\n"},
     ["Caseload.csv:4: Start: episode starting 2015-06-01 overlaps the episode on line 2 of the same nominal_id "
      "'U1'"]),
    ("required-column-not-mapped", {"Caseload.csv": "URN,Level,Finish\nU1,High,\n"},
     ["package.toml:13: columns.cohort.start_date: no column 'Start' in Caseload.csv: its headers are URN, Level, "
      "Finish"]),
]


@pytest.mark.parametrize(("name", "files", "expected"), IN_THEIR_TERMS, ids=[m[0] for m in IN_THEIR_TERMS])
def test_problems_in_mapped_files_name_their_file_and_header(name: str, files: dict[str, str], expected: list[str],
                                                             tmp_path: Path) -> None:
    folder = write(mapped(tmp_path / name), dict(files))
    assert problems_of(folder) == expected


def test_a_required_column_neither_mapped_nor_there_is_named_as_the_package_names_it(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", MAPPING.replace('start_date = "Start"\n', ""))
    assert problems_of(folder) == ["Caseload.csv:1: start_date: required column is missing"]


def test_a_canonical_name_still_works_where_no_mapping_is_given(tmp_path: Path) -> None:
    toml = """\
[files]
cohort = "Caseload.csv"

[columns.cohort]
nominal_id = "URN"
scheme = "Level"
start_date = "Start"
end_date = "Finish"

[codes.cohort.scheme]
priority = ["High"]
standard = ["Low"]
"""
    folder = write(tmp_path / "p", {"nominals.csv": CANONICAL["nominals.csv"], "Caseload.csv": CASELOAD,
                                    "package.toml": toml})
    package = read_package(folder)
    assert package.tables["cohort"]["scheme"].to_list() == ["priority", "standard"]
    assert package.tables["nominals"]["gender"].to_list() == ["male", "female"]


def test_a_canonically_named_file_for_a_mapped_table_is_ignored_with_a_warning(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", files={"nominals.csv": "nominal_id\nSOMEONE ELSE\n"})
    package = read_package(folder)
    assert package.tables["nominals"]["nominal_id"].to_list() == ["U1", "U2"]
    assert package.warnings == ["nominals.csv: ignored: the nominals table is read from Niche.csv (package.toml:2)"]


def test_a_mapped_header_wins_over_a_column_of_the_canonical_name(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p",
                    files={"Niche.csv": "Person URN,DOB,Sex,Gender\nU1,01/01/1990,M,x\nU2,02/02/1992,F,y\n"})
    package = read_package(folder)
    assert package.tables["nominals"]["gender"].to_list() == ["male", "female"]
    assert package.warnings == ["Niche.csv: column 'Gender' ignored: gender is read from 'Sex', as package.toml says"]


def test_an_unused_column_of_a_mapped_file_is_named_as_written(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", files={"Niche.csv": "Person URN,DOB,Sex,Officer in case\nU1,01/01/1990,M,PC 1\n"
                                                        "U2,02/02/1992,F,\n"})
    assert read_package(folder).warnings == [
        "Niche.csv: column 'Officer in case' is not part of nominals.csv; ignored"]


def test_a_zip_is_read_with_its_mapping_whatever_the_order_of_its_members(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p")
    archive = tmp_path / "extracts.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("Niche.csv", "Caseload.csv", "package.toml"):  # the mapping last
            out.write(folder / name, f"March extracts/{name}")
    package = read_package(archive)
    assert package.tables["cohort"]["scheme"].to_list() == ["priority", "standard"]
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as out:
        out.writestr("Niche.csv", NICHE.replace("U2,", "U2x,"))
        out.writestr("Caseload.csv", CASELOAD)
        out.writestr("package.toml", MAPPING)
    assert problems_of(broken) == ["broken.zip/Caseload.csv:3: URN: 'U2' is not in Niche.csv"]


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


WORKBOOK_MAPPING = MAPPING.replace('nominals = "Niche.csv"', 'nominals = "People"').replace(
    'cohort = "Caseload.csv"', 'cohort = "IOM caseload"') + '\n[dates]\nformats = ["excel"]\n'


def test_a_workbook_is_read_with_a_mapping_given_apart(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "Partnership tracker.xlsx", {
        "People": [["Person URN", "DOB", "Sex"], ["U1", 32874, "M"], ["U2", 33636, "F"]],  # Excel serial days
        "IOM caseload": [["URN", "Level", "Start", "Finish"], ["U1", "High", "2015-01-01", None],
                         ["U2", "Low", "01/02/2015", "31/12/2015"]]})
    (tmp_path / "tracker.toml").write_text(WORKBOOK_MAPPING, encoding="utf-8")
    result = run("check", str(book), "--mapping", str(tmp_path / "tracker.toml"))
    assert result.exit_code == 0, result.output
    assert "nominals 2, cohort 2 rows" in result.stdout
    canonical = read_package(write(tmp_path / "canonical", CANONICAL))
    package = read_package(book, Mapping.from_toml(WORKBOOK_MAPPING, "tracker.toml"))
    for name, frame in canonical.tables.items():
        assert package.tables[name].equals(frame), name


def test_a_wrong_sheet_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "tracker.xlsx", {"People": [["Person URN", "DOB", "Sex"], ["U1", 32874, "M"]],
                                                 "Caseload": [["URN"], ["U1"]]})
    mapping = Mapping.from_toml(WORKBOOK_MAPPING, "tracker.toml")
    assert problems_of(book, mapping) == [
        "tracker.toml:3: files.cohort: no sheet 'IOM caseload' in tracker.xlsx (did you mean 'Caseload'?): its "
        "sheets are Caseload, People"]


def test_a_mapping_given_apart_replaces_the_package_own(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", MAPPING.replace('male = ["M"]', 'male = ["Q"]'))
    package = read_package(folder, Mapping.from_toml(MAPPING, "kept/niche.toml"))
    assert package.tables["nominals"]["gender"].to_list() == ["male", "female"]
    assert package.warnings == ["package.toml: its mapping ([files], [columns], [codes], [dates]) is not used: the "
                                "mapping is read from kept/niche.toml"]


def test_a_mapping_given_apart_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[files\nnominals = 1\n", encoding="utf-8")
    result = run("check", str(mapped(tmp_path / "p")), "--mapping", str(tmp_path / "bad.toml"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path / 'bad.toml'}:1: is not valid TOML (")
    missing = run("check", str(tmp_path / "p"), "--mapping", str(tmp_path / "none.toml"))
    assert missing.exit_code == 2
    assert f"{tmp_path / 'none.toml'}: cannot be read: No such file or directory" in missing.stderr


def test_settings_in_a_mapping_given_apart_are_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('title = "x"\n' + MAPPING, encoding="utf-8")
    folder = write(tmp_path / "p", {"Niche.csv": NICHE, "Caseload.csv": CASELOAD})
    result = run("check", str(folder), "--mapping", str(tmp_path / "m.toml"))
    assert result.exit_code == 0, result.output
    assert "title ignored: --mapping reads only [files], [columns], [codes], [dates]" in result.stderr


def test_report_and_import_refuse_a_broken_mapping_and_write_nothing(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", MAPPING.replace('"DOB"', '"Birth"'))
    output = tmp_path / "report.json"
    result = run("report", str(folder), "--from", "2015-04-01", "--to", "2016-03-31", "--format", "json",
                 "-o", str(output))
    assert result.exit_code == 2
    assert "package.toml:7: columns.nominals.date_of_birth: no column 'Birth' in Niche.csv" in result.stderr
    assert not output.exists()


def test_problems_point_at_keys_however_the_toml_writes_them(tmp_path: Path) -> None:
    toml = """\
# extracts from Niche, kept monthly
files.nominals = "Niche.csv"
files."cohort" = { file = "Caseload.csv" }

[columns]
nominals = { nominal_id = "Person URN", date_of_birth = "Birth", gender = "Sex" }
cohort.nominal_id = "URN"
cohort.scheme = "Level"
cohort.start_date = 'Begin'

[codes.nominals]
gender.male = [
  "M",  # men
]
gender."female" = ["F"]
[codes.cohort.scheme]
priority = ["High"]
standard = ["Low"]
"""
    assert problems_of(mapped(tmp_path / "p", toml)) == [
        "package.toml:6: columns.nominals.date_of_birth: no column 'Birth' in Niche.csv: its headers are Person URN, "
        "DOB, Sex",
        "package.toml:9: columns.cohort.start_date: no column 'Begin' in Caseload.csv: its headers are URN, Level, "
        "Start, Finish"]


def test_key_lines_of_every_form_of_toml() -> None:
    text = '''a = 1
[ "codes" . nominals . 'gender' ]  # comment
male = [
  "M", # "not = a key"
  """x
y = 2""",
]
female.x = { y = [1, 2], z = "}" }
[[actions]]
id = 1
'''
    lines = key_lines(text)
    assert lines[("a",)] == 1
    assert lines[("codes", "nominals", "gender")] == 2
    assert lines[("codes", "nominals", "gender", "male")] == 3
    assert ("codes", "nominals", "gender", "y") not in lines
    assert lines[("codes", "nominals", "gender", "female", "x", "z")] == 8
    assert lines[("actions", "id")] == 10


def test_a_mapping_written_back_as_toml_reads_the_same() -> None:
    mapping = Mapping.from_toml(MAPPING + '\n[files.offences]\nfile = "Crime \\"extract\\".csv"\nencoding = "cp1252"\n'
                                'delimiter = "\\t"\n\n[dates]\nformats = ["%d-%b-%Y", "excel"]\n')
    assert mapping.problems == ()
    again = Mapping.from_toml(mapping.to_toml())
    assert again.problems == ()
    assert (again.files, again.columns, again.codes, again.dates) == (
        mapping.files, mapping.columns, mapping.codes, mapping.dates)
    assert again.files["offences"] == FileSource('Crime "extract".csv', "cp1252", "\t")


MAPPING_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
SECTION_KEYS = st.sampled_from(["nominals", "cohort", "Cohort", "gender", "scheme", "nominal_id", "male", "M",
                                "formats", "file", "encoding", "delimiter", "x"])


def _nested(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(MAPPING_VALUES, lambda inner: st.dictionaries(keys, inner, max_size=3), max_leaves=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={section: _nested(SECTION_KEYS)
                                               for section in ("files", "columns", "codes", "dates")}))
def test_any_mapping_is_read_or_refused_never_a_crash(data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
                                                      ) -> None:
    mapping = Mapping.from_dict(data)
    assert all(str(problem) for problem in mapping.problems)
    folder = mapped(tmp_path_factory.mktemp("fuzz"), "")
    refusal: PackageError | None = None
    try:
        read_package(folder, mapping)
    except PackageError as refused:
        refusal = refused
    assert refusal is None or refusal.problems
    again = Mapping.from_toml(mapping.to_toml())  # what was read is written back as valid TOML
    assert again.problems == ()
    assert (again.files, again.columns, again.codes, again.dates) == (
        mapping.files, mapping.columns, mapping.codes, mapping.dates)


def test_a_package_toml_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder = mapped(tmp_path / "p", files={"package.toml": ('title = "Café"\n' + MAPPING).encode("cp1252")})
    assert problems_of(folder) == [  # and not that its tables are missing: it may have named their files
        "package.toml:1: is not UTF-8 text (byte 0xE9, 'é' in Windows-1252): save it as UTF-8"]
    (folder / "package.toml").write_text("[files\n", encoding="utf-8")
    assert [problem.split(" (")[0] for problem in problems_of(folder)] == ["package.toml:1: is not valid TOML"]


def test_names_headers_and_spellings_match_whatever_their_case(tmp_path: Path) -> None:
    toml = MAPPING.replace('cohort = "Caseload.csv"', 'cohort = " caseload "').replace(
        'scheme = "Level"', 'scheme = "LEVEL "').replace('priority = ["High"]', 'priority = ["high-"]')
    folder = mapped(tmp_path / "p", toml, files={"Caseload.csv": CASELOAD.replace("High", "HIGH")})
    assert read_package(folder).tables["cohort"]["scheme"].to_list() == ["priority", "standard"]
