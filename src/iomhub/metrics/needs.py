"""Criminogenic needs across the seven pathways out of offending, at the first assessment.

Definition (``shared/spec/report-json.md``): each nominal's first assessment (the rows of
one nominal on one date form one assessment), counted when it is dated in the period; a
later assessment never counts as the first, even when the first was before the period.
This is the "Entry into IOM / First Assessment" table of seed 003. Per pathway:
assessments = first assessments with a score for the pathway; identified = scores above 0;
cumulative_avg = sum of scores / assessments (the "whole group" average);
avg_when_scored = sum / identified; identified_pct = identified / assessments x 100.
"""

from __future__ import annotations

import narwhals as nw

from iomhub.domain.codes import PATHWAYS
from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, literal_rows, pct, within


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
