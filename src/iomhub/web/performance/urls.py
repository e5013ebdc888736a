from django.urls import URLPattern, path

from iomhub.web.performance import documents, views

app_name = "performance"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("report.<str:kind>", views.download, name="download"),
    path("documents/", documents.documents, name="documents"),
]
