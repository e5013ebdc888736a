from django.urls import URLPattern, path

from iomhub.web.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.search, name="search"),
]
