"""Every object URL looks its person up here: a person the user may not see is a 404, logged."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest

from iomhub.web.accounts.models import User
from iomhub.web.people.models import Nominal
from iomhub.web.requests import client_address

security = logging.getLogger("iomhub.security")


def refuse(request: HttpRequest, what: str) -> Http404:
    """Log a refusal (who, from where, what) and return the 404 to raise."""
    user = request.user
    security.warning("refused %s %s: %s to %s (agency %s, role %s) from %s", request.method, request.path, what,
                     user.get_username() if user.is_authenticated else "anonymous",
                     getattr(getattr(user, "agency", None), "code", ""), getattr(user, "role", ""),
                     client_address(request))
    return Http404("Not found")


def visible_nominal(request: HttpRequest, nominal_id: str, *, for_update: bool = False) -> Nominal:
    """The person ``nominal_id`` if ``request.user`` may see them; otherwise a logged 404
    (the same answer whether the person exists or not)."""
    people = Nominal.objects.visible_to(request.user)
    if for_update:
        people = people.select_for_update()
    try:
        nominal: Nominal = people.get(nominal_id=nominal_id)
    except Nominal.DoesNotExist:
        raise refuse(request, f"person {nominal_id!r}") from None
    return nominal


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are ``login_required``)."""
    user = request.user
    assert isinstance(user, User)
    return user
