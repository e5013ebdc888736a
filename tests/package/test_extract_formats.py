"""Extracts as other systems write them: encodings (UTF-8 with a BOM, UTF-16 from Excel's "Unicode
text", Windows-1252 from Excel's "CSV"), separators (semicolons, tabs, pipes) and dates (01-Apr-2015,
Excel serial numbers, dates with times). Each is either read as exactly the canonical package, or
refused with its own message."""

from __future__ import annotations

from pathlib import Path

import pytest

from iomhub.package import PackageError, read_package

NOMINALS = "nominal_id,family_name,date_of_birth,gender\nN1,Ó Briain,1990-01-01,male\nN2,Smith,1992-02-02,female\n"
COHORT = "nominal_id,scheme,start_date\nN1,priority,2015-01-01\nN2,standard,2015-02-01\n"
FILES_ENTRY = '[files]\nnominals = {{ file = "nominals.csv", {} }}\n'


def nominals(text: str, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    return bom + text.encode(encoding)


def with_dates(*days: str) -> str:
    """NOMINALS with its two dates of birth written as ``days``."""
    return NOMINALS.replace("1990-01-01", days[0]).replace("1992-02-02", days[1])


# (name, the nominals file's bytes, package.toml)
READ: list[tuple[str, bytes, str]] = [
    ("utf-8-bom", nominals(NOMINALS, bom=b"\xef\xbb\xbf"), ""),
    ("utf-16-excel-unicode-text", nominals(NOMINALS.replace(",", "\t"), "utf-16-le", b"\xff\xfe"), ""),
    ("utf-16-big-endian", nominals(NOMINALS, "utf-16-be", b"\xfe\xff"), ""),
    ("utf-16-without-bom", nominals(NOMINALS, "utf-16-le"), ""),
    ("cp1252-declared", nominals(NOMINALS, "cp1252"), FILES_ENTRY.format('encoding = "cp1252"')),
    ("latin-1-declared", nominals(NOMINALS, "latin-1"), FILES_ENTRY.format('encoding = "ISO-8859-1"')),
    ("cp1252-semicolons", nominals(NOMINALS.replace(",", ";"), "cp1252"), FILES_ENTRY.format('encoding = "cp1252"')),
    ("semicolons-found", nominals(NOMINALS.replace(",", ";")), ""),
    ("tabs-found", nominals(NOMINALS.replace(",", "\t")), ""),
    ("pipes-declared", nominals(NOMINALS.replace(",", "|")), FILES_ENTRY.format('delimiter = "|"')),
    ("semicolons-and-a-quoted-comma", nominals(NOMINALS.replace(",", ";").replace("family_name", '"Name, family"')),
     '[columns.nominals]\nfamily_name = "Name, family"\n'),
    ("day-month-name-year", nominals(with_dates("01-Jan-1990", "02-FEB-1992")), '[dates]\nformats = ["%d-%b-%Y"]\n'),
    ("dates-with-times", nominals(with_dates("01/01/1990 00:00", "02/02/1992 13:45")),
     '[dates]\nformats = ["%d/%m/%Y %H:%M"]\n'),
    ("excel-serial-numbers", nominals(with_dates("32874", "33636.5")), '[dates]\nformats = ["excel"]\n'),
    ("formats-and-the-package-own", nominals(with_dates("01-Jan-1990", "02/02/1992")),
     '[dates]\nformats = ["excel", "%d-%b-%Y"]\n'),
]


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("canonical")
    (folder / "nominals.csv").write_text(NOMINALS, encoding="utf-8")
    (folder / "cohort.csv").write_text(COHORT, encoding="utf-8")
    return dict(read_package(folder).tables)


def package(folder: Path, data: bytes, toml: str) -> Path:
    folder.mkdir()
    (folder / "nominals.csv").write_bytes(data)
    (folder / "cohort.csv").write_text(COHORT, encoding="utf-8")
    if toml:
        (folder / "package.toml").write_text(toml, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "data", "toml"), READ, ids=[case[0] for case in READ])
def test_read_as_the_canonical_package(name: str, data: bytes, toml: str, canonical: dict[str, object],
                                       tmp_path: Path) -> None:
    read = read_package(package(tmp_path / name, data, toml))
    assert read.tables.keys() == canonical.keys()
    for table, frame in read.tables.items():
        assert frame.equals(canonical[table]), (table, frame)
    assert read.tables["nominals"]["family_name"].to_list() == ["Ó Briain", "Smith"]


