"""Behind a TLS-terminating reverse proxy: which forwarded headers to believe, decided once for
every server (waitress, gunicorn) and for the test client alike.

The servers pass the ``X-Forwarded-*`` headers through untouched (``iomhub serve`` configures
both so), and this middleware, first in the chain, decides:

- when the socket's peer is one of ``TRUSTED_PROXIES`` and ``TRUSTED_PROXY_COUNT`` is set, the
  client's address is the entry that many hops from the right of X-Forwarded-For (what the
  nearest trusted proxy saw; anything a client put before it is ignored), and the scheme is
  X-Forwarded-Proto (``https`` makes ``request.is_secure()`` true: no redirect loop, HSTS sent);
- whatever was or was not believed, the forwarded headers are then removed, so that nothing
  later can read a value a client chose.

Without a proxy (the default) nothing is believed: the address is the socket's peer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
             "HTTP_X_FORWARDED_BY", "HTTP_X_FORWARDED_SSL", "HTTP_FORWARDED")


def forwarded_client(meta: dict[str, object]) -> tuple[str | None, str | None]:
    """The client address and scheme the trusted proxy forwarded, or (None, None) when the peer is
    not a trusted proxy or the headers do not hold what it would have written."""
    peer = str(meta.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count or peer not in settings.TRUSTED_PROXIES:
        return None, None
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    address = hops[-count] if len(hops) >= count else None
    try:
        address = str(ipaddress.ip_address(address)) if address else None
    except ValueError:  # not what a proxy writes (more proxies counted than there are?): not believed
        address = None
    proto = str(meta.get("HTTP_X_FORWARDED_PROTO", "")).split(",")[-1].strip().lower()
    return address, proto if proto in ("http", "https") else None


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address, scheme = forwarded_client(request.META)
        if address:
            request.META["REMOTE_ADDR"] = address
        if scheme:
            request.META["wsgi.url_scheme"] = scheme
        for header in FORWARDED:
            request.META.pop(header, None)
        return self.get_response(request)
