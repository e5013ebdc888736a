"""Routes: each business area under its own prefix."""

from django.urls import URLResolver, include, path

from iomhub.web.accounts.admin import admin_site
from iomhub.web.accounts.views import home

urlpatterns: list[URLResolver | object] = [
    path("", home, name="home"),
    path("admin/", admin_site.urls),
    path("accounts/", include("iomhub.web.accounts.urls")),
    path("people/", include("iomhub.web.people.urls")),
    path("cohort/", include("iomhub.web.cohort.urls")),
    path("referrals/", include("iomhub.web.referrals.urls")),
    path("custody/", include("iomhub.web.custody.urls")),
    path("risk/", include("iomhub.web.risk.urls")),
    path("assessments/", include("iomhub.web.assessments.urls")),
    path("meetings/", include("iomhub.web.meetings.urls")),
    path("treatment/", include("iomhub.web.treatment.urls")),
    path("performance/", include("iomhub.web.performance.urls")),
    path("audit/", include("iomhub.web.audit.urls")),
    path("records/", include("iomhub.web.records.urls")),
    path("notifications/", include("iomhub.web.notifications.urls")),
    path("data/", include("iomhub.web.ingest.urls")),
]
