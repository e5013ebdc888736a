"""Refusals: a 404 that says nothing, logged to ``iomhub.security`` and to the audit log.

Return :func:`refuse` (do not raise ``Http404``): with ``ATOMIC_REQUESTS`` an exception rolls the
request's transaction back, and the audit row of the refusal with it.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template import loader

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.requests import client_address

log = logging.getLogger("iomhub.security")


def refuse(request: HttpRequest, object_type: str, object_id: str = "", nominal_id: str = "") -> HttpResponse:
    """Record that ``request.user`` was refused ``object_type``/``object_id`` and answer 404."""
    user = request.user
    address = client_address(request)
    who = (Actor.of(user, address) if user.is_authenticated
           else Actor(username="(anonymous)", address=address))
    log.warning("refused: username=%r role=%s agency=%s %s %s %s", who.username, who.role, who.agency,
                request.method, request.path, object_type)
    with audited(who) as audit:
        audit.record(Operation.REFUSAL, object_type=object_type, object_id=object_id, nominal_id=nominal_id,
                     detail={"method": request.method, "path": request.path[:500]})
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))
