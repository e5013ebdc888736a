"""Criminogenic needs across the seven pathways out of offending, at the first assessment.

Definition (``docs/spec/report-json.md``): each nominal's first assessment (the rows of
one nominal on one date form one assessment), counted when it is dated in the period; a
later assessment never counts as the first, even when the first was before the period.
This is the "Entry into IOM / First Assessment" table of seed 003. Per pathway:
assessments = first assessments with a score for the pathway; identified = scores above 0;
cumulative_avg = sum of scores / assessments (the "whole group" average);
avg_when_scored = sum / identified; identified_pct = identified / assessments x 100.
"""

from __future__ import annotations

from collections.abc import Callable

import narwhals as nw

from iomhub.domain.codes import PATHWAYS
from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, day_number, literal_rows, pct, within

# Follow-up points (months after the first assessment) and their target day: k months is
# round(k x 365.25 / 12) days, so 3, 6, 9 and 12 months are days 91, 183, 274 and 365.
FOLLOW_UP_MONTHS = (3, 6, 9, 12)
FOLLOW_UP_DAYS = {months: round(months * 365.25 / 12) for months in FOLLOW_UP_MONTHS}
WINDOW_DAYS = 45


def first_assessments(needs: Frame, period: Span) -> Frame:
    """The rows of each nominal's first assessment, when that assessment is dated in the period."""
    first = (needs.group_by("nominal_id").agg(nw.col("assessed_on").min())
             .filter(within("assessed_on", period.start, period.end)))
    return needs.join(first, on=["nominal_id", "assessed_on"], how="inner")


def needs_first_assessment(needs: Frame, period: Span) -> Frame:
    """Per pathway: assessments, identified, cumulative_avg, avg_when_scored, identified_pct."""
    scored = first_assessments(needs, period).filter(~nw.col("score").is_null())
    counts = (scored.group_by("pathway")
              .agg(nw.len().alias("assessments"),
                   count_true(nw.col("score") > 0).alias("identified"),
                   nw.col("score").sum().alias("score_sum"))
              .with_columns(*as_int("assessments", "identified")))
    keys = literal_rows(needs, "pathway", list(PATHWAYS))
    rows = keys.join(counts, on="pathway", how="left").with_columns(
        nw.col("assessments").fill_null(0).cast(nw.Int64),
        nw.col("identified").fill_null(0).cast(nw.Int64),
        nw.col("score_sum").fill_null(0.0).cast(nw.Float64))
    return (rows.with_columns(
        nw.when(nw.col("assessments") != 0).then(nw.col("score_sum") / nw.col("assessments"))
        .alias("cumulative_avg"),
        nw.when(nw.col("identified") != 0).then(nw.col("score_sum") / nw.col("identified"))
        .alias("avg_when_scored"),
        pct("identified", "assessments").alias("identified_pct"))
        .select("pathway", "assessments", "identified", "cumulative_avg", "avg_when_scored",
                "identified_pct"))


