from django.urls import URLPattern, path

from iomhub.web.cohort import views

app_name = "cohort"
urlpatterns: list[URLPattern] = [
    path("", views.cohort_list, name="list"),
    path("selection/", views.selection, name="selection"),
    path("mine/", views.my_cohort, name="mine"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("<str:nominal_id>/leads/", views.lead_professionals, name="leads"),
    path("<str:nominal_id>/transfer/", views.transfer, name="transfer"),
    path("<str:nominal_id>/level/", views.change_level, name="change_level"),
    path("<str:nominal_id>/exit/", views.end_episode, name="exit"),
]
