"""``iomhub convert``: a valid package written again as a folder of Parquet (or CSV) files.

The tables are written as read and validated: the specification's columns, typed (dates as
dates, codes in their canonical form, flags as booleans, numbers as numbers), one file per table
(``TABLE.parquet`` or ``TABLE.csv``), with ``package.toml`` copied without its mapping sections
(the files written already have the specification's names, columns and codes). Reading the
result gives the same tables, so the same report. A Parquet package reads several times faster
than its CSV files (no text to parse) and is what the Spark engine reads best
(docs/scale.md).

The folder is written whole or not at all: into a scratch folder beside it, renamed when
complete; an existing folder is never overwritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from iomhub.package.load import Package
from iomhub.package.suggest import without_mapping

FORMATS = ("parquet", "csv")


def write_package(package: Package, output: Path, to: str = "parquet") -> list[Path]:
    """Write ``package``'s tables into the new folder ``output``; the files written."""
    if to not in FORMATS:
        raise ValueError(f"unknown format {to!r}: one of {', '.join(FORMATS)}")
    if output.exists():
        raise FileExistsError(f"{output} already exists: give a new folder")
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        for name, frame in package.tables.items():
            path = scratch / f"{name}.{to}"
            if to == "parquet":
                frame.write_parquet(path, statistics=True)
            else:
                frame.write_csv(path, date_format="%Y-%m-%d")
        settings = without_mapping(package.settings_text or "")
        if settings:
            (scratch / "package.toml").write_text(settings, encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(scratch, 0o777 & ~umask)
        scratch.rename(output)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return sorted(output.iterdir())
