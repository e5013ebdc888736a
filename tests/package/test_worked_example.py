"""The worked example of ``docs/bringing-your-own-extracts.md``, read from the page itself: its
extracts are written as the page says, each command shown is run and must print what the page
shows, the suggested package.toml must be the one shown, and with the finished mapping the report
is the report of the same data written canonically (by hand, below)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from iomhub.cli import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "bringing-your-own-extracts.md"
BLOCK = re.compile(r"<!-- (extract|command|suggested|mapping): (.+?) -->\n```\w*\n(.*?)```", re.DOTALL)

CANONICAL = {
    "nominals.csv": """\
nominal_id,pnc_id,family_name,given_names,date_of_birth,gender,area
U1001,2009/0123456X,Smith,Jo,1990-02-14,male,NW
U1002,99/12345Z,Ó Briain,Seán,1997-04-02,female,NE
U1003,,Brown,Sam,1985-12-31,unknown,NW
U1004,,Green,Kim,1996-02-29,male,NE
U1005,,Patel,Ravi,1988-07-01,male,NW
""",
    "cohort.csv": """\
nominal_id,scheme,start_date,end_date,exit_reason
U1001,priority,2014-01-01,2015-06-30,
U1001,enhanced,2015-07-01,,
U1002,priority,2015-01-12,,
U1003,standard,2013-05-01,2015-12-31,Moved away – transferred to Gwynedd
U1004,enhanced,2015-04-01,,
U1005,standard,2016-01-01,,
""",
    "offences.csv": """\
offence_id,nominal_id,offence_date,detected_date,category,offence_code
CR/14/0101,U1001,2014-05-01,2014-05-03,burglary_residential,28/1
CR/14/0233,U1001,2014-09-01,,shoplifting,46
CR/15/0412,U1001,2015-08-01,,shoplifting,46
CR/14/0040,U1002,2014-04-01,,violence_with_injury,8/1
CR/15/0007,U1002,2015-04-01,2015-04-01,robbery,34/1
CR/16/0311,U1002,2016-03-31,,drugs,92/1
CR/15/0399,U1003,2015-03-31,,criminal_damage,58/1
CR/14/0888,U1004,2014-12-25,,vehicle,48
CR/15/0560,U1005,2015-06-01,,other_theft,44
""",
    "risk.csv": """\
nominal_id,assessed_on,tier
U1001,2015-04-01,green
U1001,2015-10-01,red
U1002,2015-04-02,amber
U1004,2015-01-01,green
""",
    "package.toml": 'title = "Anytown Integrated Offender Management"\n\n[areas]\nNW = "North West"\n'
                    'NE = "North East"\n',
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def report(folder: str) -> dict[str, object]:
    code, output = run("report", folder, "--from", "2015-04-01", "--to", "2016-03-31", "--format", "json")
    assert code == 0, output
    document: dict[str, object] = json.loads(output[output.index("{"):])
    del document["generated_at"]
    settings = document["settings"]
    assert isinstance(settings, dict)
    del settings["source"]
    return document


def test_the_worked_example_does_what_the_page_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("extracts").mkdir()
    steps = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert [kind for kind, _, _ in steps] == ["extract"] * 4 + ["command", "command", "suggested", "command",
                                                               "mapping", "command"]
    for kind, what, text in steps:
        if kind == "extract":
            name, _, encoding = what.partition(" (")
            Path("extracts", name).write_bytes(text.encode(encoding.rstrip(")") or "utf-8"))
        elif kind == "command":
            shown, *expected = text.rstrip("\n").split("\n")
            assert shown == f"$ {what}"
            _code, output = run(*what.split()[1:])
            assert output.rstrip("\n").split("\n") == expected, what
        elif kind == "suggested":
            assert Path(what).read_text(encoding="utf-8") == text
        else:
            Path(what).write_text(text, encoding="utf-8")
    assert Path("extracts/IOM caseload.csv").read_bytes().count(b"\x96") == 1  # the en dash, in Windows-1252
    assert Path("extracts/Niche nominal export.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    Path("canonical").mkdir()
    for name, content in CANONICAL.items():
        Path("canonical", name).write_text(content, encoding="utf-8")
    mapped, canonical = report("extracts"), report("canonical")
    assert mapped == canonical
    tables = canonical["tables"]
    assert isinstance(tables, dict) and tables  # figures, not two empty reports
