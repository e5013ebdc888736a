from django.urls import URLPattern, path

from iomhub.web.people import views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("new/", views.create, name="create"),
    path("<str:nominal_id>/", views.detail, name="detail"),
    path("<str:nominal_id>/edit/", views.edit, name="edit"),
    path("<str:nominal_id>/notes/", views.note, name="note"),
]
