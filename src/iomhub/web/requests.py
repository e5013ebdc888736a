"""Who is asking: the signed-in user as an audit actor, and the client address.

The address is the socket's peer unless ``IOMHUB_TRUSTED_PROXY_COUNT`` says how many proxies
we sit behind; then it is taken that many hops from the right of X-Forwarded-For, so a
client cannot choose its own address by sending the header.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from iomhub.web.audit.context import Actor


def client_address(request: HttpRequest) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return str(hops[-proxies])
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def actor(request: HttpRequest) -> Actor:
    """The audit actor for a signed-in request."""
    user = request.user
    assert user.is_authenticated
    return Actor.of(user, client_address(request))
