"""The Selection page's data: the database ranked by :mod:`iomhub.metrics.selection` (the same code
as ``iomhub select``), what each user may see of it, and the audit row of the read.

Who sees what (decided here, from the one rule of ``Nominal.objects.visible_to``):

- the page is open to every role of an agency in the IOM partnership (as the dashboard is);
  anyone else is refused;
- a ranked person is shown by name, with a link to their page, to a user who may see that person
  (``visible_to``: practitioners and managers of partner agencies);
- to anyone else (analysts, administrators) the row is pseudonymised: a pseudonym instead of the
  name and nominal id, no area and no dates, only the score, its components and the offence
  counts. The pseudonym is a keyed hash of the nominal id (HMAC-SHA-256 with the site's
  ``SECRET_KEY``): the same person has the same pseudonym on every visit, and it cannot be
  turned back into the id without the key.

Showing the list is one ``consultation`` audit row naming every person on it (their nominal ids,
whether shown by name or not), as the cohort list does.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from iomhub.reports.selection import Candidate, SelectionList, build_selection
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.performance.cache import cached_figures, data_version
from iomhub.web.performance.data import package_at

OBJECT_TYPE = "cohort selection"


def selection_from_database(*, top: int, as_at: date | None, today: date) -> SelectionList:
    """The ranking of everyone in the database's offence data (default settings: the database
    holds no package.toml), kept until the data change (``performance/cache.py``)."""
    version = data_version()
    return cached_figures(version, f"selection {top} {as_at} {today}",
                          lambda: build_selection(package_at(version), top=top, as_at=as_at, today=today))


def audit_selection(actor: Actor, result: SelectionList, *, where: str, named: bool = True) -> None:
    """One consultation row for the list, naming everyone on it."""
    with audited(actor) as audit:
        audit.record(Operation.CONSULTATION, object_type=OBJECT_TYPE, object_id=f"top {result.top}",
                     detail={"viewed": OBJECT_TYPE, "as_at": result.as_at.isoformat(), "top": result.top,
                             "shown_by_name": named, "where": where, "nominal_ids": result.nominal_ids})


def pseudonym(nominal_id: str) -> str:
    """``P-`` and 10 hex digits of HMAC-SHA-256(SECRET_KEY, nominal_id): stable, not reversible."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"iomhub.selection:{nominal_id}".encode(), hashlib.sha256)
    return f"P-{digest.hexdigest()[:10]}"


@dataclass(frozen=True)
class Row:
    """A line of the page: the figures of ``candidate`` (``figures``), and who it is only when
    ``named`` (the template reads identifying fields through this class, never the candidate)."""

    candidate: Candidate
    named: bool

    @property
    def figures(self) -> Candidate:
        """For the score, its components and the offence counts (nothing identifying is read from it)."""
        return self.candidate

    @property
    def label(self) -> str:
        if not self.named:
            return pseudonym(self.candidate.nominal_id)
        return self.candidate.name or self.candidate.nominal_id

    @property
    def nominal_id(self) -> str | None:
        return self.candidate.nominal_id if self.named else None

    @property
    def area(self) -> str | None:
        return self.candidate.area if self.named else None

    @property
    def last_offence_date(self) -> date | None:
        return self.candidate.last_offence_date if self.named else None


def rows_for(result: SelectionList, visible_ids: set[str]) -> list[Row]:
    """The page's rows: named where the user may see the person, pseudonymised elsewhere."""
    return [Row(c, c.nominal_id in visible_ids) for c in result.candidates]
