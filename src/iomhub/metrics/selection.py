"""Choosing the cohort: everyone in the offence data ranked by recency, frequency and gravity.

The score follows the recency–frequency–gravity (RFG) matrices that police forces use to pick
IOM cohorts: how recently a person last offended, how often they offended in a look-back
window, and how much harm those offences did. Each component is scaled to 0–100 points so that
they can be added:

- **window**: offences dated from the day after the as-at date minus ``look_back_months``
  months, up to and including the as-at date (24 months to 31/03/2016: 01/04/2014–31/03/2016;
  ``window_days`` = 731). Offences dated after the as-at date are ignored.
- **recency points** = 100 x (window_days - days since the last offence) / window_days: an
  offence on the as-at date gives 100, one on the window's first day 100/731 = 0.14.
- **frequency points** = 100 x offences in the window / the most offences of anyone ranked.
- **gravity points** = 100 x harm / the largest harm of anyone ranked, where harm is the sum of
  the gravity weights (CCHI days, :mod:`iomhub.domain.harm`) of the person's offences in the
  window (an offence without a category weighs as ``other``); 0 when nobody has any harm.
- **score** = (w_r x recency + w_f x frequency + w_g x gravity) / (w_r + w_f + w_g), with the
  weights of :class:`~iomhub.domain.selection.SelectionSettings` (equal by default), so 0–100.
- **rank**: by score, highest first; equal scores (after rounding to 6 decimals) are ranked by
  nominal_id, so the order never depends on the backend or the order of rows.

Frequency and gravity are scaled to the most prolific and most harmful person *among those
ranked*, so a score compares people within one run, not between runs.

Ranked are the people with at least one offence in the window, except those left out:
**current cohort members** (a cohort episode covers the as-at date) and **people in long
custody** (a custody period covers the as-at date and its end, or while open its expected
release, is more than ``long_custody_days`` after the as-at date, or unknown: the rule of
:func:`iomhub.metrics.reoffending.custody_excluded`). ``left_out`` counts them among people
with an offence in the window (someone who is both counts once, as a cohort member).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import narwhals as nw

from iomhub.domain.dates import Span, add_months, epoch_day
from iomhub.domain.selection import SelectionSettings
from iomhub.metrics.common import Frame, day_number, known, within
from iomhub.metrics.reoffending import custody_excluded, in_scheme_on

DECIMALS = 6
COHORT, LONG_CUSTODY = "cohort", "long_custody"
RANKED_COLUMNS = ["rank", "nominal_id", "area", "score", "recency_points", "frequency_points", "gravity_points",
                  "offences", "last_offence_date", "days_since_last_offence", "harm"]


@dataclass(frozen=True)
class Selection:
    """The ranked people, their offences by category, and how many were left out and why.

    - ``ranked``: :data:`RANKED_COLUMNS`, one row per person, rank 1 first;
    - ``by_category``: nominal_id, category, offences, harm (the window's offences of each
      ranked person per category; ``unknown`` for offences without one);
    - ``left_out``: reason (``cohort`` or ``long_custody``), people; a reason nobody had is absent.
    """

    window: Span
    ranked: Frame
    by_category: Frame
    left_out: Frame


def look_back(as_at: date, months: int) -> Span:
    """The window: the day after ``as_at`` minus ``months`` months, to ``as_at``."""
    return Span(add_months(as_at, -months) + timedelta(days=1), as_at)


def gravity_of(settings: SelectionSettings) -> nw.Expr:
    """The gravity weight of each offence's category (``other``'s when it has none)."""
    other = settings.gravity["other"]
    return (nw.col("category").replace_strict(dict(settings.gravity), default=other, return_dtype=nw.Float64)
            .fill_null(other))


def select_candidates(offences: Frame, cohort: Frame, custody: Frame | None, nominals: Frame, *,
                      as_at: date, settings: SelectionSettings) -> Selection:
    """Everyone with an offence in the look-back window, ranked (see the module's definitions)."""
    window = look_back(as_at, settings.look_back_months)
    recent = (offences.filter(within("offence_date", window.start, window.end))
              .with_columns(gravity_of(settings).alias("harm"), known("category").alias("category")))
    people = (recent.group_by("nominal_id")
              .agg(nw.len().alias("offences"), nw.col("offence_date").max().alias("last_offence_date"),
                   nw.col("harm").sum()))

    members = in_scheme_on(cohort, as_at).select("nominal_id")
    in_cohort = people.join(members, on="nominal_id", how="semi")
    eligible = people.join(members, on="nominal_id", how="anti")
    # (a literal alone would be one row whatever the frame's length: keep a column beside it)
    reasons = [in_cohort.select("nominal_id", nw.lit(COHORT).alias("reason"))]
    if custody is not None:
        held = custody_excluded(custody, as_at, as_at + timedelta(days=settings.long_custody_days))
        reasons.append(eligible.join(held, on="nominal_id", how="semi")
                       .select("nominal_id", nw.lit(LONG_CUSTODY).alias("reason")))
        eligible = eligible.join(held, on="nominal_id", how="anti")
    left_out = (nw.concat(reasons, how="vertical").group_by("reason").agg(nw.len().alias("people"))
                .with_columns(nw.col("people").cast(nw.Int64)))

    ranked = _ranked(eligible, nominals, as_at, window, settings)
    by_category = (recent.join(eligible.select("nominal_id"), on="nominal_id", how="semi")
                   .group_by("nominal_id", "category")
                   .agg(nw.len().alias("offences"), nw.col("harm").sum())
                   .with_columns(nw.col("offences").cast(nw.Int64), nw.col("harm").round(DECIMALS)))
    return Selection(window, ranked, by_category, left_out)


def _ranked(eligible: Frame, nominals: Frame, as_at: date, window: Span, settings: SelectionSettings) -> Frame:
    maxima = eligible.select(nw.col("offences").max().alias("most_offences"), nw.col("harm").max().alias("most_harm"))
    days_since = nw.lit(epoch_day(as_at)) - day_number(nw.col("last_offence_date"))
    weights = {component: settings.weight(component) for component in ("recency", "frequency", "gravity")}
    total = sum(weights.values())
    points = {
        "recency": nw.lit(100.0) * (nw.lit(window.days) - nw.col("days_since_last_offence")) / nw.lit(window.days),
        "frequency": nw.lit(100.0) * nw.col("offences") / nw.col("most_offences"),
        "gravity": nw.when(nw.col("most_harm") > 0).then(nw.lit(100.0) * nw.col("harm") / nw.col("most_harm"))
                     .otherwise(nw.lit(0.0)),
    }
    weighted: nw.Expr = nw.lit(0.0)
    for name, weight in weights.items():
        weighted = weighted + nw.col(f"{name}_points") * weight
    scored = (eligible.join(maxima, how="cross")
              .with_columns(days_since.cast(nw.Int64).alias("days_since_last_offence"),
                            nw.col("offences").cast(nw.Int64))
              .with_columns(*(expr.round(DECIMALS).alias(f"{name}_points") for name, expr in points.items()))
              .with_columns((weighted / total).round(DECIMALS).alias("score"), nw.col("harm").round(DECIMALS))
              .with_columns((-nw.col("score")).alias("descending_score"))
              .with_row_index("rank", order_by=["descending_score", "nominal_id"])
              .with_columns((nw.col("rank") + 1).cast(nw.Int64)))
    return (scored.join(nominals.select("nominal_id", "area"), on="nominal_id", how="left")
            .select(RANKED_COLUMNS).sort("rank"))


def top(ranked: Frame, n: int) -> Frame:
    """The first ``n`` of the ranking."""
    return ranked.filter(nw.col("rank") <= n)
