"""Referrals to the single referral meeting, by referring agency.

Definition (``docs/spec/report-json.md``): referrals with referred_on in the period;
acceptance_pct = accepted / (accepted + rejected) x 100 (pending and withdrawn referrals
are counted as referrals but not in the acceptance rate). Seed 002: "Both agencies have
achieved over 90% success in having referrals accepted".
"""

from __future__ import annotations

import narwhals as nw

from iomhub.domain.codes import ALL
from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, pct, within


def referrals_by_agency(referrals: Frame, period: Span) -> Frame:
    """referrals, accepted, rejected and acceptance_pct per referring agency, plus ``all``."""
    rows = (referrals.filter(within("referred_on", period.start, period.end))
            .with_columns(nw.col("referring_agency").alias("agency")))

    def tally(frame: Frame) -> Frame:
        return (frame.group_by("agency")
                .agg(nw.len().alias("referrals"),
                     count_true(nw.col("decision") == "accepted").alias("accepted"),
                     count_true(nw.col("decision") == "rejected").alias("rejected"))
                .with_columns(*as_int("referrals", "accepted", "rejected"))
                .with_columns((nw.col("accepted") + nw.col("rejected")).alias("decided"))
                .with_columns(pct("accepted", "decided").alias("acceptance_pct"))
                .select("agency", "referrals", "accepted", "rejected", "acceptance_pct"))

    return nw.concat([tally(rows), tally(rows.with_columns(nw.lit(ALL).alias("agency")))],
                     how="vertical")
