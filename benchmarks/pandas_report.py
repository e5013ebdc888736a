"""The performance report's figures in plain pandas: the yardstick of ``make bench``.

This is what a competent analyst would write with pandas alone: read the data package's
CSV files with the default ``pd.read_csv``, tidy the text (trim, codes to lower snake_case,
ISO or UK dates), then compute each table of ``shared/spec/report-json.md`` with vectorised
pandas. It shares no code with ``iomhub`` on purpose, so that equal figures from the two are
a real cross-check, and its run time is the baseline iomhub is measured against.

Usage::

    python benchmarks/pandas_report.py PACKAGE_DIR --from 2015-04-01 --to 2016-03-31 \
        [--target-reduction 17] [--exclude-custody-beyond DATE] -o OUT.json

It writes ``{"period": ..., "baseline": ..., "cohort_date": ..., "tables": {NAME: [ROW, ...]}}``
with dates as ISO strings and figures that cannot be computed as ``null``.

Definitions (every interval inclusive of both ends; an episode "covers" D when
start <= D and its end is empty or >= D):

- period P = ``--from``..``--to``; baseline B: the span of the same length that ends the day
  before P starts (when P is whole calendar months, the same number of months earlier, so
  2015-04-01..2016-03-31 gives 2014-04-01..2015-03-31); cohort date D = ``--from``.
- the performance cohort: nominals with a cohort episode covering D, with at least one
  offence dated in B, less (with ``--exclude-custody-beyond X``) those in a custody period
  covering D whose end (or, while open, expected release) is after X or unknown.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ALL = "all"
UNKNOWN = "unknown"
TIER_SEVERITY = {"red": 3, "amber": 2, "green": 1}
UNASSESSED = "unassessed"
PATHWAYS = ("accommodation", "ete", "health", "drugs_alcohol", "finance", "children_families",
            "attitudes")
RE_PRESENTATION_DAYS = 183
TRUE_WORDS = {"true", "yes", "1"}

# Columns each table needs, and how to tidy them: "date", "code" (lower snake_case),
# "text" (trimmed) or "bool" (true/false, yes/no, 1/0).
COLUMNS: dict[str, dict[str, str]] = {
    "nominals": {"nominal_id": "text", "date_of_birth": "date", "gender": "code", "area": "text"},
    "cohort": {"nominal_id": "text", "scheme": "code", "start_date": "date", "end_date": "date"},
    "flags": {"nominal_id": "text", "flag": "code", "start_date": "date", "end_date": "date"},
    "offences": {"nominal_id": "text", "offence_date": "date"},
    "custody": {"nominal_id": "text", "start_date": "date", "end_date": "date",
                "expected_release_date": "date"},
    "supervision": {"nominal_id": "text", "provider": "code", "start_date": "date",
                    "end_date": "date"},
    "risk": {"nominal_id": "text", "assessed_on": "date", "tier": "code"},
    "referrals": {"referral_id": "text", "referred_on": "date", "referring_agency": "code",
                  "decision": "code"},
    "meetings": {"meeting_id": "text", "held_on": "date"},
    "attendance": {"meeting_id": "text", "agency": "code", "invited": "bool",
                   "attended": "bool"},
    "needs": {"nominal_id": "text", "assessed_on": "date", "pathway": "code", "score": "number"},
    "treatment": {"episode_id": "text", "substance": "code", "start_date": "date",
                  "end_date": "date", "outcome": "code", "re_presented_on": "date"},
}

Tables = dict[str, pd.DataFrame]


# --------------------------------------------------------------------------- reading


def normalise_name(name: str) -> str:
    """A header as the spec matches it: trimmed, without a BOM, lower case, spaces as ``_``."""
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def normalise_codes(values: pd.Series) -> pd.Series:
    """Codes as typed to canonical form: ``' Amber Green'``, ``amber/green`` → ``amber_green``."""
    return (
        values.str.strip()
        .str.lower()
        .str.replace(r"[\s\-/]+", "_", regex=True)
        .str.strip("_")
    )


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` and UK ``DD/MM/YYYY`` dates, mixed in one column, as datetime64."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(values, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def find_csv(folder: Path, table: str) -> Path | None:
    """The CSV file of a table in a package folder (file names matched case-insensitively)."""
    for path in folder.iterdir():
        if path.is_file() and path.suffix.lower() == ".csv" and path.stem.strip().lower() == table:
            return path
    return None


def read_table(folder: Path, table: str) -> pd.DataFrame | None:
    """Read one table's needed columns, tidied and typed; None when the package lacks the file.

    Every cell is read as text (so ids keep leading zeros), trimmed, and an empty cell is
    missing. Optional columns absent from the file come back all missing.
    """
    path = find_csv(folder, table)
    if path is None:
        return None
    wanted = COLUMNS[table]
    frame = pd.read_csv(
        path,
        dtype=str,
        encoding="utf-8-sig",
        keep_default_na=False,
        usecols=lambda name: normalise_name(name) in wanted,
    )
    frame.columns = [normalise_name(c) for c in frame.columns]
    for column, kind in wanted.items():
        if column not in frame:
            frame[column] = pd.Series(None, index=frame.index, dtype=object)
        if kind == "code":
            frame[column] = normalise_codes(frame[column]).replace("", np.nan)
            continue
        text = frame[column].str.strip().replace("", np.nan)
        if kind == "date":
            frame[column] = parse_dates(text)
        elif kind == "bool":
            frame[column] = text.str.lower().isin(TRUE_WORDS)
        elif kind == "number":
            frame[column] = pd.to_numeric(text, errors="coerce")
        else:
            frame[column] = text
    return frame[list(wanted)]


def read_package(folder: Path) -> Tables:
    """Every table of the package that the report uses and the folder holds."""
    tables: Tables = {}
    for name in COLUMNS:
        frame = read_table(folder, name)
        if frame is not None:
            tables[name] = frame
    return tables


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Params:
    """The report's dates: period, baseline, cohort date; optional target and custody cut-off."""

    period_from: date
    period_to: date
    baseline_from: date
    baseline_to: date
    cohort_date: date
    target_reduction: float | None = None
    exclude_custody_beyond: date | None = None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = (date(year + (month0 == 11), (month0 + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month0 + 1, min(day.day, last))


def default_baseline(start: date, end: date) -> tuple[date, date]:
    """The span of the same length that ends the day before ``start``.

    A period of whole calendar months (a quarter, a financial year) gets the same number
    of months before it; any other period the same number of days.
    """
    after = end + timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        return add_months(start, -months), start - timedelta(days=1)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def snapshot_dates(start: date, end: date) -> list[pd.Timestamp]:
    """The first day of each calendar quarter inside the period, and the period's last day."""
    days = list(pd.date_range(start, end, freq="QS"))
    last = pd.Timestamp(end)
    if last not in days:
        days.append(last)
    return days


def covers(start: pd.Series, end: pd.Series, day: Any) -> pd.Series:
    """Whether each interval covers ``day``: start <= day and (end empty or end >= day)."""
    return (start <= day) & (end.isna() | (end >= day))


def within(dates: pd.Series, start: date, end: date) -> pd.Series:
    """Whether each date lies in start..end (both included)."""
    return dates.between(pd.Timestamp(start), pd.Timestamp(end))


def pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator x 100, missing where the denominator is 0."""
    return (numerator / denominator.where(denominator != 0) * 100).astype(float)


# --------------------------------------------------------------------------- the cohort


def performance_cohort(tables: Tables, params: Params) -> pd.DataFrame:
    """One row per member of the performance cohort, with what the reoffending tables need.

    Columns: nominal_id, scheme (of the episode covering the cohort date), gender, area,
    age_band (completed years on the cohort date; ``unknown`` without a date of birth),
    before / after (the nominal's offences dated in the baseline / the period).
    """
    day = pd.Timestamp(params.cohort_date)
    cohort = tables["cohort"]
    members = cohort.loc[covers(cohort["start_date"], cohort["end_date"], day),
                         ["nominal_id", "scheme"]].drop_duplicates("nominal_id")
    members["scheme"] = members["scheme"].fillna(UNKNOWN)

    offences = tables["offences"]
    offences = offences[offences["nominal_id"].isin(members["nominal_id"])]
    before = offences[within(offences["offence_date"], params.baseline_from, params.baseline_to)]
    after = offences[within(offences["offence_date"], params.period_from, params.period_to)]
    members = members.merge(
        before.groupby("nominal_id").size().rename("before"), on="nominal_id", how="inner")
    members = members.merge(
        after.groupby("nominal_id").size().rename("after"), on="nominal_id", how="left")
    members["after"] = members["after"].fillna(0).astype(int)

    if params.exclude_custody_beyond is not None and "custody" in tables:
        custody = tables["custody"]
        held = custody[covers(custody["start_date"], custody["end_date"], day)]
        release = held["end_date"].fillna(held["expected_release_date"])
        long_stay = release.isna() | (release > pd.Timestamp(params.exclude_custody_beyond))
        members = members[~members["nominal_id"].isin(held.loc[long_stay, "nominal_id"])]

    people = tables["nominals"].drop_duplicates("nominal_id")
    members = members.merge(people, on="nominal_id", how="left")
    members["gender"] = members["gender"].fillna(UNKNOWN)
    members["area"] = members["area"].fillna(UNKNOWN)
    members["age_band"] = age_bands(members["date_of_birth"], params.cohort_date)
    return members.drop(columns="date_of_birth")


def age_bands(born: pd.Series, on: date) -> pd.Series:
    """``under_18``, ``18_24`` or ``25_plus`` by completed years on ``on``; else ``unknown``.

    A 29 February birthday is reached on 1 March in other years.
    """
    had_birthday = (born.dt.month < on.month) | (
        (born.dt.month == on.month) & (born.dt.day <= on.day))
    age = on.year - born.dt.year - (~had_birthday).astype(int)
    band = np.select([age < 18, age < 25, age >= 25], ["under_18", "18_24", "25_plus"],
                     default=UNKNOWN)
    return pd.Series(band, index=born.index)


# --------------------------------------------------------------------------- reoffending


def reoffending(members: pd.DataFrame, key: str, with_all: bool = False) -> pd.DataFrame:
    """The cohort's offending before and after, one row per value of ``key`` (and ``all``).

    offenders = cohort members in the group; offences_before / offences_after = their
    offences dated in the baseline / the period; change_pct = (after - before) / before
    x 100 (null when before is 0).
    """
    table = members.groupby(key, as_index=False).agg(
        offenders=("nominal_id", "size"),
        offences_before=("before", "sum"),
        offences_after=("after", "sum"),
    )
    if with_all:
        total = pd.DataFrame({
            key: [ALL],
            "offenders": [len(members)],
            "offences_before": [members["before"].sum()],
            "offences_after": [members["after"].sum()],
        })
        table = pd.concat([table, total], ignore_index=True)
    table["change_pct"] = pct(table["offences_after"] - table["offences_before"],
                              table["offences_before"])
    return table


def reoffending_by_flag(members: pd.DataFrame, tables: Tables, day: date) -> pd.DataFrame:
    """Reoffending per flag held on the cohort date; a nominal counts under each flag held."""
    flags = tables["flags"]
    held = flags.loc[covers(flags["start_date"], flags["end_date"], pd.Timestamp(day)),
                     ["nominal_id", "flag"]].drop_duplicates()
    return reoffending(members.merge(held, on="nominal_id"), "flag")


def target_attainment(members: pd.DataFrame, reduction: float) -> pd.DataFrame:
    """Per scheme and ``all``: offenders meeting a reduction target of ``reduction`` percent.

    An offender meets it when their own (after - before) / before <= -reduction / 100;
    met_target_pct = met_target / offenders x 100.
    """
    met = (members["after"] - members["before"]) / members["before"] <= -reduction / 100
    scored = members.assign(met=met)
    table = scored.groupby("scheme", as_index=False).agg(
        offenders=("nominal_id", "size"), met_target=("met", "sum"))
    total = pd.DataFrame({"scheme": [ALL], "offenders": [len(scored)],
                          "met_target": [scored["met"].sum()]})
    table = pd.concat([table, total], ignore_index=True)
    table["met_target_pct"] = pct(table["met_target"], table["offenders"])
    return table


# --------------------------------------------------------------------------- caseload


def caseload_snapshots(tables: Tables, dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """One row per nominal and snapshot date with an episode covering it: nominal_id, date,
    scheme, area, status (``custody`` when a custody period covers the date, else
    ``community``) and statutory (a supervision row covers the date)."""
    cohort = tables["cohort"]
    frames = [
        cohort.loc[covers(cohort["start_date"], cohort["end_date"], day),
                   ["nominal_id", "scheme"]].assign(date=day)
        for day in dates
    ]
    snap = pd.concat(frames, ignore_index=True).drop_duplicates(["nominal_id", "date"])
    snap["scheme"] = snap["scheme"].fillna(UNKNOWN)
    people = tables["nominals"][["nominal_id", "area"]].drop_duplicates("nominal_id")
    snap = snap.merge(people, on="nominal_id", how="left")
    snap["area"] = snap["area"].fillna(UNKNOWN)

    in_custody = mark(snap, covered_on(tables.get("custody"), dates))
    snap["status"] = np.where(in_custody, "custody", "community")
    if "supervision" in tables:
        snap["statutory"] = mark(snap, covered_on(tables["supervision"], dates))
    return snap


def empty_pairs() -> pd.DataFrame:
    """An empty (nominal_id, date) table with the column types the merges expect."""
    return pd.DataFrame({"nominal_id": pd.Series(dtype=object),
                         "date": pd.Series(dtype="datetime64[ns]")})


def covered_on(table: pd.DataFrame | None, dates: Iterable[pd.Timestamp],
               extra: Sequence[str] = ()) -> pd.DataFrame:
    """The distinct (nominal_id, date, *extra) where a row of ``table`` covers the date."""
    columns = ["nominal_id", "date", *extra]
    if table is None:
        return empty_pairs()
    frames = [
        table.loc[covers(table["start_date"], table["end_date"], day),
                  ["nominal_id", *extra]].assign(date=day)
        for day in dates
    ]
    return pd.concat(frames, ignore_index=True)[columns].drop_duplicates()


def mark(snap: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Whether each (nominal_id, date) row of ``snap`` is among the distinct ``pairs``."""
    found = snap[["nominal_id", "date"]].merge(
        pairs[["nominal_id", "date"]].assign(found=True), on=["nominal_id", "date"], how="left")
    return pd.Series(found["found"].notna().to_numpy(), index=snap.index)


def with_all(snap: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``snap`` plus a copy of it with each of ``columns`` set to ``all`` (every combination)."""
    frames = [snap]
    for column in columns:
        frames = frames + [frame.assign(**{column: ALL}) for frame in frames]
    return pd.concat(frames, ignore_index=True)


def caseload(snap: pd.DataFrame, dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """Nominals with an episode covering each snapshot date, per scheme x area (each with
    ``all``), zero-filled over the schemes, areas and dates present."""
    counts = with_all(snap, "scheme", "area").groupby(["scheme", "area", "date"]).size()
    grid = pd.MultiIndex.from_product(
        [[*sorted(snap["scheme"].unique()), ALL], [*sorted(snap["area"].unique()), ALL],
         list(dates)], names=["scheme", "area", "date"])
    return counts.reindex(grid, fill_value=0).rename("count").reset_index()


def caseload_status(snap: pd.DataFrame, dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """The caseload per scheme x date x status, community or custody (report-json.md has no
    ``all`` scheme here, unlike ``caseload``); zero-filled over the schemes present.

    count = nominals of the caseload in that status; statutory = those of them covered by
    a supervision row on the date (null without supervision.csv: it cannot be known).
    """
    grouped = snap.groupby(["scheme", "date", "status"])
    table = grouped.size().rename("count").to_frame()
    if "statutory" in snap:
        table["statutory"] = grouped["statutory"].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(snap["scheme"].unique()), list(dates), ["community", "custody"]],
        names=["scheme", "date", "status"])
    table = table.reindex(grid, fill_value=0).reset_index()
    if "statutory" not in snap:
        table["statutory"] = None
    return table


def statutory_by_provider(snap: pd.DataFrame, tables: Tables,
                          dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """Nominals in the community under a supervision row of each provider, per scheme x date;
    a nominal supervised by two providers counts under each. Zero-filled over the schemes of
    those in the community, the snapshot dates and the providers supervision.csv names."""
    supervision = tables["supervision"]
    providers = covered_on(supervision, dates, extra=["provider"])
    community = snap.loc[snap["status"] == "community", ["nominal_id", "date", "scheme"]]
    counts = (community.merge(providers, on=["nominal_id", "date"])
              .groupby(["scheme", "date", "provider"]).size())
    grid = pd.MultiIndex.from_product(
        [sorted(community["scheme"].unique()), list(dates),
         sorted(supervision["provider"].dropna().unique())],
        names=["scheme", "date", "provider"])
    return counts.reindex(grid, fill_value=0).rename("count").reset_index()


def risk_tiers(snap: pd.DataFrame, tables: Tables, dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """The caseload on each date by the latest risk tier assessed on or before it.

    Two assessments on the same date: the most severe counts (red > amber > green);
    ``unassessed`` when the nominal has none yet. Every tier appears on every date (0 when
    none).
    """
    risk = tables["risk"].dropna(subset=["assessed_on", "tier"])
    risk = risk.assign(severity=risk["tier"].map(TIER_SEVERITY).fillna(0))
    risk = risk.sort_values(["assessed_on", "severity"])
    frames = []
    for day in dates:
        latest = risk[risk["assessed_on"] <= day].drop_duplicates("nominal_id", keep="last")
        on_day = snap.loc[snap["date"] == day, ["nominal_id", "date"]]
        frames.append(on_day.merge(latest[["nominal_id", "tier"]], on="nominal_id", how="left"))
    tiers = pd.concat(frames, ignore_index=True)
    tiers["tier"] = tiers["tier"].fillna(UNASSESSED)
    grid = pd.MultiIndex.from_product([list(dates), [*TIER_SEVERITY, UNASSESSED]],
                                      names=["date", "tier"])
    counts = tiers.groupby(["date", "tier"]).size()
    return counts.reindex(grid.union(counts.index), fill_value=0).rename("count").reset_index()


# --------------------------------------------------------------------------- partnership


def referrals_by_agency(tables: Tables, params: Params) -> pd.DataFrame:
    """Referrals made in the period per referring agency and ``all``.

    referrals = referrals with referred_on in the period; accepted / rejected = those with
    that decision; acceptance_pct = accepted / (accepted + rejected) x 100.
    """
    referrals = tables["referrals"]
    made = referrals[within(referrals["referred_on"], params.period_from, params.period_to)]
    made = made.assign(
        agency=made["referring_agency"].fillna(UNKNOWN),
        accepted=made["decision"] == "accepted",
        rejected=made["decision"] == "rejected",
    )
    table = with_all(made, "agency").groupby("agency", as_index=False).agg(
        referrals=("referral_id", "size"), accepted=("accepted", "sum"),
        rejected=("rejected", "sum"))
    table["acceptance_pct"] = pct(table["accepted"], table["accepted"] + table["rejected"])
    return table


def attendance_by_agency(tables: Tables, params: Params) -> pd.DataFrame:
    """Attendance at meetings held in the period, per agency.

    meetings = distinct meetings with a row for the agency; invited / attended = its rows
    marked so; attendance_pct = attended / invited x 100.
    """
    meetings = tables["meetings"]
    held = meetings.loc[within(meetings["held_on"], params.period_from, params.period_to),
                        "meeting_id"]
    rows = tables["attendance"]
    rows = rows[rows["meeting_id"].isin(held)].assign(agency=lambda f: f["agency"].fillna(UNKNOWN))
    table = rows.groupby("agency", as_index=False).agg(
        meetings=("meeting_id", "nunique"), invited=("invited", "sum"),
        attended=("attended", "sum"))
    table["attendance_pct"] = pct(table["attended"], table["invited"])
    return table


def needs_first_assessment(tables: Tables, params: Params) -> pd.DataFrame:
    """Needs at each nominal's first-ever assessment, when that assessment is dated in the period.

    A nominal's first assessment is their earliest assessed_on in needs.csv; a later
    assessment in the period never counts as a first. Per pathway: assessments = those
    first assessments with a score for it; identified = scores above 0; cumulative_avg =
    sum of scores / assessments; avg_when_scored = sum / identified; identified_pct =
    identified / assessments x 100. All seven pathways appear (0 assessments when none).
    """
    needs = tables["needs"].dropna(subset=["assessed_on", "pathway"])
    first_day = needs.groupby("nominal_id")["assessed_on"].transform("min")
    first = needs[(needs["assessed_on"] == first_day)
                  & within(needs["assessed_on"], params.period_from, params.period_to)]
    first = first.assign(identified=first["score"] > 0)
    table = first.groupby("pathway").agg(
        assessments=("score", "count"), identified=("identified", "sum"),
        total=("score", "sum"))
    table = table.reindex(table.index.union(PATHWAYS), fill_value=0).reset_index()
    table["cumulative_avg"] = (table["total"] / table["assessments"].where(
        table["assessments"] != 0)).astype(float)
    table["avg_when_scored"] = (table["total"] / table["identified"].where(
        table["identified"] != 0)).astype(float)
    table["identified_pct"] = pct(table["identified"], table["assessments"])
    return table.drop(columns="total")


def treatment_completions(tables: Tables, params: Params) -> pd.DataFrame:
    """Structured treatment episodes open at any time in the period, per substance.

    in_treatment = episodes with start <= period end and (end empty or end >= period start);
    successful = of them, outcome ``successful_completion`` with end_date in the period and
    no re-presentation within 183 days of it (re_presented_on empty or more than 183 days
    after end_date); successful_pct = successful / in_treatment x 100.
    """
    episodes = tables["treatment"]
    start, end = pd.Timestamp(params.period_from), pd.Timestamp(params.period_to)
    open_ = episodes[(episodes["start_date"] <= end)
                     & (episodes["end_date"].isna() | (episodes["end_date"] >= start))]
    gap = (open_["re_presented_on"] - open_["end_date"]).dt.days
    successful = ((open_["outcome"] == "successful_completion")
                  & within(open_["end_date"], params.period_from, params.period_to)
                  & (open_["re_presented_on"].isna() | (gap > RE_PRESENTATION_DAYS)))
    open_ = open_.assign(substance=open_["substance"].fillna(UNKNOWN), successful=successful)
    table = open_.groupby("substance", as_index=False).agg(
        in_treatment=("episode_id", "size"), successful=("successful", "sum"))
    table["successful_pct"] = pct(table["successful"], table["in_treatment"])
    return table


# --------------------------------------------------------------------------- the report


def build_tables(tables: Tables, params: Params) -> dict[str, pd.DataFrame]:
    """Every table the package's files allow, keyed by its report-json name (a section
    whose tables are absent is left out, as the report leaves it out)."""
    out: dict[str, pd.DataFrame] = {}
    if "offences" in tables:
        members = performance_cohort(tables, params)
        out["reoffending_by_scheme"] = reoffending(members, "scheme", with_all=True)
        out["reoffending_by_age"] = reoffending(members, "age_band")
        out["reoffending_by_gender"] = reoffending(members, "gender")
        out["reoffending_by_area"] = reoffending(members, "area")
        if "flags" in tables:
            out["reoffending_by_flag"] = reoffending_by_flag(members, tables,
                                                             params.cohort_date)
        if params.target_reduction is not None:
            out["target_attainment"] = target_attainment(members, params.target_reduction)

    dates = snapshot_dates(params.period_from, params.period_to)
    snap = caseload_snapshots(tables, dates)
    out["caseload"] = caseload(snap, dates)
    out["caseload_status"] = caseload_status(snap, dates)
    if "supervision" in tables:
        out["statutory_by_provider"] = statutory_by_provider(snap, tables, dates)
    if "risk" in tables:
        out["risk_tiers"] = risk_tiers(snap, tables, dates)

    if "referrals" in tables:
        out["referrals_by_agency"] = referrals_by_agency(tables, params)
    if "meetings" in tables and "attendance" in tables:
        out["attendance_by_agency"] = attendance_by_agency(tables, params)
    if "needs" in tables:
        out["needs_first_assessment"] = needs_first_assessment(tables, params)
    if "treatment" in tables:
        out["treatment_completions"] = treatment_completions(tables, params)
    return out


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready rows: Python ints and floats, ISO dates, None for missing."""
    rows = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for column, value in row.items():
            if isinstance(value, pd.Timestamp):
                clean[column] = value.date().isoformat()
            elif isinstance(value, np.bool_ | bool):
                clean[column] = bool(value)
            elif isinstance(value, np.integer):
                clean[column] = int(value)
            elif isinstance(value, float | np.floating):
                clean[column] = None if math.isnan(value) else float(value)
            elif value is None or value is pd.NaT or value is pd.NA:
                clean[column] = None
            else:
                clean[column] = value
        rows.append(clean)
    return rows


def report(folder: Path, params: Params) -> dict[str, Any]:
    """The report of a package folder as a JSON-ready dict."""
    tables = build_tables(read_package(folder), params)
    return {
        "report": "iom-performance",
        "period": {"from": params.period_from.isoformat(), "to": params.period_to.isoformat()},
        "baseline": {"from": params.baseline_from.isoformat(),
                     "to": params.baseline_to.isoformat()},
        "cohort_date": params.cohort_date.isoformat(),
        "tables": {name: to_records(frame) for name, frame in tables.items()},
    }


def parse_args(argv: Sequence[str] | None = None) -> tuple[Path, Params, Path]:
    """The command line: package folder, the report's dates and options, output file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package", type=Path, help="a data package folder of CSV files")
    parser.add_argument("--from", dest="period_from", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="period_to", type=date.fromisoformat, required=True)
    parser.add_argument("--baseline-from", type=date.fromisoformat)
    parser.add_argument("--baseline-to", type=date.fromisoformat)
    parser.add_argument("--cohort-date", type=date.fromisoformat)
    parser.add_argument("--target-reduction", type=float, metavar="PCT")
    parser.add_argument("--exclude-custody-beyond", type=date.fromisoformat, metavar="DATE")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.period_to < args.period_from:
        parser.error("--to is before --from")
    if not args.package.is_dir():
        parser.error(f"{args.package} is not a folder")
    default_from, default_to = default_baseline(args.period_from, args.period_to)
    params = Params(
        period_from=args.period_from,
        period_to=args.period_to,
        baseline_from=args.baseline_from or default_from,
        baseline_to=args.baseline_to or default_to,
        cohort_date=args.cohort_date or args.period_from,
        target_reduction=args.target_reduction,
        exclude_custody_beyond=args.exclude_custody_beyond,
    )
    return args.package, params, args.output


def main(argv: Sequence[str] | None = None) -> int:
    """Run the report and write its JSON."""
    folder, params, output = parse_args(argv)
    result = report(folder, params)
    output.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
