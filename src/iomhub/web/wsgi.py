"""WSGI entry point: ``gunicorn iomhub.web.wsgi`` or ``iomhub serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomhub.web.settings")
application = get_wsgi_application()
