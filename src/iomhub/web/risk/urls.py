from django.urls import URLPattern, path

from iomhub.web.risk import views

app_name = "risk"
urlpatterns: list[URLPattern] = [
    path("<str:nominal_id>/tier/", views.change, name="change"),
]
