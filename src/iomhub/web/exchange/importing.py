"""``import_package``: a validated data package into the database, all or nothing, audited.

Each row of the package is matched to a record by its natural key (``exchange.mapping``):
a new row is created, a changed row is updated, an identical row is left alone, and a record
absent from the package is left alone too (counted as "not in package"), unless the table is
named in ``snapshot``: the package is then the whole table (a full monthly extract), and a
record absent from it is removed, with an ``erasure`` audit row holding what it was. Only a
table no other record refers to may be a snapshot (``SNAPSHOT_TABLES``: people, meetings,
indicators and plan actions are never removed by an import). Importing the same package twice
changes nothing and writes no audit row. ``preview_import`` counts the same without writing.

Everything happens in one transaction opened by ``audited()``: the records and their audit
rows are committed together or not at all, whatever happens to the process. Audit rows: one
``collection`` row per table with rows created (the counts), one ``collection`` row per new
person (``nominals``), and one ``alteration`` row per changed record with
``{column: [old, new]}``; one ``erasure`` row per record a snapshot removed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from iomhub.package import Package, PackageError, Problem
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, AuditSession, audited
from iomhub.web.exchange.copying import copy_audit, copy_available, copy_records, copy_updates, new_ids
from iomhub.web.exchange.mapping import MAPPINGS, TableModel

# progress(message, rows done, rows in all)
Progress = Callable[[str, int, int], None]
BATCH = 2000  # rows per bulk statement group: well inside SQLite's and PostgreSQL's parameter limits
SHOWN_PER_COLUMN = 20  # problems kept per column when a package does not fit the database
# Ids that name a record in a web address (/people/<nominal_id>/, /performance/framework/<indicator_id>/...).
ADDRESSED = frozenset({"nominal_id", "meeting_id", "episode_id", "referral_id", "indicator_id", "action_id"})


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_package: int = 0  # records in the database that the package does not hold (left alone)
    removed: int = 0  # of those, removed because the table was imported as a full snapshot


@dataclass
class ImportResult:
    source: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    audit_rows: int = 0
    seconds: float = 0.0
    # The natural key (``exchange.mapping``) of every row created, per table: what is new.
    added: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def snapshot_tables() -> tuple[str, ...]:
    """The tables an import may replace whole: those whose records no other record refers to."""
    return tuple(name for name, mapping in MAPPINGS.items() if not mapping.model._meta.related_objects)


def import_package(package: Package, actor: Actor, progress: Progress | None = None, *,
                   justification: str | None = None, snapshot: Collection[str] = ()) -> ImportResult:
    """Load a package (from ``read_package``) into the database in one audited transaction.

    ``snapshot``: tables the package holds whole; their records absent from it are removed.
    Raises ``PackageError`` before touching the database when a value does not fit it (a text
    longer than its column, a needs score that is not a whole number), and ``ValueError`` for a
    snapshot of a table that other records refer to.
    """
    refused = sorted(set(snapshot) - set(snapshot_tables()))
    if refused:
        raise ValueError(f"{', '.join(refused)}: other records refer to them, so an import never removes any")
    started = time.perf_counter()
    say: Progress = progress or (lambda _message, _done, _total: None)
    say("Preparing the rows...", 0, 0)
    incoming = database_rows(package)
    total = sum(len(rows) for rows in incoming.values())
    result = ImportResult(package.source)
    reason = justification or f"import of data package {Path(package.source).name}"
    done = 0

    def tick(message: str, rows: int) -> None:
        nonlocal done
        done += rows
        say(message, done, total)

    with audited(actor, justification=reason) as audit:
        for name, rows in incoming.items():
            result.tables[name] = _import_table(MAPPINGS[name], rows, audit, package.source, tick,
                                                name in snapshot, result.added)
        _notify(audit, result.added.get("offences", []))
        result.audit_rows = audit.written
    result.seconds = time.perf_counter() - started
    return result


def _notify(audit: AuditSession, offence_keys: list[tuple[Any, ...]]) -> None:
    """Tell the lead professionals of people on IOM of the offences the import brought in, in
    the import's transaction (``notifications.services.offences_imported``)."""
    from iomhub.web.notifications.services import offences_imported
    from iomhub.web.offences.models import Offence

    ids = [key[0] for key in offence_keys]
    found = [row for start in range(0, len(ids), BATCH) for row in Offence.objects.filter(
        offence_id__in=ids[start:start + BATCH]).values_list("offence_id", "nominal_id", "offence_date",
                                                             "detected_date")]
    offences_imported(audit, [(offence_id, str(nominal_id), on, detected) for offence_id, nominal_id, on, detected
                              in found])


