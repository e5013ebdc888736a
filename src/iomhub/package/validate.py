"""Validation and typing of raw tables: every problem found, with its file, line and column.

Checks (``docs/spec/data-package.md``): required columns, impossible dates, unknown codes,
booleans, numbers and scores (0 to 10), PNC id format, ids that do not exist in
nominals.csv, duplicate ids, end before start, overlapping cohort episodes of one person,
and the cross-references of the performance framework and meetings. All checks run as
vectorised Polars expressions, so a million-row table is checked in about a second.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from iomhub.domain.dates import PERIOD_YEARS
from iomhub.package.dates import OWN_FORMS_ONLY, DateFormats, builtin_date, declared_date
from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES, Column, Kind, Table
from iomhub.package.sources import LINE, RawTable, tidy_cells, tidy_value

EXAMPLES_PER_CHECK = 100
MIN_YEAR, MAX_YEAR = 1900, 2100
ERR = "__error"

DTYPES: dict[Kind, type[pl.DataType]] = {
    Kind.TEXT: pl.String,
    Kind.DATE: pl.Date,
    Kind.CODE: pl.String,
    Kind.BOOL: pl.Boolean,
    Kind.SCORE: pl.Float64,
    Kind.NUMBER: pl.Float64,
    Kind.PNC: pl.String,
    Kind.PERIOD: pl.String,
}

TRUE_WORDS = ("true", "yes", "y", "1", "t")
FALSE_WORDS = ("false", "no", "n", "0", "f")


@dataclass
class Collector:
    """Problems found so far; a check failing on many rows keeps the first ones as examples.

    Problems are said in the files' own terms: ``titles`` gives, for a file whose headers a
    mapping renamed, the header each canonical column was read from, and ``called`` how a
    table is named when another table refers to it (its file, when a mapping named one).
    """

    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> column -> header
    called: dict[str, str] = field(default_factory=dict)  # table -> its file's name
    mapped: dict[str, str] = field(default_factory=dict)  # a file a mapping reads -> where the mapping is

    def title(self, file: str, column: str) -> str:
        """A column (or columns, ``a, b``) of ``file`` as its header names it."""
        titles = self.titles.get(file)
        if not titles:
            return column
        return ", ".join(titles.get(part, part) for part in column.split(", "))

    def code_hint(self, file: str, table: str, column: str) -> str:
        """How to map an unknown code of a mapped file."""
        label = self.mapped.get(file)
        return f"; map it under [codes.{table}.{column}] in {label}" if label else ""

    def name_of(self, table: str) -> str:
        return self.called.get(table, TABLES[table].filename)

    def part(self) -> Collector:
        """An empty collector saying problems in the same terms, for work done beside this one's
        (its problems are added with :meth:`merge`, in an order that does not depend on timing)."""
        return Collector(titles=self.titles, called=self.called, mapped=self.mapped)

    def merge(self, part: Collector) -> None:
        self.problems.extend(part.problems)
        self.total += part.total

    def add(self, problem: Problem) -> None:
        self.problems.append(Problem(problem.file, problem.line, self.title(problem.file, problem.column),
                                     problem.message))
        self.total += 1

    def add_rows(self, file: str, column: str, rows: pl.DataFrame) -> None:
        """Add one problem per row of ``rows`` (columns LINE and ERR)."""
        if rows.height == 0:
            return
        self.total += rows.height
        column = self.title(file, column)
        for line, message in rows.sort(LINE).head(EXAMPLES_PER_CHECK).select(LINE, ERR).iter_rows():
            self.problems.append(Problem(file, int(line), column, str(message)))


def code_expr(name: str) -> pl.Expr:
    """The canonical form of a code column (see ``domain.codes.normalise_code``)."""
    return (pl.col(name).str.to_lowercase().str.strip_chars()
            .str.replace_all(r"[\s\-/_]+", "_").str.strip_chars("_"))


def _quoted(name: str) -> pl.Expr:
    return pl.format("'{}'", pl.col(name))


def _typed_and_error(column: Column, extra_codes: Iterable[str], dates: DateFormats = OWN_FORMS_ONLY,  # noqa: C901
                     code_hint: str = "", spellings: dict[str, str] | None = None,
                     dtype: pl.DataType | type[pl.DataType] = pl.String) -> tuple[pl.Expr, pl.Expr | None]:
    """The expression giving the typed value, and one giving an error message or null.

    ``spellings`` gives a code column's mapped spellings (normalised) their codes. A cell is
    text, except in a Parquet column of dates, booleans or numbers (``dtype``), whose values
    are taken as they are and only their range is checked."""
    raw = pl.col(column.name)
    typed: pl.Expr
    error: pl.Expr | None = None
    if dtype != pl.String:
        found = _typed_column(column, dtype)
        if found is not None:
            typed, error = found
            if column.not_null:
                missing = pl.when(raw.is_null()).then(pl.lit("is empty but a value is required"))
                error = missing if error is None else pl.coalesce(missing, error)
            return typed.cast(DTYPES[column.kind]).alias(column.name), error
        raw = raw.cast(pl.String)
    if column.kind is Kind.DATE:
        typed, shaped = builtin_date(raw)
        declared = declared_date(raw, dates)
        forms = "YYYY-MM-DD or DD/MM/YYYY"
        if declared is not None:
            typed = pl.when(shaped).then(typed).otherwise(declared)
            shaped = shaped | declared.is_not_null()
            forms += f", or as [dates] formats declares: {dates.described()}"
        year = typed.dt.year()
        error = (
            pl.when(raw.is_not_null() & ~shaped)
            .then(pl.format(f"{{}} is not a date (write {forms})", _quoted(column.name)))
            .when(raw.is_not_null() & typed.is_null())
            .then(pl.format("{} is not a real date (no such day)", _quoted(column.name)))
            .when((year < MIN_YEAR) | (year > MAX_YEAR))
            .then(pl.format("{} is not a plausible date (years {} to {})", _quoted(column.name),
                            pl.lit(MIN_YEAR), pl.lit(MAX_YEAR)))
        )
        typed = pl.when((year >= MIN_YEAR) & (year <= MAX_YEAR)).then(typed)
    elif column.kind is Kind.CODE:
        typed = code_expr(column.name)
        if spellings:
            typed = typed.replace(list(spellings), list(spellings.values()))
        allowed = column.codes(extra_codes)
        if allowed is not None:
            error = pl.when(typed.is_not_null() & ~typed.is_in(allowed)).then(
                pl.format("unknown code {} (expected one of: {}){}", _quoted(column.name),
                          pl.lit(", ".join(allowed)), pl.lit(code_hint)))
    elif column.kind is Kind.BOOL:
        word = raw.str.to_lowercase()
        typed = (pl.when(word.is_in(TRUE_WORDS)).then(pl.lit(True))
                 .when(word.is_in(FALSE_WORDS)).then(pl.lit(False)))
        error = pl.when(raw.is_not_null() & typed.is_null()).then(
            pl.format("{} is not true or false (use true/false, yes/no or 1/0)", _quoted(column.name)))
    elif column.kind in (Kind.SCORE, Kind.NUMBER):
        cleaned = raw.str.replace_all(",", "").str.strip_suffix("%").str.strip_chars()
        typed = cleaned.cast(pl.Float64, strict=False)
        typed = pl.when(typed.is_finite()).then(typed)
        error = pl.when(raw.is_not_null() & typed.is_null()).then(
            pl.format("{} is not a number", _quoted(column.name)))
        if column.kind is Kind.SCORE:
            error = error.when((typed < 0) | (typed > 10)).then(
                pl.format("score {} is outside 0 to 10", _quoted(column.name)))
    elif column.kind is Kind.PNC:
        typed = raw.str.to_uppercase()
        error = pl.when(raw.is_not_null() & ~typed.str.contains(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$")).then(
            pl.format("{} is not a PNC id (YYYY/NNNNNNNL, e.g. 2009/0123456X)", _quoted(column.name)))
    elif column.kind is Kind.PERIOD:
        parts = raw.str.to_uppercase().str.replace_all(r"\s", "").str.extract_groups(
            r"^([0-9]{4})(?:-?Q([1-4]))?$")
        year = parts.struct.field("1")
        quarter = parts.struct.field("2")
        typed = pl.when(quarter.is_not_null()).then(pl.format("{}-Q{}", year, quarter)).otherwise(year)
        error = pl.when(raw.is_not_null() & year.is_null()).then(
            pl.format("{} is not a period (2014 for the financial year 2014/15, or 2014-Q1)",
                      _quoted(column.name))).when(
            ~year.cast(pl.Int64, strict=False).is_between(PERIOD_YEARS.start, PERIOD_YEARS.stop - 1)).then(
            pl.format("{} names a year outside {}-{}", _quoted(column.name), pl.lit(PERIOD_YEARS.start),
                      pl.lit(PERIOD_YEARS.stop - 1)))
    else:
        typed = raw
    if column.not_null:
        missing = pl.when(raw.is_null()).then(pl.lit("is empty but a value is required"))
        error = missing if error is None else pl.coalesce(missing, error)
    return typed.cast(DTYPES[column.kind]).alias(column.name), error


def _typed_column(column: Column, dtype: pl.DataType | type[pl.DataType]) -> tuple[pl.Expr, pl.Expr | None] | None:
    """The typed value and error of a Parquet column already of the column's type, or None
    when it is not (its values are then checked as text)."""
    raw = pl.col(column.name)
    if column.kind is Kind.DATE and dtype == pl.Date:
        year = raw.dt.year()
        plausible = (year >= MIN_YEAR) & (year <= MAX_YEAR)
        return pl.when(plausible).then(raw), pl.when(raw.is_not_null() & ~plausible).then(
            pl.format("{} is not a plausible date (years {} to {})", _quoted(column.name), pl.lit(MIN_YEAR),
                      pl.lit(MAX_YEAR)))
    if column.kind is Kind.BOOL and dtype == pl.Boolean:
        return raw, None
    if column.kind in (Kind.SCORE, Kind.NUMBER) and dtype.is_numeric():
        typed = pl.when(raw.cast(pl.Float64).is_finite()).then(raw.cast(pl.Float64))
        not_number = pl.when(raw.is_not_null() & typed.is_null()).then(pl.format("{} is not a number",
                                                                                  _quoted(column.name)))
        if column.kind is Kind.SCORE:
            return typed, not_number.when((typed < 0) | (typed > 10)).then(
                pl.format("score {} is outside 0 to 10", _quoted(column.name)))
        return typed, not_number
    return None


def has_columns(present: set[str], file: str, table: Table, collector: Collector, warnings: list[str],
                titles: dict[str, str] | None = None) -> bool:
    """Warn of columns not in the table's specification (named as ``titles`` write them); whether
    no required column is missing (each missing one is a problem)."""
    for name in sorted(present - set(table.names)):
        header = (titles or {}).get(name, name)
        warnings.append(f"{file}: column {header!r} is not part of {table.filename}; ignored")
    missing = [c for c in table.columns if c.required and c.name not in present]
    for column in missing:
        collector.add(Problem(file, 1, column.name, "required column is missing"))
    return not missing


def type_table(raw: RawTable, table: Table, collector: Collector, extra_codes: dict[str, list[str]],
               warnings: list[str], dates: DateFormats = OWN_FORMS_ONLY) -> pl.DataFrame | None:
    """Check a raw table's columns and cells; return it typed, or None when columns are missing."""
    present = set(raw.frame.columns) - {LINE}
    titles = raw.titles if raw.file in collector.mapped else {}  # a column as the mapping names it
    if not has_columns(present, raw.file, table, collector, warnings, titles):
        return None
    # Cells left untidied by the reading are tidied here: a column typed by its distinct values
    # tidies only those, the others (ids, names) every cell.
    untrimmed = [name for name in raw.untrimmed if name in table.names]
    if raw.frame.height <= DIRECT_ROWS:
        return _type_directly(raw, table, present, untrimmed, collector, extra_codes, dates)
    now = [name for name in untrimmed if table.column(name).kind not in BY_DISTINCT_VALUE]
    frame = tidy_cells(raw.frame.lazy(), now, raw.apostrophes).collect() if now else raw.frame
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in table.columns if c.name not in present)
    plans = [(column, *_typed_and_error(column, extra_codes.get(column.name, []), dates,
                                        collector.code_hint(raw.file, table.name, column.name),
                                        raw.spellings.get(column.name), frame.schema[column.name]))
             for column in table.columns]
    by_value = [column.name for column, _, _ in plans if column.kind in BY_DISTINCT_VALUE]
    distinct = (frame.lazy().select(pl.col(name).unique().implode() for name in by_value).collect()
                if by_value else pl.DataFrame())
    exprs: list[pl.Expr] = []
    for column, typed, error in plans:
        if column.kind in BY_DISTINCT_VALUE:
            values = distinct.get_column(column.name).explode().to_frame()
            expr, rows = _type_by_distinct_value(frame, values, column.name, typed, error,
                                                 untrimmed=column.name in untrimmed)
        else:
            expr = typed
            rows = (None if error is None else
                    frame.select(pl.col(LINE), error.alias(ERR)).filter(pl.col(ERR).is_not_null()))
        exprs.append(expr)
        if rows is not None:
            collector.add_rows(raw.file, column.name, rows)
    return frame.lazy().select(pl.col(LINE), *exprs).collect()


