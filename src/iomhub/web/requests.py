"""Who is asking: the signed-in user as an audit actor, and the client address.

The address is the socket's peer, or behind a trusted reverse proxy the client's address it
forwarded, as :mod:`iomhub.web.proxy` decided (first of the middleware): a client cannot
choose its own address by sending the header.
"""

from __future__ import annotations

from django.http import HttpRequest

from iomhub.web.audit.context import Actor


def client_address(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def actor(request: HttpRequest) -> Actor:
    """The audit actor for a signed-in request."""
    user = request.user
    assert user.is_authenticated
    return Actor.of(user, client_address(request))
