"""Which forwarded headers are believed (iomhub.web.proxy): only a trusted proxy's, and then
only what that proxy itself wrote; the headers never reach anything after."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from iomhub.web.proxy import FORWARDED, TrustedProxyMiddleware


def _seen(meta: dict[str, str]) -> HttpRequest:
    kept: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        kept.append(request)
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))
    return kept[0]


FORGED = {"HTTP_X_FORWARDED_FOR": "192.0.2.66, 203.0.113.5", "HTTP_X_FORWARDED_PROTO": "https",
          "HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_FORWARDED": "for=192.0.2.1;proto=https"}


@pytest.mark.parametrize(("behind", "peer", "address", "secure"), [
    (False, "203.0.113.9", "203.0.113.9", False),
    (True, "127.0.0.1", "203.0.113.5", True),
    (True, "10.9.9.9", "10.9.9.9", False),
], ids=["no-proxy: nothing believed", "trusted proxy: its hop believed", "untrusted peer: nothing believed"])
def test_forwarded_headers(behind: bool, peer: str, address: str, secure: bool, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"] if behind else []
    settings.TRUSTED_PROXY_COUNT = 1 if behind else 0
    request = _seen({"REMOTE_ADDR": peer, **FORGED})
    assert request.META["REMOTE_ADDR"] == address
    assert request.is_secure() is secure
    assert not set(FORWARDED) & set(request.META), "a forwarded header reached the application"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.5"], ids=["none", "garbage", "too-few-hops"])
def test_what_a_proxy_would_not_write_is_not_believed(forwarded: str, settings: Any) -> None:
    """Two proxies counted and one hop (a client-chosen value where the proxy's should be), or a
    value that is no address: the peer's own address stands."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.TRUSTED_PROXY_COUNT = 2 if forwarded == "203.0.113.5" else 1
    request = _seen({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded})
    assert request.META["REMOTE_ADDR"] == "127.0.0.1"
