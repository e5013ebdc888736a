from django.urls import URLPattern, path

from iomhub.web.people import views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("new/", views.create, name="create"),
    path("find/", views.search, name="search"),
    path("<str:nominal_id>/", views.detail, name="detail"),
    path("<str:nominal_id>/edit/", views.edit, name="edit"),
    path("<str:nominal_id>/print/", views.profile, name="profile"),
    path("<str:nominal_id>/purpose/", views.purpose, name="purpose"),
    path("<str:nominal_id>/notes/", views.note, name="note"),
    path("<str:nominal_id>/flags/new/", views.add_flag_view, name="add_flag"),
    path("<str:nominal_id>/flags/<int:flag_id>/end/", views.end_flag_view, name="end_flag"),
]
