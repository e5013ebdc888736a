"""Authentication: Django's password check (Argon2), refusing users with no agency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AgencyUserBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return bool(super().user_can_authenticate(user) and getattr(user, "agency_id", None))
