"""Helpers for the sign-in tests."""

from __future__ import annotations

from typing import Any

import pyotp
from django.test import Client

from iomhub.web.accounts.forms import GENERIC_FAILURE
from tests.web.conftest import PASSWORD

ADDRESS = "198.51.100.7"


def sign_in(client: Client, username: str, password: str = PASSWORD, address: str = ADDRESS,
            **headers: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address, **headers)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def refused(response: Any) -> bool:
    """The one message for a wrong password, an unknown user and a locked account."""
    return response.status_code == 200 and GENERIC_FAILURE.encode() in response.content


def code(secret: str, at: float) -> str:
    return str(pyotp.TOTP(secret).at(at))
