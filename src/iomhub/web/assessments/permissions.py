"""Who may use the case pages of assessments, treatment and meetings.

The rule itself is decided once, in ``Nominal.objects.visible_to``; these helpers apply it to a
request. A refusal is a 404 that does not say whether the record exists, logged to
``iomhub.security`` and to the audit log by ``accounts.access.refuse``. Views raise
:class:`Refused`; :func:`case_worker_required` turns it into that response (returned, not raised,
so that the audit row of the refusal is kept).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from iomhub.web.accounts.access import refuse
from iomhub.web.people.models import Nominal

View = TypeVar("View", bound=Callable[..., HttpResponse])


class Refused(Exception):
    """The user may not see this record (or it does not exist): answer 404."""

    def __init__(self, object_type: str, object_id: str = "", nominal_id: str = "") -> None:
        super().__init__(f"{object_type} {object_id}")
        self.object_type, self.object_id, self.nominal_id = object_type, object_id, nominal_id


def case_worker_required(view: View) -> View:
    """Signed in, and a practitioner or manager of a partner agency; a refused record is a 404."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "works_on_cases", False):
            return refuse(request, "case pages")
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            return refuse(request, refusal.object_type, refusal.object_id, refusal.nominal_id)
    return wrapped  # type: ignore[return-value]


def visible_people(request: HttpRequest) -> Any:
    """The people the signed-in user may see."""
    return Nominal.objects.visible_to(request.user)


def visible_nominal(request: HttpRequest, nominal_id: str) -> Nominal:
    """The person ``nominal_id`` if the user may see them; raises :class:`Refused` otherwise."""
    nominal: Nominal | None = visible_people(request).filter(nominal_id=nominal_id).first()
    if nominal is None:
        raise Refused("people.nominal", nominal_id, nominal_id[:100])
    return nominal