# A table of at most so many rows is typed cell by cell in one query (``_type_directly``): typing
# through distinct values costs some 25 small queries a table, 6 to 12 ms of planning and
# starting them, more CPU than typing up to some 10,000 rows cell by cell (docs/speed.md, "Ninth pass").
DIRECT_ROWS = 10_000


def _type_directly(raw: RawTable, table: Table, present: set[str], untrimmed: list[str], collector: Collector,
                   extra_codes: dict[str, list[str]], dates: DateFormats) -> pl.DataFrame:
    """``type_table`` of a small table, every cell typed and checked where it is, in one query:
    the same typed frame and the same problems as typing through distinct values (each cell
    tidied as ``tidy_cells`` does, and the same elementwise expressions)."""
    lazy = tidy_cells(raw.frame.lazy(), untrimmed, raw.apostrophes).with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in table.columns if c.name not in present)
    schema = raw.frame.schema
    typed: list[pl.Expr] = []
    errors: list[tuple[str, str]] = []  # (column, the name of its error column)
    for index, column in enumerate(table.columns):
        expr, error = _typed_and_error(column, extra_codes.get(column.name, []), dates,
                                       collector.code_hint(raw.file, table.name, column.name),
                                       raw.spellings.get(column.name), schema.get(column.name, pl.String))
        typed.append(expr)
        if error is not None:
            errors.append((column.name, f"{ERR}{index}"))
            typed.append(error.alias(f"{ERR}{index}"))
    frame = lazy.select(pl.col(LINE), *typed).collect()
    for name, error_column in errors:
        if frame.get_column(error_column).null_count() < frame.height:
            collector.add_rows(raw.file, name, frame.select(pl.col(LINE), pl.col(error_column).alias(ERR))
                               .filter(pl.col(ERR).is_not_null()))
    return frame.drop([error_column for _, error_column in errors])


