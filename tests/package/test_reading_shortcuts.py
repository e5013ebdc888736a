"""The shortcuts of reading and validating a package give what the long way gives.

- A file without a double quote or a carriage return is taken to have one row a line, without
  its line feeds being counted: Polars' rows are then its lines (checked here on awkward files),
  and the table is what Python's csv module reads.
- ``read_package`` leaves the text cells untidied when it reads (``trim_later``) and validation
  tidies them, a column typed by its distinct values through those values only: the same typed
  tables, problems (in the same order) and warnings as validating the tidied cells.
- Validation types and checks the tables on two threads; its problems come in a fixed order.

The tests of validation run twice: small tables typed cell by cell (as these are), and typed
through their distinct values (as tables over ``validate.DIRECT_ROWS`` rows are).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from iomhub.package import validate
from iomhub.package.load import read_mapped
from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES
from iomhub.package.sources import (
    LINE,
    _parse_with_csv_module,
    _rows_are_lines,
    _tidy,
    _without_blank_rows,
    parse_csv_text,
    tidy_cells,
)
from iomhub.package.validate import Collector, validate_tables
from tests.conftest import MINIMAL

UNQUOTED = {
    "blank line inside": "a,b\n1,2\n\n3,4\n",
    "blank lines at the end": "a,b\n1,2\n\n\n",
    "no final line feed": "a,b\n1,2",
    "one column, blank lines": "a\n1\n\n2\n\n",
    "a line of spaces": "a,b\n1,2\n  \n3,4\n",
    "a line of separators": "a,b,c\n1,2,3\n,,\n , ,\n4,5,6\n",
    "short lines": "a,b,c\n1\n2,3\n",
    "header only": "a,b\n",
    "only a blank line": "a,b\n\n",
    "a hash": "a,b\n#1,2\n",
    "spaces everywhere": "a , b\n 1 , 2 \n\t3\t,\u00a04\u00a0\n",
    "apostrophes": "a,b\n'=1+1,''=2\n'x, '-3 \n",
}


@pytest.mark.parametrize("text", UNQUOTED.values(), ids=UNQUOTED.keys())
def test_rows_are_lines_without_quotes_or_carriage_returns(text: str) -> None:
    data = text.encode()
    frame = pl.read_csv(data, has_header=True, infer_schema=False, raise_if_empty=False)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    assert frame.height == lines - 1  # what _rows_are_lines takes for granted, never counting
    assert _rows_are_lines(data, frame.height)
    header = next(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    by_polars = parse_csv_text(data, "t", "t.csv", problems)
    slow = _parse_with_csv_module(text, [h.strip() for h in header], "t.csv", problems)
    assert by_polars is not None and slow is not None and not problems
    assert by_polars.frame.equals(_tidy(slow, [h.strip() for h in header]))


def test_rows_counted_when_a_quote_or_carriage_return_could_change_them() -> None:
    spanning = b'a,b\n"1\n2",3\n'
    assert pl.read_csv(spanning, infer_schema=False).height == 1
    assert not _rows_are_lines(spanning, 1)  # two lines after the header, one row: counted
    assert _rows_are_lines(b"a,b\r\n1,2\r\n", 1)
    assert not _rows_are_lines(b"a,b\r\n1,2\r\n", 2)
    table = parse_csv_text(spanning, "t", "t.csv", [])
    assert table is not None and table.frame.get_column(LINE).to_list() == [2]


MESSY = "a,b,c\n x ,2015-04-01, FINANCE \n,,\n  , \u00a0,\t\n y,, \n ,z,\n'=1, '+2 ,\u3000\n\n w,\u3000,ok\n"


def test_blank_rows_dropped_as_tidying_drops_them() -> None:
    frame = pl.read_csv(MESSY.encode(), infer_schema=False).with_row_index(LINE, offset=2).with_columns(
        pl.col(LINE).cast(pl.Int64))
    header = ["a", "b", "c"]
    tidied = _tidy(frame, header)
    kept, untrimmed = _without_blank_rows(frame, header)
    assert untrimmed == ("a", "b", "c")
    assert kept.get_column(LINE).to_list() == tidied.get_column(LINE).to_list() == [2, 5, 6, 7, 9]
    assert tidy_cells(kept.lazy(), list(untrimmed), apostrophes=True).collect().equals(tidied)


PACKAGE = {
    "nominals.csv": ("nominal_id,pnc_id,family_name,date_of_birth,gender,area,sanctions\n"
                     " N1 ,2009/0123456X, '=Smith ,1990-02-14, Male ,NW, 3 \n"
                     "N2,bad pnc,,\u00a014/02/1991 ,female,  ,0\n"
                     ",,,,,,\n"
                     "  ,  ,\t, , , , \n"
                     "N3,,,31/02/1990,Mail,NE,\n"
                     "N3,,, ,  , ,x\n"),
    "cohort.csv": ("nominal_id,scheme,start_date,end_date,exit_reason\n"
                   "N1, PRIORITY ,2015-01-01 ,2014-01-01, moved \n"
                   "N1,enhanced,2015-06-01,,\n"
                   " N9 ,standard,\u30002015-01-01,,\n"
                   ", , ,,\n"),
    "offences.csv": ("offence_id,nominal_id,offence_date,detected_date,category\n"
                     "O1,N1, 2015-05-01 ,,burglary residential\n"
                     "O1,N8,2015-05-02,2015-05-01, Shop-Lifting \n"
                     "O2,N2,'=2015-05-03,,'drugs\n"),
    "needs.csv": ("nominal_id,assessed_on,pathway,score\n"
                  "N1,2015-01-01, Finance , 3 \n"
                  "N1,2015-01-01,finance,4\n"
                  "N7,2015-01-01,ete,11\n"),
}


@pytest.fixture(params=["cell by cell", "through distinct values"])
def typing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "through distinct values":
        monkeypatch.setattr(validate, "DIRECT_ROWS", -1)
    return str(request.param)


def _validated(folder: Path, trim_later: bool) -> tuple[list[Problem], int, list[str], dict[str, pl.DataFrame]]:
    source = read_mapped(folder, trim_later=trim_later)
    assert any(table.untrimmed for table in source.raw.tables.values()) == trim_later
    collector = Collector(problems=list(source.problems), total=len(source.problems))
    warnings = list(source.raw.warnings)
    typed = validate_tables(source.raw.tables, source.extra_codes, collector, warnings, source.raw.unread,
                            source.mapping.dates)
    return collector.problems, collector.total, warnings, typed


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in {**{f"{k}.csv": v for k, v in MINIMAL.items() if f"{k}.csv" not in files}, **files}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_cells_tidied_in_validation_as_in_reading(tmp_path: Path, typing: str) -> None:
    folder = _write(tmp_path / "messy", PACKAGE)
    later = _validated(folder, trim_later=True)
    now = _validated(folder, trim_later=False)
    assert later[:3] == now[:3]
    assert later[3].keys() == now[3].keys()
    for name, frame in later[3].items():
        assert frame.equals(now[3][name]), name
    said = [f"{p.file}:{p.line}: {p.column}: {p.message}" for p in later[0]]
    # worked by hand: lines 4 and 5 of nominals are blank (spaces only), a cell loses its spaces
    # and its formula apostrophe whichever its column's kind, and "'drugs" keeps its apostrophe
    assert said[:8] == [
        "nominals.csv:3: pnc_id: 'bad pnc' is not a PNC id (YYYY/NNNNNNNL, e.g. 2009/0123456X)",
        "nominals.csv:6: date_of_birth: '31/02/1990' is not a real date (no such day)",
        "nominals.csv:6: gender: unknown code 'Mail' (expected one of: male, female, other, unknown)",
        "nominals.csv:7: sanctions: 'x' is not a number",
        "offences.csv:4: offence_date: '=2015-05-03' is not a date (write YYYY-MM-DD or DD/MM/YYYY)",
        "offences.csv:3: category: unknown code 'Shop-Lifting' (expected one of: " + CATEGORIES + ")",
        "offences.csv:4: category: unknown code ''drugs' (expected one of: " + CATEGORIES + ")",
        "needs.csv:4: score: score '11' is outside 0 to 10",
    ]
    assert "nominals.csv:7: nominal_id: duplicate nominal_id 'N3' (first on line 6)" in said
    assert "cohort.csv:4: nominal_id: 'N9' is not in nominals.csv" in said
    assert typed_value(later[3], "nominals", "gender") == ["male", "female", "mail", None]
    assert typed_value(later[3], "cohort", "scheme") == ["priority", "enhanced", "standard"]
    assert typed_value(later[3], "nominals", "family_name") == ["=Smith", None, None, None]


CATEGORIES = ", ".join(TABLES["offences"].column("category").codes() or ())


def typed_value(typed: dict[str, pl.DataFrame], table: str, column: str) -> list[object]:
    return typed[table].get_column(column).to_list()

def test_cells_tidied_in_validation_through_a_mapping(tmp_path: Path, typing: str) -> None:
    files = {"Niche.csv": "Person URN,DOB,Sex\n U1 ,01/01/1990, M \nU2, 1992-02-02 ,F\n , , \nU3,,X\n",
             "Caseload.csv": "URN,Level,Start\nU1, High ,2015-01-01\nU9,Low, 01/02/2015\n",
             "package.toml": ('[files]\nnominals = "Niche.csv"\ncohort = "Caseload.csv"\n'
                              '[columns.nominals]\nnominal_id = "Person URN"\ndate_of_birth = "DOB"\n'
                              'gender = "Sex"\n[columns.cohort]\nnominal_id = "URN"\nscheme = "Level"\n'
                              'start_date = "Start"\n'
                              '[codes.nominals.gender]\nmale = ["M"]\nfemale = ["F"]\n'
                              '[codes.cohort.scheme]\npriority = ["High"]\nstandard = ["Low"]\n')}
    folder = tmp_path / "mapped"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    later = _validated(folder, trim_later=True)
    now = _validated(folder, trim_later=False)
    assert later[:3] == now[:3]
    said = [f"{p.file}:{p.line}: {p.column}: {p.message}" for p in later[0]]
    assert said == ["Niche.csv:5: gender: unknown code 'X' (expected one of: male, female, other, unknown)",
                    "Caseload.csv:3: nominal_id: 'U9' is not in nominals.csv"]


def test_problems_in_a_fixed_order(tmp_path: Path, typing: str) -> None:
    """Typing problems table by table, then keys and intervals table by table, then nominal_id
    references table by table (in the order of the tables), then the nominals' own, cohort's
    overlaps, needs' repeats: the order of one check after another, whichever thread ran each."""
    folder = _write(tmp_path / "ordered", {
        "nominals.csv": "nominal_id,date_of_birth,sanctions\nN1,1990-01-01,0\nN1,1990-01-01,1\n",
        "cohort.csv": "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\nN1,priority,2015-02-01,\n"
                      "N8,nope,2015-01-01,2014-01-01\n",
        "offences.csv": "offence_id,nominal_id,offence_date\nO1,N9,2015-05-01\nO1,N1,bad\n",
        "needs.csv": "nominal_id,assessed_on,pathway,score\nN7,2015-01-01,ete,1\nN7,2015-01-01,ete,2\n",
    })
    expected = [
        "cohort.csv:4: scheme: unknown code 'nope' (expected one of: priority, enhanced, standard)",
        "offences.csv:3: offence_date: 'bad' is not a date (write YYYY-MM-DD or DD/MM/YYYY)",
        "nominals.csv:3: nominal_id: duplicate nominal_id 'N1' (first on line 2)",
        "cohort.csv:4: end_date: 2014-01-01 is before start_date 2015-01-01",
        "offences.csv:3: offence_id: duplicate offence_id 'O1' (first on line 2)",
        "cohort.csv:4: nominal_id: 'N8' is not in nominals.csv",
        "offences.csv:2: nominal_id: 'N9' is not in nominals.csv",
        "needs.csv:2: nominal_id: 'N7' is not in nominals.csv",
        "needs.csv:3: nominal_id: 'N7' is not in nominals.csv",
        "nominals.csv:2: sanctions: '0' sanctions: the count includes the latest sanction, so it is at least 1",
        "cohort.csv:3: start_date: episode starting 2015-02-01 overlaps the episode on line 2 of the same "
        "nominal_id 'N1'",
        "needs.csv:3: nominal_id, assessed_on, pathway: nominal_id 'N7' has a second score on 2015-01-01 for "
        "pathway 'ete' (first on line 2)",
    ]
    for _ in range(3):
        problems = _validated(folder, trim_later=True)[0]
        assert [f"{p.file}:{p.line}: {p.column}: {p.message}" for p in problems] == expected
