"""Structured drug and alcohol treatment: successful completions.

Definition (``docs/spec/report-json.md``, after the national "successful completions
and non re-presentations" measure quoted in seed 000): episodes open at any time in the
period; successful = outcome ``successful_completion`` with end_date in the period and no
re-presentation within 6 months (183 days) of it, so a re-presentation on day 183 after
the end makes the completion unsuccessful and one on day 184 does not;
successful_pct = successful / in_treatment x 100.
"""

from __future__ import annotations

import narwhals as nw

from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, known, pct, within

RE_PRESENTATION_DAYS = 183


def treatment_completions(treatment: Frame, period: Span) -> Frame:
    """in_treatment, successful and successful_pct per substance."""
    open_in_period = (nw.col("start_date") <= nw.lit(period.end)) & (
        nw.col("end_date").is_null() | (nw.col("end_date") >= nw.lit(period.start)))
    window_end = nw.col("end_date").dt.offset_by(f"{RE_PRESENTATION_DAYS}d")
    successful = ((nw.col("outcome") == "successful_completion").fill_null(False)
                  & within("end_date", period.start, period.end).fill_null(False)
                  & (nw.col("re_presented_on").is_null()
                     | (nw.col("re_presented_on") > window_end)).fill_null(False))
    return (treatment.filter(open_in_period)
            .with_columns(known("substance").alias("substance"), successful.alias("successful"))
            .group_by("substance")
            .agg(nw.len().alias("in_treatment"), count_true(nw.col("successful")).alias("successful"))
            .with_columns(*as_int("in_treatment", "successful"))
            .with_columns(pct("successful", "in_treatment").alias("successful_pct"))
            .select("substance", "in_treatment", "successful", "successful_pct"))