# Kinds whose cells repeat a few distinct values (dates, codes, scores): each distinct value is
# typed and checked once, then mapped back, which is what makes a million rows cheap.
BY_DISTINCT_VALUE = frozenset({Kind.DATE, Kind.CODE, Kind.BOOL, Kind.SCORE, Kind.NUMBER, Kind.PERIOD})


def distinct_lookup(values: pl.DataFrame, name: str, typed: pl.Expr, error: pl.Expr | None) -> pl.DataFrame:
    """Each distinct value of a column (``values``) with its typed value (``__typed``) and its
    error message or null (``ERR``)."""
    return values.select(pl.col(name), typed.alias("__typed"),
                         (error if error is not None else pl.lit(None, pl.String)).alias(ERR))


ENUM_SHARE = 4  # typed through an Enum when at most a quarter of the cells are distinct (measured)


def _type_by_distinct_value(frame: pl.DataFrame, values: pl.DataFrame, name: str, typed: pl.Expr,
                            error: pl.Expr | None, untrimmed: bool = False) -> tuple[pl.Expr, pl.DataFrame | None]:
    """The expression typing a column from its distinct ``values`` (each typed and checked
    once), and the (line, message) of every cell in error. ``untrimmed``: the column's cells
    are as the file writes them; each distinct value is tidied (``sources.tidy_value``) before
    it is typed, and keyed as written."""
    if untrimmed:
        lookup = distinct_lookup(values.select(tidy_value(pl.col(name)).alias(name)), name, typed, error)
        lookup = lookup.with_columns(values.get_column(name))
    else:
        lookup = distinct_lookup(values, name, typed, error)
    known = lookup.filter(pl.col(name).is_not_null())
    if frame.schema[name] == pl.String and 0 < known.height * ENUM_SHARE <= frame.height:
        # Each cell's position among the distinct values (a cast to an Enum of them, which
        # every cell is), then the typed value at that position: one lookup of each cell
        # where ``replace_strict`` makes two (but making the Enum of a million distinct
        # values costs more than it saves).
        position = pl.col(name).cast(pl.Enum(known.get_column(name))).to_physical()
        expr = pl.lit(known.get_column("__typed")).gather(position).alias(name)
    else:
        expr = pl.col(name).replace_strict(
            known.get_column(name), known.get_column("__typed"), default=None,
            return_dtype=lookup.schema["__typed"]).alias(name)
    bad = lookup.filter(pl.col(ERR).is_not_null())
    if bad.height == 0:
        return expr, None
    rows = frame.select(LINE, name).join(bad.select(name, ERR), on=name, how="inner", nulls_equal=True)
    return expr, rows.select(LINE, ERR)


