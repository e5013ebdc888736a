"""A table of at most ``validate.DIRECT_ROWS`` rows is typed cell by cell in one query, a larger
one through its distinct values: the same typed table, problems and warnings either way."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from iomhub.package import validate
from iomhub.package.load import read_mapped
from iomhub.package.schema import TABLES
from iomhub.package.validate import Collector, type_table

CELLS = ["", " ", "x", "'=1", " 2015-04-01 ", "2015-02-30", "31/12/2015", "01-Apr-2015", "1899-01-01", "yes",
         " No ", "maybe", "7", " 11 ", "-1", "1,5", "5%", "nan", "inf", "Male", " FEMALE ", "mail", "2015-Q1",
         "2015q5", "1999", "2009/0123456X", "bad pnc", "N1", " N2 ", "\u00a0N3\u00a0", "\u3000", "ppo", "Mappa 2"]


def _random_table(name: str, rows: int, rng: random.Random) -> str:
    columns = TABLES[name].names
    lines = [",".join(columns)]
    lines += [",".join(rng.choice(CELLS) for _ in columns) for _ in range(rows)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("rows", [30, 2500], ids=["30-rows", "2500-rows"])
def test_a_table_typed_cell_by_cell_as_through_its_distinct_values(tmp_path: Path, rows: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table of the specification, its cells drawn from awkward ones (blanks, padding, bad
    dates, unknown codes, numbers that are not, a mapping's date form and scheme), typed both
    ways, its cells tidied by the reading or left for validation."""
    rng = random.Random(rows)
    folder = tmp_path / "random"
    folder.mkdir()
    for name in TABLES:
        (folder / f"{name}.csv").write_text(_random_table(name, rows, rng), encoding="utf-8")
    (folder / "package.toml").write_text('[dates]\nformats = ["%d-%b-%Y"]\n[schemes]\npilot = "A pilot"\n',
                                         encoding="utf-8")
    for trim_later in (True, False):
        source = read_mapped(folder, trim_later=trim_later)
        for name, raw in source.raw.tables.items():
            outcomes = []
            for direct in (-1, 10**9):
                monkeypatch.setattr(validate, "DIRECT_ROWS", direct)
                collector, warnings = Collector(), []
                frame = type_table(raw, TABLES[name], collector, source.extra_codes, warnings,
                                   source.mapping.dates)
                outcomes.append((frame, collector.problems, collector.total, warnings))
            (by_value, *rest), (by_cell, *rest_by_cell) = outcomes
            assert rest == rest_by_cell, name
            assert by_value is not None and by_cell is not None
            assert by_value.equals(by_cell) and by_value.schema == by_cell.schema, name
            assert rest[1] > 0, name  # the awkward cells are found wanting

