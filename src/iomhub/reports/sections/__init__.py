"""The view model of the performance report, built section by section (one module each).

``ORDER`` is the order the sections are shown in, in every format: what IOM changed (the
matched estimate, whether it can be relied on, then the before-and-after figure labelled as
not the effect of IOM), then the seed board report's order (reoffending, expected, proven,
costs, caseload, ..., the performance framework), then what the figures can claim; each
builder with the keys of the registry's sections it shows (``reports/tables.py``; reoffending
shows flags as its subsection). Reordering the sections, or adding one, is a change to
``ORDER`` alone: each builder takes the :class:`Context` and gives its
:class:`~iomhub.reports.view.Section`, or None when the report has nothing for it. The
``OPENING`` sections come before the notes box.
"""

from __future__ import annotations

from collections.abc import Callable

from iomhub.reports.formatting import long_date, source_words, span_text, with_financial_year
from iomhub.reports.model import Report
from iomhub.reports.sections import activity, caseload, costs, effect, expected, kpis, overview, proven, reoffending
from iomhub.reports.sections.common import Context
from iomhub.reports.tables import TABLES
from iomhub.reports.view import ReportView, Section

Builder = Callable[[Context], Section | None]

ORDER: tuple[tuple[tuple[str, ...], Builder], ...] = (
    (("overview",), overview.section),  # what IOM changed (the matched estimate) first: issue 19
    (("reoffending", "flags"), reoffending.section),
    (("expected",), expected.section),
    (("proven",), proven.section),
    (("costs",), costs.section),
    (("caseload",), caseload.caseload),
    (("custody",), caseload.custody),
    (("statutory",), caseload.statutory),
    (("risk",), caseload.risk),
    (("referrals",), activity.referrals),
    (("engagement",), activity.engagement),
    (("needs",), activity.needs),
    (("treatment",), activity.treatment),
    (("kpis",), kpis.section),
    (("effect",), effect.section),
)
SECTION_KEYS = tuple(key for keys, _ in ORDER for key in keys)
OPENING = ("overview",)  # shown before the notes box: the first figure a reader meets is the matched estimate


def build_view(report: Report) -> ReportView:
    """The report as every format shows it."""
    ctx = Context(report)
    sections = [section for section in (build(ctx) for _, build in ORDER) if section is not None]
    return ReportView(title=report.title, subtitle=f"IOM performance report, {span_text(report.params.period)}",
                      facts=facts(ctx), notes=notes(report), sections=sections, threshold=ctx.threshold,
                      generated_iso=report.generated_at.isoformat(),
                      before_notes=sum(1 for section in sections[:1] if section.key in OPENING))


def report_facts(report: Report) -> list[tuple[str, str]]:
    """The facts under the report's title (as :attr:`ReportView.facts`)."""
    return facts(Context(report))


def facts(ctx: Context) -> list[tuple[str, str]]:
    """The facts under the title: period, baseline, cohort date, options, generated, source, in
    words (no figure: the first figure a reader meets is the opening's; the reduction target is
    given with target attainment; the source is described, not its path)."""
    params, start_month = ctx.params, ctx.labels.start_month
    out = [("Period", with_financial_year(params.period, start_month)),
           ("Baseline", with_financial_year(params.baseline_span, start_month)),
           ("Cohort date", long_date(params.cohort_day))]
    if params.exclude_custody_beyond is not None:
        out.append(("Custody exclusion", "people in custody on the cohort date beyond "
                                         f"{long_date(params.exclude_custody_beyond)} are left out"))
    generated = ctx.report.generated_at
    out.append(("Generated", f"{long_date(generated.date())} at {generated:%H:%M} {generated.tzname() or ''}".strip()))
    out.append(("Source", source_words(ctx.report.source)))
    return out


def notes(report: Report) -> list[str]:
    """The model's notes, with table names written as their titles."""
    out = []
    for note in report.notes:
        name, sep, rest = note.partition(": ")
        out.append(f"{TABLES[name].title}: {rest}" if sep and name in TABLES else note)
    return out