def preview_import(package: Package) -> dict[str, TableCounts]:
    """What importing ``package`` would do to each table it holds, counted as ``import_package``
    counts it (``not_in_package``: the records a full snapshot would remove); writes nothing.

    Raises ``PackageError`` as ``import_package`` does."""
    incoming = database_rows(package)
    counts: dict[str, TableCounts] = {}
    for name, rows in incoming.items():
        mapping = MAPPINGS[name]
        counts[name] = TableCounts()
        existing = mapping.model.objects.order_by().values_list("pk", *mapping.columns).iterator(chunk_size=BATCH)
        create, update, _absent = _match(mapping, rows, existing, counts[name])
        counts[name].created, counts[name].updated = len(create), len(update)
    return counts


def database_rows(package: Package) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows as the database holds them (empty text as '', scores as whole numbers).

    Raises ``PackageError`` naming every cell that the database cannot hold as it is.
    """
    problems: list[Problem] = []
    total = 0
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for name, mapping in MAPPINGS.items():
        if name not in package.tables:
            continue
        frame = package.tables[name]
        lines = package.lines.get(name)
        line = lines if lines is not None and lines.len() == frame.height else pl.Series(
            range(2, frame.height + 2))
        exprs = []
        for column in mapping.columns:
            value = pl.col(column)
            db_field = mapping.db_field(column)
            checks: list[tuple[pl.Series, str]] = []
            if mapping.is_text(column):
                limit = getattr(db_field, "max_length", None)
                if limit:
                    checks.append((frame[column].str.len_chars() > limit,
                                   f"is longer than the {limit} characters the database holds"))
                if mapping.key == (column,) and column in ADDRESSED:
                    checks.append((frame[column].str.contains("/", literal=True),
                                   "holds a '/', which cannot be part of the web address of the record"))
                value = value.fill_null("")
            elif mapping.is_integer(column):
                checks.append((frame[column] != frame[column].round(),
                               f"{column} must be a whole number in the database"))
                value = value.cast(pl.Int64)
            for bad, message in checks:
                if bad.any():
                    where = line.filter(bad.fill_null(False))
                    total += where.len()
                    problems.extend(Problem(mapping.filename, int(n), column, message)
                                    for n in where.head(SHOWN_PER_COLUMN))
            exprs.append(value)
        rows[name] = frame.select(exprs).rows()
    if problems:
        raise PackageError(problems, total)
    return rows


def _order(row: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    """A sort key for rows holding None."""
    return tuple((value is None, "" if value is None else str(value)) for value in row)


Pair = tuple[Any, tuple[Any, ...]]  # (pk, row) of a stored record


def _match(mapping: TableModel, incoming: list[tuple[Any, ...]], existing: Iterable[tuple[Any, ...]],
           counts: TableCounts) -> tuple[list[tuple[Any, ...]], list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]],
                                         list[Pair]]:
    """Rows to create, (pk, old, new) to update, and the (pk, row) of records the package does
    not hold; counts what is unchanged or not in the package.

    Rows sharing a natural key (two risk assessments of one person on one day) are matched
    identical row to identical row first, then the rest in order.
    """
    columns = mapping.columns
    key_at = [columns.index(k) for k in mapping.key]
    stored: dict[tuple[Any, ...], list[Pair]] = defaultdict(list)
    for pk, *values in existing:
        row = tuple(values)
        stored[tuple(row[i] for i in key_at)].append((pk, row))
    if not stored:
        return incoming, [], []
    arriving: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for row in incoming:
        arriving[tuple(row[i] for i in key_at)].append(row)
    create: list[tuple[Any, ...]] = []
    update: list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]] = []
    absent: list[Pair] = []
    for key, news in arriving.items():
        olds = stored.pop(key, None)
        if not olds:
            create.extend(news)
            continue
        if len(news) == 1 and len(olds) == 1:
            (pk, old), new = olds[0], news[0]
            if old == new:
                counts.unchanged += 1
            else:
                update.append((pk, old, new))
            continue
        left: list[tuple[Any, ...]] = []
        for new in news:
            for i, (_pk, old) in enumerate(olds):
                if old == new:
                    del olds[i]
                    counts.unchanged += 1
                    break
            else:
                left.append(new)
        left.sort(key=_order)
        olds.sort(key=lambda pair: _order(pair[1]))
        update.extend((pk, old, new) for (pk, old), new in zip(olds, left, strict=False))
        create.extend(left[len(olds):])
        absent.extend(olds[len(left):])
    absent.extend(pair for rest in stored.values() for pair in rest)
    counts.not_in_package = len(absent)
    return create, update, absent


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _import_table(mapping: TableModel, incoming: list[tuple[Any, ...]], audit: AuditSession, source: str,  # noqa: C901
                  tick: Callable[[str, int], None], snapshot: bool = False,
                  added: dict[str, list[tuple[Any, ...]]] | None = None) -> TableCounts:
    from iomhub.web.audit.models import AuditEvent

    model = mapping.model
    columns = mapping.columns
    label = model._meta.label_lower
    counts = TableCounts()
    existing = model.objects.order_by().values_list("pk", *columns).iterator(chunk_size=BATCH)
    create, update, absent = _match(mapping, incoming, existing, counts)
    if added is not None:
        key_at = [columns.index(k) for k in mapping.key]
        added[mapping.table] = [tuple(row[i] for i in key_at) for row in create]
    tick(f"Importing {mapping.table}...", counts.unchanged)
    events: list[AuditEvent] = []
    has_nominal = "nominal_id" in columns
    build = _builder(mapping)
    if create and copy_available():
        ids = new_ids(model, len(create)) if mapping.table == "nominals" else None
        copy_records(model, columns, create, lambda rows: tick(f"Importing {mapping.table}...", rows), ids)
        if ids is not None:
            at = columns.index("nominal_id")
            events.extend(_event(audit, Operation.COLLECTION, label, str(pk), row[at], {"source": source})
                          for pk, row in zip(ids, create, strict=True))
            events = _flush(audit, events)
        create_by_orm: list[tuple[Any, ...]] = []
    else:
        create_by_orm = create
    for start in range(0, len(create_by_orm), BATCH):
        chunk = create_by_orm[start:start + BATCH]
        objs = [build(row) for row in chunk]
        model.objects.bulk_create(objs, batch_size=BATCH)
        if mapping.table == "nominals":  # a person's own history shows when the import brought them in
            events.extend(_event(audit, Operation.COLLECTION, label, str(obj.pk), obj.nominal_id,
                                 {"source": source}) for obj in objs)
            events = _flush(audit, events)
        tick(f"Importing {mapping.table}...", len(chunk))
    counts.created = len(create)
    if update:
        names = [mapping.field_name(c) for c in columns if c not in mapping.key]
        for start in range(0, len(update), BATCH):
            chunk = update[start:start + BATCH]
            if copy_available():
                copy_updates(model, columns, mapping.key, [(pk, new) for pk, _old, new in chunk])
            else:
                objs = [build(new) for _pk, _old, new in chunk]
                for obj, (pk, _old, _new) in zip(objs, chunk, strict=True):
                    obj.pk = pk
                model.objects.bulk_update(objs, names, batch_size=BATCH // 4)
            for pk, old, new in chunk:
                detail = {c: [_json(o), _json(n)] for c, o, n in zip(columns, old, new, strict=True) if o != n}
                nominal_id = new[columns.index("nominal_id")] if has_nominal else ""
                events.append(_event(audit, Operation.ALTERATION, label, str(pk), nominal_id, detail))
            events = _flush(audit, events)
            tick(f"Updating {mapping.table}...", len(chunk))
        counts.updated = len(update)
    if snapshot and absent:
        for start in range(0, len(absent), BATCH):
            chunk = absent[start:start + BATCH]
            model.objects.filter(pk__in=[pk for pk, _row in chunk]).delete()
            for pk, row in chunk:
                nominal_id = row[columns.index("nominal_id")] if has_nominal else ""
                events.append(_event(audit, Operation.ERASURE, label, str(pk), nominal_id or "", {
                    "removed": {c: _json(v) for c, v in zip(columns, row, strict=True)},
                    "why": f"not in {Path(source).name}, imported as the whole {mapping.table} table"}))
            events = _flush(audit, events)
        counts.removed = len(absent)
    if counts.created or counts.removed:
        events.append(_event(audit, Operation.COLLECTION, label, "", "", {
            "table": mapping.table, "source": source, "created": counts.created, "updated": counts.updated,
            "unchanged": counts.unchanged, "not_in_package": counts.not_in_package, "removed": counts.removed}))
    _flush(audit, events, everything=True)
    return counts


def _builder(mapping: TableModel) -> Callable[[tuple[Any, ...]], Any]:
    """A fast constructor of model instances from package rows.

    Positional arguments in the order of the model's concrete fields take Django's quick path
    (no keyword matching); fields the package does not carry get their defaults.
    """
    model = mapping.model
    position = {column: i for i, column in enumerate(mapping.columns)}
    plan = [(position.get(f.attname), None if f.primary_key else f.get_default())
            for f in model._meta.concrete_fields]

    def build(row: tuple[Any, ...]) -> Any:
        return model(*[default if i is None else row[i] for i, default in plan])

    return build


def _event(audit: AuditSession, operation: str, object_type: str, object_id: str, nominal_id: str,
           detail: dict[str, Any]) -> Any:
    """An audit row as ``AuditSession.record`` writes it, to be written in bulk."""
    from iomhub.web.audit.models import AuditEvent

    actor = audit.actor
    return AuditEvent(user=actor.user, username=actor.username, agency=actor.agency, role=actor.role,
                      operation=operation, object_type=object_type, object_id=object_id,
                      nominal_id=nominal_id or "", detail=detail, justification=audit.justification,
                      recipient=audit.recipient, address=actor.address)


def _flush(audit: AuditSession, events: list[Any], everything: bool = False) -> list[Any]:
    """Write the audit rows gathered so far (in the open transaction) once there are enough."""
    from iomhub.web.audit.models import AuditEvent

    if events and (everything or len(events) >= BATCH):
        if copy_available():
            copy_audit(events)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        audit.written += len(events)
        return []
    return events
