"""Pages drawn after the request's transaction has ended.

Every request runs in one transaction (``ATOMIC_REQUESTS``) holding its audit row; on SQLite a
transaction takes the database's write lock at its start (``IMMEDIATE``), so every other request
waits for it to end. Drawing a busy page (the cohort list's fifty rows, a person's timeline) costs
more than reading its rows, and needs no lock: :func:`page` answers with a ``TemplateResponse``,
which Django renders after the view has returned and its transaction has committed. The audit
row is therefore committed before anything is shown (a failed commit shows nothing).

The busiest pages go further and do not read in a writing transaction at all: they read in a
snapshot (``iomhub.web.snapshots``) and write their audit row alone.

The context must hold data already read (lists, model instances with what the template uses
selected): a query run while rendering would run outside the request's transaction.
``tests/web/test_pages.py`` checks the pages that use it run no query once drawing has begun.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> TemplateResponse:
    """``template`` drawn with ``context`` once the view's transaction has ended."""
    return TemplateResponse(request, template, context, status=status)
