"""Security headers on every page, generic error pages, and ``check --deploy`` in production."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.models import User

AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]
IOMHUB = Path(sys.executable).with_name("iomhub")


def assert_protected(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
@pytest.mark.parametrize("url", ["/cohort/", "/accounts/", "/nowhere/"], ids=["cohort", "account", "not-found"])
def test_every_page_carries_the_security_headers(who: str, url: str, users: dict[str, User],
                                                 client_for: Callable[..., Any]) -> None:
    assert_protected(client_for(users[who]).get(url))


def test_the_sign_in_page_carries_them_too(db: Any) -> None:
    assert_protected(Client().get("/accounts/login/"))


def test_hsts_is_sent_over_https_in_production(db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_csrf_token_is_required_to_sign_in(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "own-practitioner",
                                                "password": "correct horse battery staple"})
    assert response.status_code == 403 and "_auth_user_id" not in client.session


@pytest.mark.urls("tests.web.accounts.urls_for_tests")
@pytest.mark.parametrize(("url", "status", "title"), [
    ("/nowhere/?q=<script>", 404, b"Page not found"),
    ("/forbidden/", 403, b"Request refused"),
    ("/boom/", 500, b"Sorry, there is a problem"),
], ids=["404", "403", "500"])
def test_error_pages_are_generic(url: str, status: int, title: bytes, users: dict[str, User],
                                 client_for: Callable[..., Any]) -> None:
    client = client_for(users["own"])
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status and title in response.content
    for leak in (b"Traceback", b"secret detail", b"hunter2", b"nowhere", b"<script>", b"Django", b"DEBUG"):
        assert leak not in response.content


def deploy_environment(tmp_path: Path) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+-;<=>?@^_{|}~"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("IOMHUB_", "DJANGO_"))}
    environment.pop("DATABASE_URL", None)
    environment.update({"IOMHUB_PRODUCTION": "true", "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
                        "ALLOWED_HOSTS": "iomhub.example.org", "IOMHUB_DATA_DIR": str(tmp_path)})
    return environment


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = subprocess.run([str(IOMHUB), "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=deploy_environment(tmp_path), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_protect_the_transport(tmp_path: Path) -> None:
    script = ("from django.conf import settings as s; import django; django.setup(); "
              "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
              "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_HTTPONLY)")
    environment = deploy_environment(tmp_path) | {"DJANGO_SETTINGS_MODULE": "iomhub.web.settings",
                                                  "IOMHUB_DEBUG": "true"}
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "True", "True"]


def test_the_csrf_token_is_held_in_the_session_and_bound_to_it(users: dict[str, User]) -> None:
    """No CSRF cookie (CSRF_USE_SESSIONS): an attacker who plants their own token pair in a
    victim's browser (a cookie set from a sibling subdomain, say) cannot forge the victim's post,
    since the secret the token is checked against is in the victim's server-side session."""
    import re

    attacker, victim = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = attacker.get("/accounts/login/")
    assert "csrftoken" not in page.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    victim.get("/accounts/login/")
    for name, cookie in attacker.cookies.items():
        if name != "sessionid":  # whatever else the attacker's browser holds, planted in the victim's
            victim.cookies[name] = cookie.value
    form = {"csrfmiddlewaretoken": token.group(1), "username": "own-practitioner",
            "password": "correct horse battery staple"}
    assert victim.post("/accounts/login/", form).status_code == 403
    assert attacker.post("/accounts/login/", form).status_code == 302
