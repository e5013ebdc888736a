"""People with records of every MoPI group, and an administrator to act on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal

SYSTEM = Actor.system("records-test")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add(model: type[Any], **values: Any) -> Any:
    with audited(SYSTEM) as audit:
        row = model.objects.create(**values)
        audit.record(Operation.COLLECTION, row)
    return row


def person(nominal_id: str, family_name: str = "Smith", **values: Any) -> Nominal:
    return add(Nominal, nominal_id=nominal_id, family_name=family_name, given_names="Jo",
               date_of_birth=date(1980, 1, 1), **values)


@pytest.fixture
def admin(make_user: Callable[..., User], client_for: Callable[..., Client]) -> tuple[User, Client]:
    user = make_user("own", Role.ADMINISTRATOR)
    return user, client_for(user)
