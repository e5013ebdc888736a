"""WSGI entry point: ``gunicorn iomhub.web.wsgi`` or ``iomhub serve``.

The URL configuration (and with it every view, the report engine and Polars) is loaded here,
when the server starts, not by the first request: loading it took about 3.5 s, which the first
reader of a fresh process used to wait for."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomhub.web.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (loads the URL configuration and every view now)
