"""``iomhub serve`` (waitress) behind a real nginx terminating TLS, as deployed: plain HTTP is
sent to HTTPS, HTTPS pages carry HSTS and signing in does not loop, and each client's own
address (not the proxy's, not one it forged) is what the lockout counts and the audit log keeps.

Clients connect from different loopback addresses (127.0.0.5, 127.0.0.7, ...), so nginx sees
different clients; the server runs on its own SQLite database in a temporary folder (the
database is not what is tested: this runs once, in the SQLite run of the suite).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import requires_tool
from tests.web.conftest import only_on

NGINX = "/usr/sbin/nginx"
PASSWORD = "a long passphrase for the proxy test"
LOCKOUT = 3  # failures before a lockout (5 by default: fewer sign-ins, the same rule)
# The served application runs on its own SQLite database: the test belongs to the SQLite run.
pytestmark = [requires_tool(NGINX, "nginx"), pytest.mark.xdist_group("nginx"), only_on("sqlite")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} stopped (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not start listening on port {port}")


NGINX_CONF = """
{user}
worker_processes 1;
error_log {tmp}/error.log;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    upstream iomhub {{ server 127.0.0.1:{app}; }}
    server {{
        listen 127.0.0.1:{http};
        location / {{ {proxy} }}
    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        location / {{ {proxy} }}
    }}
}}
"""
PROXY = ("proxy_pass http://iomhub; proxy_set_header Host $host; "
         "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;")


@dataclass
class Deployment:
    http: int
    https: int
    database: Path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("proxy")
    app, http_port, https_port = free_port(), free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "IOMHUB_"))}
    env.update(IOMHUB_PRODUCTION="true", SECRET_KEY="proxy-test-" + "k" * 60, ALLOWED_HOSTS="localhost",
               IOMHUB_DATA_DIR=str(tmp / "data"), IOMHUB_BEHIND_PROXY="true", IOMHUB_PASSWORD=PASSWORD,
               IOMHUB_LOCKOUT_FAILURES=str(LOCKOUT),
               DJANGO_SETTINGS_MODULE="iomhub.web.settings")
    command = [sys.executable, "-c", "from iomhub.cli import main; main()"]
    server = subprocess.Popen([*command, "serve", "--addr", f"127.0.0.1:{app}", "--threads", "4"], env=env,
                              stdout=subprocess.DEVNULL, stderr=(tmp / "server.log").open("wb"))
    nginx: subprocess.Popen[bytes] | None = None
    try:
        wait_for(app, server, "iomhub serve")
        subprocess.run([*command, "createuser", "alice", "--agency", "police", "--agency-name", "Police", "--role",
                        "practitioner"], env=env, check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                        "-days", "1", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                       check=True, capture_output=True)
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(
            tmp=tmp, app=app, http=http_port, https=https_port, proxy=PROXY,
            user="user root root;" if os.geteuid() == 0 else ""))
        nginx = subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(https_port, nginx, "nginx")
        yield Deployment(http_port, https_port, tmp / "data" / "iomhub.sqlite3")
    finally:
        for process in (nginx, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


@dataclass
class Browser:
    """A client on its own loopback address, keeping its cookies (which are Secure: sent by hand)."""

    deployment: Deployment
    source: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None, *, secure: bool = True,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        port = self.deployment.https if secure else self.deployment.http
        if secure:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", port, source_address=(self.source, 0), context=context, timeout=30)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(self.source, 0), timeout=30)
        sent = {"Host": "localhost", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://localhost"})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def sign_in(self, username: str, password: str, forged: str | None = None) -> tuple[int, dict[str, str]]:
        _, _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        status, headers, _ = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
            headers={"X-Forwarded-For": forged} if forged else None)
        return status, headers


def test_plain_http_is_sent_to_https(deployment: Deployment) -> None:
    status, headers, _ = Browser(deployment, "127.0.0.4").request("GET", "/accounts/login/", secure=False)
    assert (status, headers["location"]) == (301, "https://localhost/accounts/login/")


def test_https_pages_carry_hsts_and_signing_in_does_not_loop(deployment: Deployment) -> None:
    browser = Browser(deployment, "127.0.0.5")
    status, headers, _ = browser.request("GET", "/accounts/login/")
    assert status == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    status, headers = browser.sign_in("alice", PASSWORD)
    assert (status, headers["location"]) == (302, "/")  # the landing page for the role (accounts.permissions)
    status, headers, page = browser.request("GET", "/cohort/")
    assert status == 200 and "Sign out" in page


def test_each_client_is_locked_out_alone_and_audited_at_its_own_address(deployment: Deployment) -> None:
    """Wrong passwords from 127.0.0.7 (each forging another X-Forwarded-For) lock that address,
    not the proxy's: alice is refused from there and signs in from 127.0.0.8."""
    attacker = Browser(deployment, "127.0.0.7")
    for n in range(LOCKOUT):
        status, headers = attacker.sign_in(f"guess-{n}", "wrong password", forged=f"192.0.2.{n}")
        assert status == 200
    status, _ = attacker.sign_in("alice", PASSWORD)
    assert status == 200, "the attacker's address was not locked"
    status, headers = Browser(deployment, "127.0.0.8").sign_in("alice", PASSWORD)
    assert (status, headers.get("location")) == (302, "/"), "one client's failures locked out everyone"
    with sqlite3.connect(deployment.database) as database:
        failed = {row[0] for row in database.execute(
            "SELECT address FROM audit_log WHERE operation IN ('sign_in_failed', 'lockout')")}
        signed_in = {row[0] for row in database.execute(
            "SELECT address FROM audit_log WHERE operation = 'sign_in' AND username = 'alice'")}
        attempts = {row[0] for row in database.execute("SELECT address FROM accounts_loginattempt")}
    assert failed == {"127.0.0.7"}
    assert "127.0.0.8" in signed_in and "127.0.0.7" not in signed_in
    assert not any(address.startswith("192.0.2.") or address == "127.0.0.1" for address in attempts)
