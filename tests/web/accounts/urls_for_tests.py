"""The application's routes plus the administration site and pages that fail, for tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from iomhub.web.accounts.admin import admin_site
from iomhub.web.urls import urlpatterns as app_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail: database password is hunter2")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret detail of the refusal")


urlpatterns = [
    path("admin/", admin_site.urls),
    path("boom/", boom),
    path("forbidden/", forbidden),
    *app_urlpatterns,
]
