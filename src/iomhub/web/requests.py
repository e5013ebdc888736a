"""Who is asking: the signed-in user as an audit actor, and the client address.

The address is the socket's peer, or behind a trusted reverse proxy the client's address it
forwarded, as :mod:`iomhub.web.proxy` decided (first of the middleware): a client cannot
choose its own address by sending the header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

from iomhub.web.audit.context import Actor


def client_address(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def actor(request: HttpRequest) -> Actor:
    """The audit actor for a signed-in request."""
    user = request.user
    assert user.is_authenticated
    return Actor.of(user, client_address(request))


class NulRefusalMiddleware:
    """A request with a NUL character in its address, a parameter or a form field is refused at once
    with a plain 400. No browser sends one, no value of iomhub holds one, and PostgreSQL cannot
    store or even compare text holding one (every lookup with it was a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values)
                                          for data in (request.GET, request.POST)
                                          for key, values in data.lists()):
            return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))
        return self.get_response(request)
