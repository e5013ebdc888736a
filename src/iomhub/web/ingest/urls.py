from django.urls import URLPattern, path

from iomhub.web.ingest import views

app_name = "ingest"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("uploads/<int:upload_id>/", views.upload_view, name="upload"),
    path("uploads/<int:upload_id>/import/", views.start, name="start"),
    path("jobs/<int:job_id>/", views.job_view, name="job"),
]
