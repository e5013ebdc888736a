from django.urls import URLPattern, path

from iomhub.web.custody import views

app_name = "custody"
urlpatterns: list[URLPattern] = [
    path("<str:nominal_id>/custody/new/", views.add_custody, name="add_custody"),
    path("<str:nominal_id>/custody/<int:pk>/", views.edit_custody, name="edit_custody"),
    path("<str:nominal_id>/supervision/new/", views.add_supervision, name="add_supervision"),
    path("<str:nominal_id>/supervision/<int:pk>/", views.edit_supervision, name="edit_supervision"),
]
