from django.urls import URLPattern, path

from iomhub.web.cohort import views

app_name = "cohort"
urlpatterns: list[URLPattern] = [
    path("", views.cohort_list, name="list"),
]
