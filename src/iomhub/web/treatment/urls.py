from django.urls import URLPattern, path

from iomhub.web.treatment import views

app_name = "treatment"
urlpatterns: list[URLPattern] = [
    path("<str:nominal_id>/", views.episodes, name="episodes"),
    path("<str:nominal_id>/new/", views.edit, name="new"),
    path("<str:nominal_id>/<str:episode_id>/edit/", views.edit, name="edit"),
]
