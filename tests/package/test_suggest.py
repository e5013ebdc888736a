"""``iomhub mapping suggest`` on extracts as units have them: headers matched by name and by content,
code spellings with their counts, date formats and encodings found; deterministic; never replacing
a package.toml without --force. And ``code_spellings``, for a page that maps codes."""

from __future__ import annotations

import dataclasses
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest

from iomhub.package import read_package
from iomhub.package.mapping import Mapping
from iomhub.package.suggest import Spelling, code_spellings, suggest
from tests.cli_runner import run_cli as run

PEOPLE = """\
Person URN,Ref 2,Surname,DOB,Col5,Area
P1,2009/0123456X,Smith,14.02.1990,M,NW
P2,99/12345Z,Jones,02.04.1997,F,NE
P3,,Brown,31.12.1985,M,NW
"""
CASES = """\
Nominal,Level,Start,End
P1,priority,2015-01-01,
P2,Standard,2015-02-01,2015-12-31
P3,enhanced,42370,
"""
CRIMES = """\
Crime Number,Person URN,Offence Committed Date,Offence Type
C1,P1,2015-05-01,Burglary - Dwelling
C2,P1,2015-06-01,Burglary - Dwelling
C3,P2,2015-07-01,Theft from the person
C4,P3,2015-08-01,shoplifting
C5,P3,2015-09-01,Bilking (café)
"""
NOTES = "Meeting notes,Written by\nAll fine,PC 1\n"


def extracts(folder: Path, order: tuple[str, ...] = ("people", "cases", "crimes", "notes")) -> Path:
    folder.mkdir(parents=True)
    files = {"people": ("Persons of interest.csv", PEOPLE.encode()),
             "cases": ("IOM caseload.csv", CASES.encode()),
             "crimes": ("Crime extract.csv", CRIMES.encode("cp1252")),
             "notes": ("Notes.csv", NOTES.encode())}
    for key in order:
        name, data = files[key]
        (folder / name).write_bytes(data)
    return folder



def test_files_headers_codes_dates_and_encodings_are_found(tmp_path: Path) -> None:
    suggestion = suggest(extracts(tmp_path / "x"))
    mapping = suggestion.mapping
    assert {table: source.file for table, source in mapping.files.items()} == {
        "nominals": "Persons of interest.csv", "cohort": "IOM caseload.csv", "offences": "Crime extract.csv"}
    assert mapping.files["offences"].encoding == "cp1252" and mapping.files["nominals"].encoding is None
    assert mapping.columns["nominals"] == {"nominal_id": "Person URN", "pnc_id": "Ref 2", "family_name": "Surname",
                                           "date_of_birth": "DOB", "gender": "Col5", "area": "Area"}
    assert mapping.columns["cohort"] == {"nominal_id": "Nominal", "scheme": "Level", "start_date": "Start",
                                         "end_date": "End"}
    assert mapping.columns["offences"] == {"offence_id": "Crime Number", "nominal_id": "Person URN",
                                           "offence_date": "Offence Committed Date", "category": "Offence Type"}
    by_header = {c.header: c.why for m in suggestion.files for c in m.columns}
    assert by_header["Ref 2"] == by_header["Col5"] == "by content"  # recognised by their cells alone
    assert mapping.codes == {"nominals": {"gender": {"male": ("M",), "female": ("F",)}},
                             "offences": {"category": {"burglary_residential": ("Burglary - Dwelling",),
                                                       "theft_from_person": ("Theft from the person",)}}}
    assert suggestion.codes[("offences", "category")] == [
        Spelling("Burglary - Dwelling", 2, "burglary_residential", "a usual spelling"),
        Spelling("Bilking (café)", 1, None),
        Spelling("Theft from the person", 1, "theft_from_person", "a usual spelling"),
        Spelling("shoplifting", 1, "shoplifting", "canonical")]
    assert suggestion.date_formats == {"%d.%m.%Y": 3, "excel": 1}
    assert mapping.dates.patterns == ("%d.%m.%Y",) and mapping.dates.excel
    assert suggestion.unmatched == [("Notes.csv", "matched no table (headers: Meeting notes, Written by)")]
    assert suggestion.to_map == 1


def test_the_suggestion_is_deterministic(tmp_path: Path) -> None:
    one = suggest(extracts(tmp_path / "a")).to_toml()
    other = suggest(extracts(tmp_path / "b", order=("notes", "crimes", "cases", "people"))).to_toml()
    assert one == other
    assert suggest(tmp_path / "a").to_toml() == one


def test_the_suggested_file_names_what_is_left_and_check_names_it_too(tmp_path: Path) -> None:
    folder = extracts(tmp_path / "x")
    result = run("mapping", "suggest", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"Wrote {folder / 'package.toml'}: 3 files given to tables (nominals, cohort, "
                             f"offences), 1 not; 1 code spelling left to map. Check it, then run: iomhub check "
                             f"{folder}\n")
    text = (folder / "package.toml").read_text(encoding="utf-8")
    assert 'offences = { file = "Crime extract.csv", encoding = "cp1252" }' in text
    assert "# not mapped: 'Bilking (café)': 1 row\n" in text
    assert "# Notes.csv: matched no table (headers: Meeting notes, Written by)\n" in text
    check = run("check", str(folder))
    assert check.exit_code == 2
    assert check.stderr.splitlines()[0] == (
        "Crime extract.csv:6: Offence Type: unknown code 'Bilking (café)' (expected one of: violence_with_injury, "
        "violence_without_injury, sexual, robbery, burglary_residential, burglary_business, vehicle, "
        "theft_from_person, shoplifting, other_theft, criminal_damage, drugs, weapons, public_order, fraud, other); "
        "map it under [codes.offences.category] in package.toml")
    (folder / "package.toml").write_text(text.replace("[codes.offences.category]\n",
                                                      '[codes.offences.category]\nother = ["Bilking (café)"]\n'),
                                         encoding="utf-8")
    package = read_package(folder)
    assert package.tables["nominals"]["family_name"].to_list() == ["Smith", "Jones", "Brown"]
    assert package.tables["cohort"]["start_date"].cast(str).to_list() == ["2015-01-01", "2015-02-01", "2016-01-01"]
    assert package.tables["offences"]["category"].to_list() == [
        "burglary_residential", "burglary_residential", "theft_from_person", "shoplifting", "other"]


