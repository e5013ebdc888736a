"""The users every case view is tried with: own, partner and unrelated agency; analyst and
administrator (of the own agency), who never open a person's record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User

ALLOWED = ["own", "partner"]
REFUSED = ["unrelated", "analyst", "administrator"]
EVERYONE = [*ALLOWED, *REFUSED]


def make(make_user: Callable[..., User], who: str, **extra: Any) -> User:
    if who in (Role.ANALYST, Role.ADMINISTRATOR):
        return make_user("own", role=who, **extra)
    return make_user(who, **extra)


@pytest.fixture
def login(make_user: Callable[..., User], client_for: Callable[[User | None], Client]
          ) -> Callable[..., tuple[User, Client]]:
    """``login("partner")`` -> (user, signed-in client)."""
    def sign_in(who: str, **extra: Any) -> tuple[User, Client]:
        user = make(make_user, who, **extra)
        return user, client_for(user)
    return sign_in


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "iomhub.security"]
