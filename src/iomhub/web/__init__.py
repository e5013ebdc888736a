"""The case-management web application (Django): one app per business area.

Django is imported only here and by the commands that need it (``iomhub serve``,
``iomhub import``, ``iomhub export``, ``iomhub django ...``).
"""

DEFAULT_SETTINGS = "iomhub.web.settings"


def setup() -> None:
    """Configure Django from ``DJANGO_SETTINGS_MODULE`` (default ``iomhub.web.settings``)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    django.setup()