def check_unique(frame: pl.DataFrame, file: str, key: list[str], collector: Collector,
                 message: str) -> None:
    """Every repeat of a key after its first line is a problem."""
    keyed = frame.filter(pl.all_horizontal(pl.col(key).is_not_null()))
    # Distinct hashes prove distinct keys; only a repeated hash needs the exact check.
    hashes = keyed.select(pl.struct(key).hash() if len(key) > 1 else pl.col(key[0]).hash()).to_series()
    if hashes.n_unique() == keyed.height:
        return
    first = keyed.group_by(key).agg(pl.col(LINE).min().alias("__first"))
    repeats = keyed.join(first, on=key).filter(pl.col(LINE) != pl.col("__first"))
    # Polars 2.1 panics ("assertion failed: i < self.len()") when pl.format joins columns
    # split into different numbers of chunks, as a join, shift or filter can leave them.
    rows = repeats.rechunk().select(
        pl.col(LINE),
        pl.format(message + " (first on line {})", *[pl.col(k) for k in key], pl.col("__first")).alias(ERR),
    )
    collector.add_rows(file, key[-1] if len(key) == 1 else ", ".join(key), rows)


def check_refs(frame: pl.DataFrame, file: str, column: str, ids: pl.Series, target: str,
               collector: Collector) -> None:
    """Values of ``column`` that are not among ``ids`` (the keys of table ``target``)."""
    listed = ids.implode()
    unknown = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(listed))
    rows = unknown.select(pl.col(LINE), pl.format("{} is not in {}", _quoted(column),
                                                  pl.lit(collector.name_of(target))).alias(ERR))
    collector.add_rows(file, column, rows)


