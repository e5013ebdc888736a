"""The report's opening, in every format: what IOM changed by the matched comparison (the
estimate, its 95% interval and whether it can be relied on, and why not), then the familiar
before-and-after figure, labelled as not the effect of IOM (issue 19; docs/effect-estimates.md).

A board quotes the first figure it reads, so the first figure is the one that allows for
regression to the mean and for time in custody. When that figure cannot be computed, or fails
its checks, the opening says so in plain words, with the reasons the checks give.
"""

from __future__ import annotations

from typing import Any

from iomhub.reports.formatting import CANNOT_COMPUTE, change_words, decimal_text, format_int, is_withheld, long_date
from iomhub.reports.sections.common import Context, interval, label_column, text
from iomhub.reports.sections.reoffending import NO_BASELINE
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Column, Group, Row, Section, Table

BEFORE_AFTER = "Before and after: not the effect of IOM"
MATCHED = "Against similar people not on IOM (matched comparison)"
DO_NOT_RELY = "Do not rely on this figure: "
UNCHECKED = {
    "placebo_pre_trend": "the test on the two years before joining (the data do not reach back far enough)",
    "weeks_before_joining": "the test on the weeks just before joining (too few offences in them, or members "
                            "joined on the first of a month)",
    "balance_lagged": "the comparison of offending over the two years before joining",
}


def matched(ctx: Context) -> dict[str, Any] | None:
    """The matched comparison's row of the effect estimates (None: the report has none)."""
    return ctx.report.row("effect_estimate", method="matched_did")


def _why_not(ctx: Context, row: dict[str, Any] | None) -> str:
    """Why the matched estimate could not be computed, in words."""
    if row is None:
        return "the data hold no offences to compare"
    eligible = {entry["status"]: entry["people"] for entry in ctx.rows("join_windows")}.get("eligible", 0)
    if not eligible:
        return ("nobody joined IOM early enough, and long enough before the data end, to have a full year of "
                "records before and after joining")
    if not row["offenders"]:
        return "no IOM member could be paired with a similar person not on IOM"
    return "the IOM members and the similar people they were paired with had too few offences to compare"


def _reliability(row: dict[str, Any]) -> str:
    """Whether the matched estimate can be relied on, and why not, from its checks."""
    checks = row.get("checks") or []
    if row["reliable"]:
        unchecked = [UNCHECKED.get(check["check"], check["check"].replace("_", " ")) for check in checks
                     if check["passed"] is None]
        out = "Reliable: yes. The comparison group passed its checks of how alike it was to IOM members."
        if unchecked:
            out += " Not run: " + "; ".join(unchecked) + "."
        return out
    if is_withheld(row["verdict"]):
        return "Reliable: no (the reasons are withheld from this published version: they quote small numbers)."
    reasons = str(row["verdict"]).removeprefix(DO_NOT_RELY)
    return f"Reliable: no. {reasons[:1].upper()}{reasons[1:]}"


def lead_paragraphs(ctx: Context) -> list[str]:
    """The matched estimate, its interval and whether it is reliable, in one or two paragraphs."""
    row = matched(ctx)
    if row is None or row["estimate_pct"] is None:
        return [f"The effect of IOM cannot be estimated from these data: {_why_not(ctx, row)}. Reliable: no. "
                "The before-and-after figure below is not a substitute: it does not say what IOM changed."]
    estimate, low, high = row["estimate_pct"], row["ci_low_pct"], row["ci_high_pct"]
    if is_withheld(estimate):
        return ["The effect of IOM, by the matched comparison, is withheld from this published version: it rests "
                "on too few people."]
    said = (f"The effect of IOM: in the year after joining, IOM members offended {change_words(estimate)} per day "
            "out of custody than similar people not on IOM")
    if low is None or high is None:
        return [f"{said}, but only {format_int(row['offenders'])} members could be compared: too few for a 95% "
                "interval. Reliable: no."]
    said += f" (95% interval: {change_words(low)} to {change_words(high)})."
    if low <= 0 <= high:
        said += " The interval includes no change, so no clear effect can be claimed."
    out = [f"{said} {_reliability(row)}"]
    strength = row.get("e_value_ci")
    if row["reliable"] and strength is not None and not is_withheld(strength) and not low <= 0 <= high:
        out.append(f"To explain this effect away, something the data do not show would have to make people both "
                   f"more likely to join IOM and to offend by a factor of {strength:.1f} each.")
    return out


def before_after(ctx: Context) -> str | None:
    """The performance cohort's change in offences, labelled as not the effect of IOM."""
    row = ctx.report.row("reoffending_by_scheme", scheme="all")
    if row is None or row["change_pct"] is None or is_withheld(row["change_pct"]):
        return None
    change = row["change_pct"]
    moved = ("did not change" if change_words(change) == "no change"
             else f"{'fell' if change < 0 else 'rose'} by {decimal_text(abs(change), 1)}%")
    baseline, period = ctx.labels.phrase(ctx.params.baseline_span), ctx.labels.phrase(ctx.params.period)
    who = "person" if row["offenders"] == 1 else "people"
    return (f"{BEFORE_AFTER}. Reoffending in the performance cohort (the {format_int(row['offenders'])} {who} in "
            f"a scheme on {long_date(ctx.params.cohort_day)} who offended {baseline}) {moved}: "
            f"{format_int(row['offences_before'])} offences {baseline}, "
            f"{format_int(row['offences_after'])} {period}. People are chosen for IOM when their "
            "offending is high, and high offending eases even with no help (regression to the mean); time in "
            "prison stops it too. So this change is not what IOM achieved: the matched comparison allows for both.")


def headline(ctx: Context) -> Table | None:
    """The two figures side by side: the matched estimate, then the before-and-after change."""
    rows = []
    row = matched(ctx)
    if row is not None:
        rows.append(Row([text(MATCHED), Cell(row["offenders"], "count"),
                         Cell(row["estimate_pct"], "change", f"{CANNOT_COMPUTE}: too few people or offences"),
                         interval(row["ci_low_pct"], row["ci_high_pct"], reason=f"{CANNOT_COMPUTE}: too few offences",
                                  people=row["offenders"]),
                         text("Yes" if row["reliable"] and row["estimate_pct"] is not None else "No")]))
    overall = ctx.report.row("reoffending_by_scheme", scheme="all")
    if overall is not None:
        rows.append(Row([text(BEFORE_AFTER), Cell(overall["offenders"], "count"),
                         Cell(overall["change_pct"], "change", NO_BASELINE),
                         interval(overall.get("change_pct_ci_low"), overall.get("change_pct_ci_high"),
                                  reason=NO_BASELINE, people=overall["offenders"]),
                         text("No: people join when their offending is high, and it eases anyway")]))
    if not rows:
        return None
    return Table("headline", "Headline", "What IOM changed, and the before-and-after figure", [
        label_column("Figure"), Column("People"), Column("Change in offending"), Column("95% interval"),
        label_column("Reliable as the effect of IOM")], [Group(rows)], footnotes=[(
            "headline-note", "Matched comparison: offences per day out of custody in the year after joining, "
            "against the same of similar people not on IOM over the same days (What the figures can and cannot "
            "claim, below). Before and after: the performance cohort's offences in the period against the "
            "baseline.")])


def section(ctx: Context) -> Section:
    """The opening section (always shown: when nothing can be estimated it says so)."""
    out = Section("overview", SECTION_TITLES["overview"], paragraphs=lead_paragraphs(ctx))
    said = before_after(ctx)
    if said:
        out.paragraphs.append(said)
    table = headline(ctx)
    if table is not None:
        out.tables.append(table)
    return out
