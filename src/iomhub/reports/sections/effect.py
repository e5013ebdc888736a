"""What the figures can and cannot claim: the effect estimates by method (naive, at liberty,
against a matched comparison group), offending at liberty, and how alike the comparison group is."""

from __future__ import annotations

from iomhub.metrics.effect import EARLIER, JOINING_MONTH
from iomhub.reports.formatting import CANNOT_COMPUTE, format_int, humanise
from iomhub.reports.sections.common import Context, interval, label_column, text
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Column, Group, Row, Section, Table

METHODS = {"naive": "Before and after (naive)", "time_at_risk": "Before and after, at liberty",
           "matched_did": "Against a matched comparison group"}
BALANCE_LABELS = {
    "prior": "Offences in the 24 months before the joining month",
    "recent": "Offences in the 6 months before the joining month",
    "months_since_last": "Months since the last offence",
    "age": "Age (years)",
    "female": "Share female",
    "offences_before": "Offences in the window before",
    "risk_days_before": "Days at liberty in the window before",
    JOINING_MONTH: "Offences in the weeks just before joining (the joining month, not matched on)",
    EARLIER: "Offences two to four years before joining (as far as the data reach; not matched on)",
    **{f"q{lag}": f"Offences {3 * (lag - 1)}\u2013{3 * lag} months before joining" for lag in range(1, 9)},
}


def section(ctx: Context) -> Section | None:
    if not ctx.has("effect_estimate"):
        return None
    months = int(ctx.report.settings.get("effect_window_months") or 12)
    windows = {row["status"]: row["people"] for row in ctx.rows("join_windows")}
    out = Section("effect", SECTION_TITLES["effect"], paragraphs=[
        "A cohort chosen because its members offended a lot recently offends less the next year even if nothing "
        "is done (regression to the mean), and people in prison cannot offend. This section compares each "
        f"person's {months} months after joining IOM with the {months} months before, at liberty, and against "
        "similar people who were not on IOM: the matched comparison is the figure that allows for both.",
        f"{format_int(windows.get('eligible', 0))} people joined IOM with both windows inside the data; "
        f"{format_int(windows.get('too_early', 0))} joined too early and {format_int(windows.get('too_recent', 0))} "
        "too recently to be included."])
    out.tables += [estimates(ctx), at_liberty(ctx, months), balance(ctx)]
    return out


def estimates(ctx: Context) -> Table:
    rows = [Row([text(METHODS.get(row["method"], humanise(row["method"]))), Cell(row["offenders"], "count"),
                 Cell(row["comparison_offenders"], "count", "no comparison group in this method"),
                 Cell(row["estimate_pct"], "change", f"{CANNOT_COMPUTE}: too few people or offences"),
                 interval(row["ci_low_pct"], row["ci_high_pct"], reason=f"{CANNOT_COMPUTE}: too few offences",
                          people=row["offenders"]),
                 text(row["verdict"])]) for row in ctx.rows("effect_estimate")]
    return Table("effect_estimate", ctx.title("effect_estimate"), "Change in offending attributed to IOM, by method", [
        label_column("Method"), Column("People"), Column("Comparison people"), Column("Estimate"),
        Column("95% interval"), label_column("What it means")], [Group(rows)], footnotes=[(
            "effect-note", "Matched comparison: each member is matched with up to five people not yet on IOM of the "
            "same gender, recent offending, recency band and custody status, and the nearest prior offending, age, "
            "recency and area; the estimate is the difference in the change of their offending rates at liberty "
            "(difference in differences).")])


def at_liberty(ctx: Context, months: int) -> Table:
    groups = []
    for basis, title in (("fixed_period", "Performance cohort, baseline against period"),
                         ("join_anchored", f"{months} months before and after joining")):
        rows = [Row([text(ctx.label("scheme", row["scheme"])), Cell(row["offenders"], "count"),
                     Cell(row["change_pct"], "change"), Cell(row["rate_before"], "decimal"),
                     Cell(row["rate_after"], "decimal"), Cell(row["rate_change_pct"], "change"),
                     interval(row["rate_change_pct_ci_low"], row["rate_change_pct_ci_high"],
                              reason=f"{CANNOT_COMPUTE}: no offences or no days at liberty before",
                              people=row["offenders"])],
                    total=row["scheme"] == "all") for row in ctx.rows("time_at_risk") if row["basis"] == basis]
        if rows:
            groups.append(Group(rows, title))
    return Table("time_at_risk", ctx.title("time_at_risk"), "Offences per 365 days at liberty", [
        label_column("Scheme"), Column("Offenders"), Column("Change in offences"), Column("Rate before"),
        Column("Rate after"), Column("Change in rate"), Column("95% interval")], groups,
        footnotes=[("risk-note", "Rate: offences per 365 days at liberty (days in the window minus days in "
                                 "custody), everyone pooled.")], group_heading="Comparison")


def balance(ctx: Context) -> Table:
    rows = [Row([text(BALANCE_LABELS.get(row["variable"], humanise(row["variable"]))),
                 Cell(row["members_mean"], "decimal"),
                 Cell(row["pool_mean"], "decimal", "not measured before matching"),
                 Cell(row["comparison_mean_after"], "decimal"),
                 Cell(row["smd_before"], "decimal", "not measured"), Cell(row["smd_after"], "decimal")])
            for row in ctx.rows("matching_balance")]
    return Table("matching_balance", ctx.title("matching_balance"), "How alike the comparison group is (balance)", [
        label_column("Variable"), Column("IOM members"), Column("Others who offended, before matching"),
        Column("Matched comparison"), Column("Standardised difference before"), Column("after")], [Group(rows)],
        footnotes=[("balance-note", "Standardised difference: difference of means \u00f7 the square root of the "
                                    "mean of the two variances; under 0.1 is good.")])