def check_nominal_refs(typed: dict[str, pl.DataFrame], files: dict[str, str], collector: Collector) -> None:
    """Every nominal_id of every table must be in nominals.csv (the tables in the order of
    ``typed``)."""
    referring = [name for name in typed if TABLES[name].nominal_ref]
    for name, rows in unknown_nominals(typed, referring, collector.name_of("nominals")).items():
        collector.add_rows(files[name], "nominal_id", rows)


def unknown_nominals(typed: dict[str, pl.DataFrame], names: list[str], nominals_file: str) -> dict[str, pl.DataFrame]:
    """The (LINE, ERR) rows of each of the tables ``names`` whose nominal_id is not in nominals
    (``nominals_file`` names it), only for tables that have some.

    The ids of all the tables are looked up in one pass, so the million ids of nominals.csv are
    hashed once rather than once per table; the rows' lines and messages are made only for a
    table with an unknown id (seldom any).
    """
    frames = [typed[name] for name in names]
    if not frames:
        return {}
    ids = pl.concat([frame.get_column("nominal_id") for frame in frames], rechunk=False)
    unknown = ids.is_not_null() & ~ids.is_in(typed["nominals"].get_column("nominal_id").implode())
    if not unknown.any():
        return {}
    found: dict[str, pl.DataFrame] = {}
    offset = 0
    for name, frame in zip(names, frames, strict=True):
        rows = frame.filter(unknown.slice(offset, frame.height)).rechunk()  # rechunk: see check_unique
        offset += frame.height
        if rows.height:
            found[name] = rows.select(pl.col(LINE), pl.format("{} is not in {}", _quoted("nominal_id"),
                                                              pl.lit(nominals_file)).alias(ERR))
    return found


