from django.urls import URLPattern, path

from iomhub.web.assessments import views

app_name = "assessments"
urlpatterns: list[URLPattern] = [
    path("<str:nominal_id>/", views.progress, name="progress"),
    path("<str:nominal_id>/new/", views.new, name="new"),
]