def needs_progress(needs: Frame, period: Span, materialise: Callable[[Frame], Frame] = lambda frame: frame) -> Frame:
    """Average score per pathway at the first assessment and about 3, 6, 9 and 12 months later.

    Definition (iomhub's, for the "needs by pathway at 0/3/6/9/12 months" chart of issue 4):
    everyone whose first-ever assessment (the rows of one nominal on one date) is dated on or
    before the period's last day. For each follow-up point k (3, 6, 9, 12 months), the
    person's assessment nearest to day ``FOLLOW_UP_DAYS[k]`` after the first (91, 183, 274,
    365), within ``WINDOW_DAYS`` (45) days either side and dated on or before the period's
    last day; of two equally near, the earlier. The windows do not overlap (46-136, 138-228,
    229-319, 320-410 days), so one assessment serves one point at most.

    One row per pathway x months (0 too: everyone's first assessment). For months 0: people =
    first assessments with a score for the pathway, avg_first = avg_then = their average. For
    k > 0, only people with a score for the pathway both at the first assessment and at the
    k-month one: people, avg_first (their average at the first), avg_then (at k months) and
    change = avg_then - avg_first (negative: needs fell). Averages are null when nobody counts.
    """
    dated = needs.filter(nw.col("assessed_on") <= nw.lit(period.end))
    # Assessments (one per nominal and date) are far fewer than rows (one per pathway): the
    # first and the follow-ups are found among them, and the rows joined to them once.
    visits = materialise(dated.select("nominal_id", "assessed_on").unique())
    first = (visits.group_by("nominal_id").agg(nw.col("assessed_on").min().alias("first_on"))
             .with_columns(day_number(nw.col("first_on")).alias("first_day")))
    visits = materialise(visits.join(first, on="nominal_id", how="inner")
                         .with_columns((day_number(nw.col("assessed_on")) - nw.col("first_day")).alias("days_after")))
    # The four follow-up points at once: each visit against each point's target day.
    target: nw.Expr = nw.lit(0)
    for months, day in FOLLOW_UP_DAYS.items():
        target = nw.when(nw.col("months") == months).then(nw.lit(day)).otherwise(target)
    points = literal_rows(needs, "months", list(FOLLOW_UP_MONTHS)).with_columns(nw.col("months").cast(nw.Int64))
    distance = (nw.col("days_after") - target).abs()
    candidates = materialise(visits.filter(nw.col("days_after") > 0).join(points, how="cross")
                             .with_columns(distance.alias("distance"))
                             .filter(nw.col("distance") <= WINDOW_DAYS))
    nearest = (candidates.group_by("nominal_id", "months").agg(nw.col("distance").min().alias("nearest"))
               .join(candidates, on=["nominal_id", "months"], how="inner")
               .filter(nw.col("distance") == nw.col("nearest"))
               .group_by("nominal_id", "months").agg(nw.col("assessed_on").min()))
    # The first assessment is point 0; the windows do not overlap and begin after day 0, so an
    # assessment is the first or nearest to one point at most.
    chosen = nw.concat([visits.filter(nw.col("days_after") == 0)
                        .select("nominal_id", "assessed_on", nw.lit(0).cast(nw.Int64).alias("months")),
                        nearest.select("nominal_id", "assessed_on", "months")], how="vertical")
    scores = materialise(dated.filter(~nw.col("score").is_null())
                         .join(chosen, on=["nominal_id", "assessed_on"], how="inner")
                         .select("nominal_id", "pathway", "months", "score"))
    first_scores = (scores.filter(nw.col("months") == 0)
                    .select("nominal_id", "pathway", nw.col("score").alias("score_first")))
    then = (scores.filter(nw.col("months") > 0)
            .select("nominal_id", "pathway", "months", nw.col("score").alias("score_then")))
    parts: list[Frame] = [first_scores.with_columns(nw.lit(0).cast(nw.Int64).alias("months"),
                                                    nw.col("score_first").alias("score_then")),
                          first_scores.join(then, on=["nominal_id", "pathway"], how="inner")]
    columns = ["nominal_id", "pathway", "months", "score_first", "score_then"]
    pairs = nw.concat([part.select(columns) for part in parts], how="vertical")
    averages = (pairs.group_by("pathway", "months")
                .agg(nw.len().alias("people"), nw.col("score_first").mean().alias("avg_first"),
                     nw.col("score_then").mean().alias("avg_then"))
                .with_columns(*as_int("people")))
    pathways = literal_rows(needs, "pathway", list(PATHWAYS))
    points = literal_rows(needs, "months", [0, *FOLLOW_UP_MONTHS]).with_columns(nw.col("months").cast(nw.Int64))
    return (pathways.join(points, how="cross")
            .join(averages, on=["pathway", "months"], how="left")
            .with_columns(nw.col("people").fill_null(0).cast(nw.Int64))
            .with_columns((nw.col("avg_then") - nw.col("avg_first")).alias("change"))
            .select("pathway", "months", "people", "avg_first", "avg_then", "change"))
