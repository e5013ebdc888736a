from django.urls import URLPattern, path

from iomhub.web.records import views

app_name = "records"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("<str:nominal_id>/", views.person, name="person"),
    path("<str:nominal_id>/review/", views.review_view, name="review"),
    path("<str:nominal_id>/subject-access/", views.subject_access, name="subject_access"),
    path("<str:nominal_id>/restriction/", views.restriction, name="restriction"),
    path("<str:nominal_id>/rectify/", views.rectify_view, name="rectify"),
]