def check_interval(frame: pl.DataFrame, file: str, start: str, end: str, collector: Collector) -> None:
    """An end date before its start date."""
    rows = frame.filter(pl.col(end) < pl.col(start)).rechunk().select(  # rechunk: see check_unique
        pl.col(LINE),
        pl.format("{} is before {} {}", pl.col(end), pl.lit(collector.title(file, start)), pl.col(start)).alias(ERR))
    collector.add_rows(file, end, rows)


def check_no_overlap(frame: pl.DataFrame, file: str, collector: Collector) -> None:
    """Cohort episodes of one nominal must not overlap (an open episode runs for ever)."""
    ordered = frame.filter(pl.col("start_date").is_not_null()).sort("nominal_id", "start_date", LINE)
    person = pl.col("nominal_id").rle_id()  # sorted, so one number per nominal
    same = person == person.shift(1)
    previous = ordered.with_columns(
        pl.col("end_date").shift(1).alias("__prev_end"),
        pl.col(LINE).shift(1).alias("__prev_line"),
        same.fill_null(False).alias("__has_prev"),
    )
    clash = previous.filter(
        pl.col("__has_prev") & (pl.col("__prev_end").is_null() | (pl.col("__prev_end") >= pl.col("start_date"))))
    rows = clash.rechunk().select(pl.col(LINE), pl.format(  # rechunk: see check_unique
        "episode starting {} overlaps the episode on line {} of the same nominal_id {}",
        pl.col("start_date"), pl.col("__prev_line"), _quoted("nominal_id")).alias(ERR))
    collector.add_rows(file, "start_date", rows)


def check_criminal_history(frame: pl.DataFrame, file: str, collector: Collector) -> None:
    """sanctions is a whole number of at least 1 (it counts the latest sanction); the first
    sanction is not before the age of criminal responsibility (10)."""
    sanctions = pl.col("sanctions")
    rows = frame.select(pl.col(LINE), pl.when(sanctions != sanctions.round()).then(pl.format(
        "'{}' is not a whole number of sanctions", sanctions))
        .when(sanctions < 1).then(pl.format(
            "'{}' sanctions: the count includes the latest sanction, so it is at least 1",
            sanctions.cast(pl.Int64)))
        .alias(ERR)).filter(pl.col(ERR).is_not_null())
    collector.add_rows(file, "sanctions", rows)
    born, first = pl.col("date_of_birth"), pl.col("first_sanction_date")
    tenth = born.dt.offset_by("10y")
    rows = frame.rechunk().select(pl.col(LINE), pl.when(first < tenth).then(pl.format(
        "first sanction on {} is before the 10th birthday ({}), the age of criminal responsibility",
        first, tenth)).alias(ERR)).filter(pl.col(ERR).is_not_null())
    collector.add_rows(file, "first_sanction_date", rows)


def check_targets(frame: pl.DataFrame, file: str, collector: Collector) -> None:
    """A target's kind decides which of value, low and high it needs."""
    message = (
        pl.when((pl.col("kind") == "value") & pl.col("value").is_null())
        .then(pl.lit("a target of kind 'value' needs a value"))
        .when((pl.col("kind") == "change") & pl.col("value").is_null())
        .then(pl.lit("a target of kind 'change' needs a value (e.g. -0.40 for a 40% reduction)"))
        .when((pl.col("kind") == "range") & (pl.col("low").is_null() | pl.col("high").is_null()))
        .then(pl.lit("a target of kind 'range' needs low and high"))
        .when((pl.col("kind") == "range") & (pl.col("low") > pl.col("high")))
        .then(pl.lit("low is above high"))
    )
    rows = frame.select(pl.col(LINE), message.alias(ERR)).filter(pl.col(ERR).is_not_null())
    collector.add_rows(file, "kind", rows)


VALIDATING_THREADS = 2


def _cells(raw: RawTable) -> int:
    return raw.frame.height * raw.frame.width


