from django.urls import URLPattern, path

from iomhub.web.cohort import views

app_name = "cohort"
urlpatterns: list[URLPattern] = [
    path("", views.cohort_list, name="list"),
    path("selection/", views.selection, name="selection"),
    path("<str:nominal_id>/level/", views.change_level, name="change_level"),
    path("<str:nominal_id>/exit/", views.end_episode, name="exit"),
]
