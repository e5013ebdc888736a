"""The people app: on SQLite, the search text function PostgreSQL gets from migration 0006."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


@lru_cache(maxsize=200_000)  # names change rarely: a search after the first reuses them
def _search_text(given: str | None, family: str | None, aliases: str | None) -> str:
    from iomhub.web.people.search import normalise

    return normalise(given, family, aliases)


def _name_match(given: str | None, family: str | None, aliases: str | None, typed: str) -> int:
    from iomhub.web.people.search import name_score

    return name_score(typed.split(), _search_text(given, family, aliases).split())


def _register_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give every new SQLite connection ``iomhub_search_text`` and ``iomhub_name_match``
    (``people.search.SearchText``, ``people.search.NameMatch``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("iomhub_search_text", 3, _search_text, deterministic=True)
        connection.connection.create_function("iomhub_name_match", 4, _name_match, deterministic=True)


class PeopleConfig(AppConfig):
    name = "iomhub.web.people"
    label = "people"

    def ready(self) -> None:
        connection_created.connect(_register_functions, dispatch_uid="iomhub.people.search_text")
