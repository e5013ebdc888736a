"""Reading and validating a package on Spark: the same tables and the same problems as ``read_package``.

``--engine spark`` reads a folder of CSV files or of Parquet files (``TABLE.parquet``) with
Spark, so a package larger than one machine's memory can be checked and reported on a cluster.

Lines. A CSV file is read as text, one row per physical line; each row is numbered with its
partition's offset (rows are counted per partition once, in the order of the file) plus its
position in the partition, so every cell keeps the line it came from, as on one machine. The
cells of a line are parsed by Spark's CSV parser (RFC 4180 quotes). A file with a line holding
an odd number of quotes (a quoted cell running over several lines, or a stray quote) is read
by the single-machine reader instead, which follows the quotes across lines; so is the rest of
the folder's handling (BOM, header, blank rows, cells trimmed of Unicode white space, empty
cells missing). A Parquet row is numbered as the line it would be in CSV (the header is line 1).

Problems. Spark finds the rows that may be in error and the single-machine rules word them:
each column's distinct values (dates, codes, flags, numbers) are collected and typed by the
same expressions as on one machine (the typed values then joined back on Spark), and for each
check of the whole table (duplicate keys, end before start, unknown nominal_id, overlapping
episodes, criminal history, targets, references between tables) Spark keeps the rows
concerned (every row of a duplicated key, of a person with overlapping episodes, ...) and
the check of ``iomhub.package.validate`` runs on them. So a problem reads the same, names the
same file, line and column, and the count of problems is the same, on either engine.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from iomhub.package import validate
from iomhub.package.load import Package
from iomhub.package.problems import PackageError, Problem
from iomhub.package.schema import TABLES, Kind, Table
from iomhub.package.settings import MAPPING_SECTIONS, PackageSettings, parse_settings
from iomhub.package.sources import (
    BOM,
    LINE,
    NOT_BLANK,
    parquet_columns,
    parse_csv_text,
    parse_header,
    table_named,
)
from iomhub.package.validate import BY_DISTINCT_VALUE, ERR, Collector

SPARK_TYPES = {pl.String: "string", pl.Date: "date", pl.Boolean: "boolean", pl.Float64: "double", pl.Int64: "bigint"}
SMALL_TABLES = ("indicators", "targets", "actuals", "rag_overrides", "actions")  # what the board documents read
WHITE_SPACE = r"(?U)^\s+|\s+$"  # Unicode white space, as Polars' strip_chars (Rust's char::is_whitespace)
PNC_SHAPE = r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$"


@dataclass
class SparkPackage:
    """A valid package as Spark frames of the canonical tables (spec columns and types)."""

    source: str
    frames: dict[str, Any]
    settings: PackageSettings = field(default_factory=PackageSettings)
    warnings: list[str] = field(default_factory=list)
    settings_text: str | None = None

    def has(self, *names: str) -> bool:
        return all(name in self.frames for name in names)

    def local(self, names: tuple[str, ...] = SMALL_TABLES) -> Package:
        """A package of the small tables collected (what the board documents read on one machine)."""
        tables = {name: to_polars(self.frames[name], TABLES[name]) for name in names if name in self.frames}
        return Package(self.source, tables, self.settings, self.warnings, settings_text=self.settings_text)


@dataclass
class _Raw:
    name: str
    file: str
    frame: Any  # Spark frame: LINE and one string (or typed Parquet) column per header name
    header: list[str]


def read_package_spark(path: Path | str, spark: Any) -> SparkPackage:  # noqa: C901
    """Read and validate a folder of CSV or Parquet files on Spark.

    Raises ``PackageError`` with every problem found, as ``read_package`` does.
    """
    folder = Path(path)
    problems: list[Problem] = []
    if not folder.exists():
        raise PackageError([Problem(str(folder), 0, "", "no such file or folder")])
    if not folder.is_dir():
        raise PackageError([Problem(folder.name, 0, "", "the Spark engine reads a folder of CSV or Parquet files "
                                                        "(write a zip or workbook as one with iomhub convert)")])
    raws: dict[str, _Raw] = {}
    unread: set[str] = set()
    warnings: list[str] = []
    toml_text: str | None = None
    toml_file = "package.toml"
    entries = sorted(folder.iterdir())
    for entry in entries:
        if entry.is_file() and entry.name.lower() == "package.toml":
            toml_text, toml_file = _toml(entry, problems), entry.name
            _refuse_a_mapping(toml_text, toml_file)
    for entry in entries:
        suffix = entry.suffix.lower()
        if entry.is_file() and entry.name.lower() == "package.toml":
            continue
        if not entry.is_file() or suffix not in (".csv", ".parquet"):
            continue
        name = table_named(entry.name, parquet=True)
        if name is None:
            warnings.append(f"{entry.name}: not a table of the package; ignored")
            continue
        if name in raws:
            problems.append(Problem(entry.name, 0, "", f"a second {name} table (already read from "
                                                       f"{raws[name].file})"))
            continue
        reader = _read_csv if suffix == ".csv" else _read_parquet
        raw = reader(spark, entry, name, problems)
        if raw is None:
            unread.add(name)
        else:
            raws[name] = raw
    collector = Collector()
    for problem in problems:
        collector.add(problem)
    settings = parse_settings(toml_text, toml_file, collector.problems)
    collector.total = len(collector.problems)
    typed = _validate(spark, raws, {"scheme": list(settings.scheme_names)}, collector, warnings, unread)
    if collector.total:
        raise PackageError(collector.problems, collector.total)
    frames = {name: frame.select(*TABLES[name].names) for name, frame in typed.items()}
    return SparkPackage(str(path), frames, settings, warnings, toml_text)


def _refuse_a_mapping(text: str | None, label: str) -> None:
    """The Spark engine reads the specification's own files: a package.toml with a mapping is
    refused before anything is read (its TOML problems are said by ``parse_settings`` later)."""
    try:
        data = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError:
        return
    found = [f"[{section}]" for section in MAPPING_SECTIONS if section in data]
    if found:
        raise PackageError([Problem(label, 0, "", f"has a mapping ({', '.join(found)}): the Spark engine reads "
                                                  "the specification's own files; write the package as one "
                                                  "first (iomhub convert PACKAGE -o FOLDER)")])


def to_polars(frame: Any, table: Table | None = None) -> pl.DataFrame:
    """A Spark frame collected into Polars (through Arrow), with the canonical types of ``table``."""
    import narwhals as nw

    native = nw.from_native(frame).collect(backend="polars").to_native()
    assert isinstance(native, pl.DataFrame)
    if table is None:
        return native
    return native.with_columns(pl.col(name).cast(validate.DTYPES[table.column(name).kind])
                               for name in native.columns if name in table.names)


def _toml(path: Path, problems: list[Problem]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(path.name, 1, "", f"is not UTF-8 text (save it as CSV UTF-8) ({error.reason})"))
    except OSError as error:
        problems.append(Problem(path.name, 0, "", f"cannot be read: {error.strerror}"))
    return None


# --- Reading --------------------------------------------------------------------------------


def _numbered(frame: Any, first: int, facts: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """``frame`` (as read from one file, in its order) with LINE: first, first + 1, ... in file
    order, and ``facts`` (name: aggregate over a partition's rows, each given the row's
    position in its partition as ``__row``) combined over the file: a minimum of the line
    where ``__row`` is given, or a maximum.

    Rows are counted per partition (the partitions of a file are its consecutive pieces, in
    order; the same on every scan of the file); a row's line is the lines of the partitions
    before it plus its position in its own. One pass over the file counts and finds the facts.
    """
    from pyspark.sql import functions as F

    marked = (frame.withColumn("__part", F.spark_partition_id())
              .withColumn("__row", F.monotonically_increasing_id().bitwiseAND(F.lit((1 << 33) - 1))))
    facts = facts or {}
    found = sorted(marked.groupBy("__part").agg(F.count(F.lit(1)).alias("__count"), *[
        aggregate.alias(name) for name, aggregate in facts.items()]).collect(), key=lambda row: row["__part"])
    offsets, total = [], first
    combined: dict[str, Any] = {}
    for row in found:
        offsets.append((row["__part"], total))
        for name in facts:
            value = row[name]
            if value is None:
                continue
            if name.startswith("min_"):  # a row position: the line it is on
                line = total + int(value)
                combined[name] = line if name not in combined else min(combined[name], line)
            else:
                combined[name] = value if name not in combined else max(combined[name], value)
        total += row["__count"]
    # The first line of each partition as a literal map in the plan (a few entries, one per
    # partition): no join, so no Spark job to broadcast it each time the frame is read.
    starts = F.create_map(*[F.lit(value) for pair in offsets for value in pair]) if offsets else None
    start = F.element_at(starts, F.col("__part")) if starts is not None else F.lit(first)
    numbered = (marked.withColumn(LINE, (start + F.col("__row")).cast("bigint"))
                .drop("__part", "__row"))
    return numbered, combined


def _read_csv(spark: Any, path: Path, name: str, problems: list[Problem]) -> _Raw | None:
    """A CSV file read by Spark, line by line; a file Spark cannot split into lines is read
    by the single-machine reader (see the module's docstring)."""
    from pyspark.sql import functions as F

    label = path.name
    with path.open("rb") as stream:
        head = stream.readline()
        more = stream.read(1) != b""
    if head.startswith(BOM):
        head = head[len(BOM):]
    if NOT_BLANK.search(head) is None and not more:
        problems.append(Problem(label, 0, "", "is empty: a table needs a header row"))
        return None
    try:
        first_line = head.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        problems.append(Problem(label, 1, "", "is not UTF-8 text (save it as CSV UTF-8)"))
        return None
    if NOT_BLANK.search(head) is None or '"' in first_line:
        return _on_one_machine(spark, path, name, problems)  # a header to read with every rule
    parsed = parse_header(first_line, label, problems)
    if parsed is None:
        return None
    header = parsed[0]
    quotes = F.length("value") - F.length(F.regexp_replace("value", '"', ""))
    numbered, found = _numbered(spark.read.text(str(path)), 1, {
        "min_not_utf8": F.min(F.when(F.instr("value", "\ufffd") > 0, F.col("__row"))),
        "odd_quotes": F.max(F.when(quotes % 2 == 1, F.lit(1))),
        "widest": F.max(_cells())})
    lines = numbered.filter(F.col(LINE) > 1)
    if "min_not_utf8" in found:
        problems.append(Problem(label, int(found["min_not_utf8"]), "", "is not UTF-8 text (save it as CSV UTF-8)"))
        return None
    if "odd_quotes" in found:
        return _on_one_machine(spark, path, name, problems)
    width = max(len(header), int(found.get("widest") or 0))
    fields = [f"__c{index}" for index in range(width)]
    parsed = (lines.withColumn("__cells", _cells())
              .withColumn("__row", F.from_csv("value", ", ".join(f"`{f}` STRING" for f in fields),
                                              {"escape": '"', "mode": "PERMISSIVE"})))
    if width > len(header):
        surplus = [F.coalesce(F.length(F.regexp_replace(F.col(f"__row.{f}"), WHITE_SPACE, "")), F.lit(0))
                   for f in fields[len(header):]]
        bad = parsed.filter(sum(surplus, F.lit(0)) > 0).select(LINE, "__cells").orderBy(LINE).collect()
        if bad:
            problems.extend(Problem(label, int(row[LINE]), "", f"has {row['__cells']} cells but the header has "
                                                               f"{len(header)} columns") for row in bad)
            return None
    cells = [F.col(f"__row.{field}").alias(column) for field, column in zip(fields, header, strict=False)]
    return _Raw(name, label, _tidied(parsed.select(LINE, *cells), header), header)


def _cells() -> Any:
    """How many cells a CSV line holds: its commas outside quotes, plus one."""
    from pyspark.sql import functions as F

    unquoted = F.regexp_replace("value", '"([^"]|"")*"', "")
    return F.size(F.split(unquoted, ",", -1))


def _tidied(frame: Any, header: list[str]) -> Any:
    """As the single-machine reader's: cells trimmed, empty cells missing, blank rows and unnamed
    columns dropped (typed Parquet columns kept as they are)."""
    from pyspark.sql import functions as F

    named = [column for column in dict.fromkeys(header) if column and not column.startswith("__unnamed_")]
    types = dict(frame.dtypes)
    cells = []
    for column in named:
        if types[column] == "string":
            trimmed = F.regexp_replace(F.col(column), WHITE_SPACE, "")
            cells.append(F.when(F.length(trimmed) > 0, trimmed).alias(column))
        else:
            cells.append(F.col(column))
    tidy = frame.select(*cells, LINE)
    if named:
        filled = F.lit(False)
        for column in named:
            filled = filled | F.col(column).isNotNull()
        tidy = tidy.filter(filled)
    return tidy


def _on_one_machine(spark: Any, path: Path, name: str, problems: list[Problem]) -> _Raw | None:
    """A file read by the single-machine reader and handed to Spark (quoted cells over several lines)."""
    table = parse_csv_text(path.read_bytes(), name, path.name, problems)
    if table is None:
        return None
    return _Raw(name, path.name, from_polars(spark, table.frame), table.header)


def _read_parquet(spark: Any, path: Path, name: str, problems: list[Problem]) -> _Raw | None:
    """A Parquet file read by Spark; its schema is checked as on one machine."""
    from pyspark.sql import functions as F

    label = path.name
    try:
        schema = pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        problems.append(Problem(label, 0, "", f"is not a readable Parquet file ({error})"))
        return None
    columns = parquet_columns(pl.Schema(schema), label, problems)
    if columns is None:
        return None
    frame = spark.read.parquet(str(path))
    cells = []
    for original, column, how in columns:
        cell = F.col(f"`{original}`")
        if how == "datetime":
            midnight = frame.agg(F.min(F.when(F.date_format(cell, "HH:mm:ss.SSSSSS") != "00:00:00.000000",
                                              F.lit(0)).otherwise(F.lit(1)))).collect()[0][0]
            cell = (F.date_format(cell, "yyyy-MM-dd") if midnight in (None, 1)
                    else F.date_format(cell, "yyyy-MM-dd HH:mm:ss.SSSSSS"))
        elif how == "text":
            cell = cell.cast("string")
        elif isinstance(schema[original], pl.Float32 | pl.Int8 | pl.Int16 | pl.Int32 | pl.UInt8 | pl.UInt16
                        | pl.UInt32 | pl.UInt64 | pl.Int64):
            cell = cell.cast("double") if schema[original].is_float() else cell.cast("bigint")
        cells.append(cell.alias(column))
    header = [column for _, column, _ in columns]
    numbered, _ = _numbered(frame.select(*cells), 2)
    return _Raw(name, label, _tidied(numbered, header), header)


def from_polars(spark: Any, frame: pl.DataFrame) -> Any:
    """A Polars frame (small) as a Spark frame, with the types mapped."""
    ddl = ", ".join(f"`{name}` {SPARK_TYPES.get(dtype.base_type(), 'string')}"
                    for name, dtype in frame.schema.items())
    rows = frame.rows()
    return spark.createDataFrame(rows, ddl) if rows else spark.createDataFrame([], ddl)


def _polars_type(spark_type: str) -> type[pl.DataType]:
    return {"date": pl.Date, "boolean": pl.Boolean, "double": pl.Float64, "bigint": pl.Int64}.get(spark_type, pl.String)


def _collect(frame: Any, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """Rows of a Spark frame (the few that a check needs) as a Polars frame."""
    rows = frame.collect()
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")


# --- Validation -----------------------------------------------------------------------------


def _validate(spark: Any, raws: dict[str, _Raw], extra_codes: dict[str, list[str]], collector: Collector,  # noqa: C901
              warnings: list[str], unread: set[str]) -> dict[str, Any]:
    """``validate.validate_tables`` on Spark frames: the typed frames (with LINE)."""
    typed: dict[str, Any] = {}
    for name, table in TABLES.items():
        if name not in raws:
            if table.required and name not in unread:
                collector.add(Problem(table.filename, 0, "", "required table is missing"))
            continue
        frame = _type_table(spark, raws[name], table, collector, extra_codes, warnings)
        if frame is not None:
            typed[name] = frame
    files = {name: raw.file for name, raw in raws.items()}
    narrowed = _Checks(typed, files, collector)
    for name in typed:
        table = TABLES[name]
        if table.key:
            narrowed.unique(name, [table.key], f"duplicate {table.key} '{{}}'")
        if table.interval:
            narrowed.interval(name, *table.interval)
    if "nominals" in typed:
        narrowed.nominal_refs()
        narrowed.criminal_history()
    if "cohort" in typed:
        narrowed.no_overlap()
    if "needs" in typed:
        narrowed.unique("needs", ["nominal_id", "assessed_on", "pathway"],
                        "nominal_id '{}' has a second score on {} for pathway '{}'")
    if "attendance" in typed:
        if "meetings" in typed:
            narrowed.refs("attendance", "meeting_id", "meetings", "meeting_id")
        else:
            collector.add(Problem(files["attendance"], 0, "", "attendance needs meetings.csv"))
        narrowed.unique("attendance", ["meeting_id", "agency"], "meeting '{}' lists agency '{}' twice")
    for name in ("targets", "actuals", "rag_overrides"):
        if name not in typed:
            continue
        if "indicators" in typed:
            narrowed.refs(name, "indicator_id", "indicators", "indicator_id")
        else:
            collector.add(Problem(files[name], 0, "", f"{name} needs indicators.csv"))
        if name == "rag_overrides":
            continue
        narrowed.unique(name, ["indicator_id", "period"], f"indicator '{{}}' has a second {name[:-1]} for period {{}}")
    if "targets" in typed:
        narrowed.whole("targets", validate.check_targets)
    return typed


def _type_table(spark: Any, raw: _Raw, table: Table, collector: Collector, extra_codes: dict[str, list[str]],  # noqa: C901
                warnings: list[str]) -> Any | None:
    """``validate.type_table`` on Spark: each column typed and checked; the typed frame, or
    None when required columns are missing."""
    from pyspark.sql import functions as F

    present = set(raw.frame.columns) - {LINE}
    if not validate.has_columns(present, raw.file, table, collector, warnings):
        return None
    frame = raw.frame
    for column in table.columns:
        if column.name not in present:
            frame = frame.withColumn(column.name, F.lit(None).cast("string"))
    types = {name: _polars_type(kind) for name, kind in frame.dtypes}
    plans = [(column, *validate._typed_and_error(column, extra_codes.get(column.name, []), dtype=types[column.name]))
             for column in table.columns]
    distinct_columns = [column.name for column, _, _ in plans if column.kind in BY_DISTINCT_VALUE]
    distinct = (frame.agg(*[F.collect_set(name).alias(name) for name in distinct_columns]).collect()[0]
                if distinct_columns else None)
    out = frame.select(LINE, *[F.col(column.name) for column in table.columns])
    checked = [(column, error) for column, _, error in plans
               if column.kind not in BY_DISTINCT_VALUE and error is not None]
    if checked:  # the rows that may be in error in any column, in one pass; the rules word them
        maybe = F.lit(False)
        for column, _ in checked:
            if column.not_null:
                maybe = maybe | F.col(column.name).isNull()
            if column.kind is Kind.PNC:
                maybe = maybe | (F.col(column.name).isNotNull() & ~F.upper(F.col(column.name)).rlike(PNC_SHAPE))
        names = [column.name for column, _ in checked]
        candidates = _collect(frame.filter(maybe).select(LINE, *names),
                              {LINE: pl.Int64, **{name: types[name] for name in names}})
        for column, found in checked:
            assert found is not None
            collector.add_rows(raw.file, column.name, candidates.select(pl.col(LINE), found.alias(ERR))
                               .filter(pl.col(ERR).is_not_null()))
    for column, typed, error in plans:
        name = column.name
        if column.kind in BY_DISTINCT_VALUE:
            assert distinct is not None
            values = pl.DataFrame({name: [None, *distinct[name]]}, schema={name: types[name]})
            lookup = validate.distinct_lookup(values, name, typed, error)
            known = lookup.filter(pl.col(name).is_not_null()).select(pl.col(name).alias("__value"), "__typed")
            bad = lookup.filter(pl.col(ERR).is_not_null())
            if bad.height:
                rows = (frame.select(LINE, name)
                        .join(F.broadcast(from_polars(spark, bad.select(pl.col(name).alias("__value"), ERR))),
                              _same(F.col(name), F.col("__value")))
                        .select(LINE, ERR))
                collector.add_rows(raw.file, name, _collect(rows, {LINE: pl.Int64, ERR: pl.String}))
            out = (out.join(F.broadcast(from_polars(spark, known)), _same(F.col(name), F.col("__value")), "left")
                   .drop(name, "__value").withColumnRenamed("__typed", name))
            continue
        if column.kind is Kind.PNC:
            out = out.withColumn(name, F.upper(F.col(name)))
    order = [LINE, *table.names]
    return out.select(*[F.col(name).cast(_spark_type(table, name)) if name != LINE else F.col(LINE)
                        for name in order]).localCheckpoint()


def _same(left: Any, right: Any) -> Any:
    """Equal, a missing value equal to a missing value (as the single-machine check joins)."""
    return left.eqNullSafe(right)


def _spark_type(table: Table, name: str) -> str:
    return SPARK_TYPES[validate.DTYPES[table.column(name).kind]]


class _Checks:
    """The checks of whole tables: Spark keeps the rows concerned, ``validate``'s checks word them."""

    def __init__(self, typed: dict[str, Any], files: dict[str, str], collector: Collector) -> None:
        self.typed, self.files, self.collector = typed, files, collector

    def _rows(self, name: str, frame: Any) -> pl.DataFrame:
        table = TABLES[name]
        schema = {column: (pl.Int64 if column == LINE else validate.DTYPES[table.column(column).kind])
                  for column in frame.columns}
        return _collect(frame, schema)

    def unique(self, name: str, key: list[str], message: str) -> None:
        from pyspark.sql import functions as F

        frame = self.typed[name].select(LINE, *key)
        keyed = frame.filter(_all_present(key))
        repeated = keyed.groupBy(*key).count().filter(F.col("count") > 1).drop("count")
        rows = keyed.join(repeated, key, "left_semi")
        validate.check_unique(self._rows(name, rows), self.files[name], key, self.collector, message)

    def interval(self, name: str, start: str, end: str) -> None:
        from pyspark.sql import functions as F

        rows = self.typed[name].select(LINE, start, end).filter(F.col(end) < F.col(start))
        validate.check_interval(self._rows(name, rows), self.files[name], start, end, self.collector)

    def nominal_refs(self) -> None:
        from pyspark.sql import functions as F

        ids = self.typed["nominals"].select("nominal_id")
        referring = [name for name in self.typed if TABLES[name].nominal_ref]
        schema = {LINE: pl.Int64, "nominal_id": pl.String}
        found = {"nominals": pl.DataFrame(schema=schema)}
        if referring:
            stacked: Any = None
            for name in referring:
                part = self.typed[name].select(F.lit(name).alias("__table"), LINE, "nominal_id")
                stacked = part if stacked is None else stacked.unionByName(part)
            unknown = _collect(stacked.filter(F.col("nominal_id").isNotNull()).join(ids, "nominal_id", "left_anti")
                               .select("__table", LINE, "nominal_id"), {"__table": pl.String, **schema})
            for name in referring:
                found[name] = unknown.filter(pl.col("__table") == name).drop("__table")
        validate.check_nominal_refs(found, self.files, self.collector)

    def criminal_history(self) -> None:
        from pyspark.sql import functions as F

        frame = self.typed["nominals"].select(LINE, "sanctions", "date_of_birth", "first_sanction_date")
        sanctions, born, first = F.col("sanctions"), F.col("date_of_birth"), F.col("first_sanction_date")
        maybe = ((sanctions != F.round(sanctions)) | (sanctions < 1)
                 | (first <= F.date_add(F.add_months(born, 120), 1)))  # a day's margin: the rule decides
        validate.check_criminal_history(self._rows("nominals", frame.filter(maybe)), self.files["nominals"],
                                        self.collector)

    def no_overlap(self) -> None:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        cohort = self.typed["cohort"].select(LINE, "nominal_id", "start_date", "end_date")
        order = Window.partitionBy("nominal_id").orderBy("start_date", LINE)
        before = F.lag("end_date").over(order)
        has_before = F.lag(LINE).over(order).isNotNull()
        clash = (cohort.filter(F.col("start_date").isNotNull())
                 .withColumn("__clash", has_before & (before.isNull() | (before >= F.col("start_date"))))
                 .filter("__clash").select("nominal_id").distinct())
        rows = cohort.join(clash, "nominal_id", "left_semi")
        validate.check_no_overlap(self._rows("cohort", rows), self.files["cohort"], self.collector)

    def refs(self, name: str, column: str, target: str, target_column: str) -> None:
        from pyspark.sql import functions as F

        ids = self.typed[target].select(F.col(target_column).alias(column)).distinct()
        unknown = (self.typed[name].select(LINE, column).filter(F.col(column).isNotNull())
                   .join(ids, column, "left_anti"))
        validate.check_refs(self._rows(name, unknown), self.files[name], column, pl.Series([], dtype=pl.String),
                            target, self.collector)

    def whole(self, name: str, check: Callable[[pl.DataFrame, str, Collector], None]) -> None:
        check(self._rows(name, self.typed[name]), self.files[name], self.collector)


def _all_present(key: list[str]) -> Any:
    from pyspark.sql import functions as F

    condition = F.lit(True)
    for column in key:
        condition = condition & F.col(column).isNotNull()
    return condition
