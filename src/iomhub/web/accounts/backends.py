"""Authentication: Django's password check (Argon2), refusing users with no agency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AgencyUserBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return bool(super().user_can_authenticate(user) and getattr(user, "agency_id", None))

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of a request, with their agency (which every page asks for) read in
        the same query."""
        try:
            user = get_user_model()._default_manager.select_related("agency").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
