"""Agency engagement: attendance at multi-agency meetings.

Definition (``docs/spec/report-json.md``): meetings held in the period; per agency,
meetings = distinct meetings with a row for the agency, invited / attended = rows marked so,
attendance_pct = attended / invited x 100. Seed 002: "Attendance at offender management
meetings and the breadth of agencies represented are taken as a measure of agency engagement".
"""

from __future__ import annotations

import narwhals as nw

from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, pct, within


def attendance_by_agency(meetings: Frame, attendance: Frame, period: Span) -> Frame:
    """meetings, invited, attended and attendance_pct per agency."""
    held = meetings.filter(within("held_on", period.start, period.end)).select("meeting_id")
    rows = attendance.join(held, on="meeting_id", how="inner")
    return (rows.group_by("agency")
            .agg(nw.col("meeting_id").n_unique().alias("meetings"),
                 count_true(nw.col("invited")).alias("invited"),
                 count_true(nw.col("attended")).alias("attended"))
            .with_columns(*as_int("meetings", "invited", "attended"))
            .with_columns(pct("attended", "invited").alias("attendance_pct"))
            .select("agency", "meetings", "invited", "attended", "attendance_pct"))