def validate_tables(raw_tables: dict[str, RawTable], extra_codes: dict[str, list[str]],
                    collector: Collector, warnings: list[str],
                    unread: Collection[str] = (), dates: DateFormats = OWN_FORMS_ONLY) -> dict[str, pl.DataFrame]:
    """Type and check every table, then the references between them. Typed frames keep LINE.

    ``unread`` names tables whose file is there but could not be read (a problem already
    says why): they are not also reported missing. ``dates`` are the date forms a mapping
    declares beyond the package's own.

    The work is done on two threads (Polars releases the lock, and one query seldom keeps
    both cores busy): every table typed (the largest first), then the nominal_id references
    of every table beside each table's own checks; each piece of work says its problems in a
    part of its own, and the parts are added in a fixed order, as if every check had run one
    after the other.
    """
    present = [name for name in TABLES if name in raw_tables]
    files = {name: raw.file for name, raw in raw_tables.items()}
    parts = {(key, name): collector.part() for key in ("type", "own") for name in present}
    parts.update({(key, ""): collector.part() for key in ("history", "overlap", "needs")})
    said: dict[str, list[str]] = {name: [] for name in present}
    sizes = {name: _cells(raw_tables[name]) for name in present}
    by_size = sorted(present, key=lambda name: -sizes[name])

    def typed_one(name: str) -> pl.DataFrame | None:
        return type_table(raw_tables[name], TABLES[name], parts["type", name], extra_codes, said[name], dates)

    with ThreadPoolExecutor(max_workers=VALIDATING_THREADS) as pool:
        done = dict(zip(by_size, pool.map(typed_one, by_size), strict=True))
        typed = {name: frame for name in present if (frame := done[name]) is not None}
        referring = [name for name in typed if TABLES[name].nominal_ref]
        unknown = (pool.submit(unknown_nominals, typed, referring, collector.name_of("nominals"))
                   if "nominals" in typed else None)
        checks = [pool.submit(_single_table_checks, name, typed[name], files[name], parts)
                  for name in by_size if name in typed]
        rest = collector.part()
        _reference_checks(typed, files, rest)
        for check in checks:
            check.result()
        found = {} if unknown is None else unknown.result()
    for name, table in TABLES.items():
        if name not in raw_tables:
            if table.required and name not in unread:
                collector.add(Problem(table.filename, 0, "", "required table is missing"))
            continue
        collector.merge(parts["type", name])
        warnings.extend(said[name])
    for name in typed:
        collector.merge(parts["own", name])
    for name in referring:
        if name in found:
            collector.add_rows(files[name], "nominal_id", found[name])
    for key in ("history", "overlap", "needs"):
        collector.merge(parts[key, ""])
    collector.merge(rest)
    return typed


def _single_table_checks(name: str, frame: pl.DataFrame, file: str, parts: dict[tuple[str, str], Collector]) -> None:
    """The checks of one typed table alone (its key, its interval, and the nominals', cohort's
    and needs' own), each into its part."""
    table = TABLES[name]
    if table.key:
        check_unique(frame, file, [table.key], parts["own", name], f"duplicate {table.key} '{{}}'")
    if table.interval:
        check_interval(frame, file, *table.interval, parts["own", name])
    if name == "nominals":
        check_criminal_history(frame, file, parts["history", ""])
    elif name == "cohort":
        check_no_overlap(frame, file, parts["overlap", ""])
    elif name == "needs":
        check_unique(frame, file, ["nominal_id", "assessed_on", "pathway"], parts["needs", ""],
                     "nominal_id '{}' has a second score on {} for pathway '{}'")


def _reference_checks(typed: dict[str, pl.DataFrame], files: dict[str, str], collector: Collector) -> None:
    """The references of attendance to meetings and of the performance tables to indicators,
    their keys, and targets' kinds (small tables: one after the other)."""
    if "attendance" in typed:
        if "meetings" in typed:
            check_refs(typed["attendance"], files["attendance"], "meeting_id",
                       typed["meetings"]["meeting_id"], "meetings", collector)
        else:
            collector.add(Problem(files["attendance"], 0, "", f"attendance needs {collector.name_of('meetings')}"))
        check_unique(typed["attendance"], files["attendance"], ["meeting_id", "agency"], collector,
                     "meeting '{}' lists agency '{}' twice")
    for name in ("targets", "actuals", "rag_overrides"):
        if name not in typed:
            continue
        if "indicators" in typed:
            check_refs(typed[name], files[name], "indicator_id", typed["indicators"]["indicator_id"],
                       "indicators", collector)
        else:
            collector.add(Problem(files[name], 0, "", f"{name} needs {collector.name_of('indicators')}"))
        if name == "rag_overrides":  # a history: many rows per indicator and period
            continue
        check_unique(typed[name], files[name], ["indicator_id", "period"], collector,
                     f"indicator '{{}}' has a second {name[:-1]} for period {{}}")
    if "targets" in typed:
        check_targets(typed["targets"], files["targets"], collector)
