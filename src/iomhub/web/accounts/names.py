"""The names users are shown of other users: their full names, never their usernames (a
username is an account's key, not something to show on a page)."""

from __future__ import annotations

from collections.abc import Iterable

SOMEONE = "a user no longer on iomhub"
SYSTEM = "iomhub (an import or a scheduled task)"


def display_names(usernames: Iterable[str]) -> dict[str, str]:
    """Each username → the user's full name; a system actor or a removed account → a phrase."""
    from iomhub.web.accounts.models import User

    wanted = {name for name in usernames if name}
    found = {username: " ".join(part for part in (first, last) if part)
             for username, first, last in User.objects.filter(username__in=wanted)
             .values_list("username", "first_name", "last_name")}
    return {name: found.get(name) or (SOMEONE if name in found else SYSTEM) for name in wanted}
