"""Who sees which people: decided here, once (``Nominal.objects.visible_to(user)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from iomhub.web.accounts import permissions
from iomhub.web.audit.models import AuditedQuerySet

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User
    from iomhub.web.people.models import CaseNote, Nominal  # noqa: F401 (the base classes name them as strings)


class NominalQuerySet(AuditedQuerySet["Nominal"]):
    def visible_to(self, user: User | Any) -> NominalQuerySet:
        """Practitioners and managers of partner agencies see the cohort's shared record, except
        restricted records (DPA 2018 s.47: kept, but out of all normal use until lifted).

        Analysts work on pseudonymised data only and administrators manage accounts: neither
        opens a person's record (administrators act on records only through the data protection
        pages, ``iomhub.web.records``). Users of agencies outside the partnership see no one.
        """
        if not permissions.works_on_cases(user):
            return self.none()
        return self.filter(restricted=False)

    @staticmethod
    def visibility_key(user: User | Any) -> str:
        """A name for the set of people :meth:`visible_to` gives ``user``: users with the same key
        see the same people, so a page listing people may be kept for all of them. Change it
        with :meth:`visible_to` (a test checks every kind of user against it)."""
        if not permissions.works_on_cases(user):
            return "no one"
        return "the shared record"


class CaseNoteQuerySet(AuditedQuerySet["CaseNote"]):
    def visible_to(self, user: User | Any) -> CaseNoteQuerySet:
        """Shared notes to all who see the person; own-agency notes to their agency; health
        notes to health agencies and users granted health information."""
        from iomhub.web.people.constants import NoteVisibility

        if not permissions.works_on_cases(user):
            return self.none()
        allowed = Q(visibility=NoteVisibility.SHARED) | Q(visibility=NoteVisibility.OWN_AGENCY,
                                                          agency=user.agency)
        if permissions.sees_health(user):
            allowed |= Q(visibility=NoteVisibility.HEALTH)
        return self.filter(allowed)


# Built on Manager itself (the querysets are audited ones): a manager made from another
# from_queryset() manager is a class django-stubs cannot always resolve.
NominalManager = models.Manager.from_queryset(NominalQuerySet)
CaseNoteManager = models.Manager.from_queryset(CaseNoteQuerySet)