HINT = 'or declare its encoding in package.toml: [files] nominals = { file = "nominals.csv", encoding = "cp1252" }'

# (name, the nominals file's bytes, package.toml, the problems)
REFUSED: list[tuple[str, bytes, str, list[str]]] = [
    ("cp1252-undeclared", nominals(NOMINALS, "cp1252"), "",
     [f"nominals.csv:2: is not UTF-8 text (byte 0xD3, 'Ó' in Windows-1252): save it as CSV UTF-8, {HINT}"]),
    ("cp1252-undeclared-header", nominals(NOMINALS.replace("family_name", "Nom de famille (é)"), "cp1252"), "",
     [f"nominals.csv:1: is not UTF-8 text (byte 0xE9, 'é' in Windows-1252): save it as CSV UTF-8, {HINT}"]),
    ("not-cp1252-either", nominals(NOMINALS) + b"N3,\x81,,\n", FILES_ENTRY.format('encoding = "cp1252"'),
     ["nominals.csv:4: is not cp1252 text (character maps to <undefined>)"]),
    ("utf-16-cut-short", nominals(NOMINALS, "utf-16-le", b"\xff\xfe") + b"\x00", "",
     ["nominals.csv:4: is not utf-16 text (truncated data)"]),
    ("day-month-name-year-undeclared", nominals(with_dates("01-Jan-1990", "1992-02-02")), "",
     ["nominals.csv:2: date_of_birth: '01-Jan-1990' is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]),
    ("no-such-day-in-a-declared-format", nominals(with_dates("31-Feb-1990", "1992-02-02")),
     '[dates]\nformats = ["%d-%b-%Y"]\n',
     ["nominals.csv:2: date_of_birth: '31-Feb-1990' is not a date (write YYYY-MM-DD or DD/MM/YYYY, or as [dates] "
      "formats declares: %d-%b-%Y)"]),
    ("excel-serial-undeclared", nominals(with_dates("32874", "1992-02-02")), "",
     ["nominals.csv:2: date_of_birth: '32874' is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]),
    ("a-year-is-not-a-serial-number", nominals(with_dates("1990", "1992-02-02")), '[dates]\nformats = ["excel"]\n',
     ["nominals.csv:2: date_of_birth: '1990' is not a date (write YYYY-MM-DD or DD/MM/YYYY, or as [dates] formats "
      "declares: Excel serial numbers)"]),
    ("serial-number-beyond-2100", nominals(with_dates("99999", "1992-02-02")), '[dates]\nformats = ["excel"]\n',
     ["nominals.csv:2: date_of_birth: '99999' is not a plausible date (years 1900 to 2100)"]),
    ("a-comma-in-a-semicolon-header", nominals(NOMINALS.replace(",", ";").replace("family_name", "Name, family")), "",
     ["nominals.csv:1: nominal_id: required column is missing"]),
]


@pytest.mark.parametrize(("name", "data", "toml", "expected"), REFUSED, ids=[case[0] for case in REFUSED])
def test_refused_with_its_own_message(name: str, data: bytes, toml: str, expected: list[str], tmp_path: Path) -> None:
    with pytest.raises(PackageError) as refused:
        read_package(package(tmp_path / name, data, toml))
    assert [str(problem) for problem in refused.value.problems] == expected


def test_a_header_with_a_comma_reads_once_the_separator_is_declared(tmp_path: Path,
                                                                   canonical: dict[str, object]) -> None:
    data = nominals(NOMINALS.replace(",", ";").replace("family_name", "Name, family"))
    toml = FILES_ENTRY.format('delimiter = ";"') + '[columns.nominals]\nfamily_name = "Name, family"\n'
    assert read_package(package(tmp_path / "p", data, toml)).tables["nominals"].equals(canonical["nominals"])


def test_a_declared_encoding_that_also_reads_as_utf8_is_used_with_a_warning(tmp_path: Path) -> None:
    read = read_package(package(tmp_path / "p", nominals(NOMINALS), FILES_ENTRY.format('encoding = "cp1252"')))
    assert read.tables["nominals"]["family_name"].to_list() == ["Ã“ Briain", "Smith"]
    assert read.warnings == ["nominals.csv: read as cp1252, as package.toml declares, though it reads as UTF-8 too: "
                             "check its names and text"]
