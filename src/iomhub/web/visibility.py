"""Who may see what, applied to a request, and the one way to refuse.

Who sees which people is decided once, in ``Nominal.objects.visible_to(user)``; the helpers here
only apply it. A refusal is a 404 that does not say whether the record exists (the same page as
any unknown address), logged to ``iomhub.security`` and written to the audit log as a
``refusal`` row.

Two ways to get there, one answer:

- a view that decides at its top **returns** :func:`refuse`;
- code deeper down (``visible_nominal``, a record looked up by id) **raises** :class:`Refused`;
  :class:`RefusalMiddleware` answers it with :func:`refuse`.

Never raise ``Http404`` for a refusal: with ``ATOMIC_REQUESTS`` an exception rolls the request's
transaction back, and an audit row written inside it with it. ``Refused`` leaves the view's
transaction (rolling back whatever the view had written) before the middleware writes the audit
row, in a transaction of its own, so the row is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.template import loader

from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.requests import client_address

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User
    from iomhub.web.people.models import Nominal
    from iomhub.web.people.querysets import NominalQuerySet

log = logging.getLogger("iomhub.security")

View = TypeVar("View", bound=Callable[..., HttpResponse])


def refuse(request: HttpRequest, object_type: str, object_id: str = "", nominal_id: str = "") -> HttpResponse:
    """Record that ``request.user`` was refused ``object_type``/``object_id`` and answer 404.

    Return it from the view (do not raise): see the module's docstring."""
    user = request.user
    address = client_address(request)
    who = (Actor.of(user, address) if user.is_authenticated
           else Actor(username="(anonymous)", address=address))
    log.warning("refused: username=%r role=%s agency=%s %s %s %s %s", who.username, who.role, who.agency,
                request.method, request.path, object_type, object_id)
    with audited(who) as audit:
        audit.record(Operation.REFUSAL, object_type=object_type[:60], object_id=object_id[:100],
                     nominal_id=nominal_id[:100], detail={"method": request.method, "path": request.path[:500]})
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


class Refused(Http404):
    """The user may not see this record, or it does not exist: the answer is :func:`refuse`'s 404.

    A subclass of ``Http404`` so that, should it ever escape the middleware, it is still a 404."""

    def __init__(self, object_type: str, object_id: str = "", nominal_id: str = "") -> None:
        super().__init__("Not found")
        self.object_type, self.object_id, self.nominal_id = object_type, object_id, nominal_id


class RefusalMiddleware:
    """Answers a :class:`Refused` raised by a view with :func:`refuse`, after the view's transaction
    has been rolled back (so the audit row of the refusal is committed on its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from iomhub.web.people.purpose import PurposeNeeded

        if isinstance(exception, Refused):
            return refuse(request, exception.object_type, exception.object_id, exception.nominal_id)
        if isinstance(exception, PurposeNeeded):
            return HttpResponseRedirect(exception.redirect_to())
        return None


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are ``login_required``)."""
    from iomhub.web.accounts.models import User

    user = request.user
    assert isinstance(user, User)
    return user


def visible_people(request: HttpRequest) -> NominalQuerySet:
    """The people the signed-in user may see (``Nominal.objects.visible_to``)."""
    from iomhub.web.people.models import Nominal

    people: NominalQuerySet = Nominal.objects.visible_to(request.user)
    return people


def visible_nominal(request: HttpRequest, nominal_id: str, *, purpose: bool = True) -> Nominal:
    """The person ``nominal_id`` if the user may see them; raises :class:`Refused` otherwise (the
    same answer whether the person exists or not). Where the partnership requires the purpose of
    a consultation (``people.purpose``), a read of someone whose purpose the user has not stated
    raises ``PurposeNeeded`` (answered by the purpose form), unless ``purpose`` is False."""
    nominal: Nominal | None = visible_people(request).filter(nominal_id=nominal_id).first()
    if nominal is None:
        raise Refused("people.nominal", nominal_id[:100], nominal_id[:100])
    if purpose:
        from iomhub.web.people.purpose import check

        check(request, nominal.nominal_id)
    return nominal


def consulted(request: HttpRequest, nominal: Nominal, what: str) -> None:
    """Record that the signed-in user read ``nominal``'s record on the page ``what``, with the
    purpose they stated (``people.purpose``), committed before anything is shown."""
    from iomhub.web.people.purpose import stated
    from iomhub.web.people.services import record_consultation
    from iomhub.web.requests import actor

    record_consultation(actor(request), nominal, what, purpose=stated(request, nominal.nominal_id))


def health_case_worker_required(view: View) -> View:
    """A case worker who sees health information (``permissions.works_on_health``: a health agency's
    staff, or someone granted it); anyone else is refused. Drug and alcohol treatment is health
    information: others may learn from the person page that someone is in treatment, no more."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.works_on_health(request.user):
            return refuse(request, "health information")
        return view(request, *args, **kwargs)
    return wrapped  # type: ignore[return-value]


def case_worker_required(view: View) -> View:
    """Signed in, and a practitioner or manager of a partner agency (``works_on_cases``); anyone
    else is refused."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.works_on_cases(request.user):
            return refuse(request, "case pages")
        return view(request, *args, **kwargs)
    return wrapped  # type: ignore[return-value]