def test_an_existing_package_toml_is_never_replaced_without_force(tmp_path: Path) -> None:
    folder = extracts(tmp_path / "x")
    settings = 'title = "Anytown IOM"\n\n[areas]\nNW = "North West"\n'
    (folder / "package.toml").write_text(settings + '\n[files]\nnominals = "old.csv"\n\n[dates]\nformats = []\n',
                                         encoding="utf-8")
    before = (folder / "package.toml").read_bytes()
    refused = run("mapping", "suggest", str(folder))
    assert refused.exit_code == 2
    assert "package.toml exists: give --force to replace its mapping" in refused.stderr
    assert (folder / "package.toml").read_bytes() == before
    forced = run("mapping", "suggest", str(folder), "--force")
    assert forced.exit_code == 0, forced.output
    text = (folder / "package.toml").read_text(encoding="utf-8")
    assert text.startswith(settings + "\n# A starting mapping")  # the settings kept, the old mapping gone
    assert "old.csv" not in text and text.count("[files]") == 1 and text.count("[dates]") == 1
    assert tomllib.loads(text)["areas"] == {"NW": "North West"} and Mapping.from_toml(text).problems == ()


def test_a_zip_or_workbook_is_not_changed_and_needs_an_output(tmp_path: Path) -> None:
    folder = extracts(tmp_path / "x")
    archive = tmp_path / "extracts.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.iterdir()):
            out.write(path, f"March/{path.name}")
    refused = run("mapping", "suggest", str(archive))
    assert refused.exit_code == 2 and "give -o FILE.toml" in refused.stderr
    printed = run("mapping", "suggest", str(archive), "-o", "-")
    assert printed.exit_code == 0
    assert printed.stdout == suggest(folder).to_toml()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "People"
    for row in PEOPLE.splitlines():
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row.split(",")])
    book.save(tmp_path / "tracker.xlsx")
    written = run("mapping", "suggest", str(tmp_path / "tracker.xlsx"), "-o", str(tmp_path / "tracker.toml"))
    assert written.exit_code == 0, written.output
    assert f"iomhub check {tmp_path / 'tracker.xlsx'} --mapping {tmp_path / 'tracker.toml'}" in written.stderr
    mapping = Mapping.from_toml((tmp_path / "tracker.toml").read_text(encoding="utf-8"))
    assert mapping.files["nominals"].file == "People"


def test_a_package_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    result = run("mapping", "suggest", str(tmp_path / "broken.zip"), "-o", "-")
    assert result.exit_code == 2
    assert result.stderr.startswith("broken.zip: not a readable zip file")


def test_a_file_that_cannot_be_read_is_listed(tmp_path: Path) -> None:
    folder = extracts(tmp_path / "x")
    (folder / "Damaged.csv").write_bytes(b"a,b\n1,2,3,4\n")
    unmatched = dict(suggest(folder).unmatched)
    assert unmatched["Damaged.csv"] == "could not be read: line 2: has 4 cells but the header has 2 columns"


def test_code_spellings_under_a_mapping(tmp_path: Path) -> None:
    folder = extracts(tmp_path / "x")
    (folder / "package.toml").write_text(suggest(folder).to_toml(), encoding="utf-8")
    spellings = code_spellings(folder)
    assert spellings[("nominals", "gender")] == [Spelling("M", 2, "male", "mapped"), Spelling("F", 1, "female",
                                                                                               "mapped")]
    assert spellings[("cohort", "scheme")] == [Spelling("Standard", 1, "standard", "canonical"),
                                               Spelling("enhanced", 1, "enhanced", "canonical"),
                                               Spelling("priority", 1, "priority", "canonical")]
    assert spellings[("offences", "category")][1] == Spelling("Bilking (café)", 1, None)
    suggested = suggest(folder).mapping
    category = {**suggested.codes["offences"]["category"], "other": ("BILKING (CAFÉ)",)}
    other = dataclasses.replace(suggested, codes={**suggested.codes, "offences": {"category": category}})
    assert code_spellings(folder, other)[("offences", "category")][1] == Spelling("Bilking (café)", 1, "other",
                                                                                  "mapped")


@pytest.mark.parametrize(("header", "column"), [
    ("Person URN", "nominal_id"), ("DOB", "date_of_birth"), ("Sex", "gender"),
    ("Offence Committed Date", "offence_date"), ("PNC No.", "pnc_id"), ("Date Adopted", "start_date"),
    ("Surname", "family_name"), ("Forename(s)", "given_names"),
], ids=lambda value: value.replace(" ", "-") if isinstance(value, str) else value)
def test_usual_headers_are_known(header: str, column: str) -> None:
    from iomhub.package.suggest import name_similarity

    assert name_similarity(header, column) >= 0.8
    others = ("nominal_id", "date_of_birth", "gender", "offence_date", "pnc_id", "start_date", "end_date",
              "family_name", "given_names", "detected_date")
    assert max(others, key=lambda other: name_similarity(header, other)) == column
