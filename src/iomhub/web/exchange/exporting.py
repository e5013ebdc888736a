"""``export_package``: the database written back as a data package, a recorded disclosure.

Every table with rows (and always ``nominals`` and ``cohort``) is written as
``<table>.csv`` with the spec's columns in the spec's order, ISO dates, canonical codes,
empty cells for missing values and text that a spreadsheet would run as a formula behind an
apostrophe (``iomhub.package.formulas``; reading a package takes it off again), into a
hidden folder beside the target that is renamed into place only once the disclosure's audit
row is committed: the folder appears whole or not at all. The tables are read in one
transaction (on PostgreSQL at REPEATABLE READ), so they agree with each other even while
people keep working. Restricted records (DPA 2018 s.47) are left out, and counted in the
disclosure's audit row.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.db import connection

from iomhub.domain import codes
from iomhub.package.formulas import quoted
from iomhub.package.schema import TABLES
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.exchange.frames import table_frame
from iomhub.web.exchange.mapping import MAPPINGS
from iomhub.web.people.models import Nominal

Progress = Callable[[str, int, int], None]


class ExportRefused(ValueError):
    """An export that may not go ahead (no justification or recipient, a folder in the way)."""


def export_package(out_dir: Path | str, actor: Actor, justification: str, recipient: str,
                   progress: Progress | None = None) -> dict[str, int]:
    """Write the database as a package into ``out_dir``; return the rows written per table.

    ``justification`` (why the data leave the system) and ``recipient`` (to whom) are
    required: they are recorded with the one ``disclosure`` audit row of the export.
    ``out_dir`` must not exist, or be an empty folder.
    """
    justification, recipient = justification.strip(), recipient.strip()
    if not justification:
        raise ExportRefused("an export needs a justification: why the data are disclosed")
    if not recipient:
        raise ExportRefused("an export needs a recipient: to whom the data are disclosed")
    target = Path(out_dir)
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise ExportRefused(f"{target} already exists: give a new folder (or an empty one)")
    say: Progress = progress or (lambda _message, _done, _total: None)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    counts: dict[str, int] = {}
    try:
        consistent = connection.vendor == "postgresql" and not connection.in_atomic_block
        with audited(actor, justification=justification, recipient=recipient) as audit:
            if consistent:  # one snapshot for every table (the first statement of the transaction)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            schemes: set[str] = set()
            for number, (name, mapping) in enumerate(MAPPINGS.items()):
                say(f"Exporting {name}...", number, len(MAPPINGS))
                frame = table_frame(name, as_held=True)
                if frame.height == 0 and not TABLES[name].required:
                    continue  # no data: absent from the package, as a report expects
                if "scheme" in frame.columns:
                    schemes.update(s for s in frame["scheme"].unique().to_list() if s)
                _write(scratch / mapping.filename, frame)
                counts[name] = frame.height
            extra = sorted(schemes - set(codes.SCHEMES))
            if extra:  # schemes declared by the imported package: declare them again
                lines = ["[schemes]", *(f"{json.dumps(s)} = {json.dumps(s)}" for s in extra)]
                _write_text(scratch / "package.toml", "\n".join(lines) + "\n")
            withheld = Nominal.objects.filter(restricted=True).count()
            audit.record(Operation.DISCLOSURE, object_type="data package", object_id=target.name[:100],
                         detail={"path": str(target.resolve()), "tables": counts, "rows": sum(counts.values()),
                                 "restricted_people_withheld": withheld})
        say("Finishing...", len(MAPPINGS), len(MAPPINGS))
        _publish(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return counts


def _write(path: Path, frame: pl.DataFrame) -> None:
    """The frame as CSV, every text cell safe to open in a spreadsheet (``package.formulas``)."""
    frame = frame.with_columns(quoted(name) for name, dtype in frame.schema.items() if dtype == pl.String)
    frame.write_csv(path, date_format="%Y-%m-%d")
    _sync(path)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    _sync(path)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _publish(scratch: Path, target: Path) -> None:
    """Rename the finished folder into place (replacing an empty folder), then make it durable."""
    umask = os.umask(0)
    os.umask(umask)
    scratch.chmod(0o777 & ~umask)
    if target.is_dir():
        target.rmdir()  # empty, as checked before
    scratch.rename(target)
    _sync(target.parent)
