from django.urls import URLPattern, path

from iomhub.web.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="list"),
    path("read/", views.read_all, name="read_all"),
    path("<int:notification_id>/", views.open_notification, name="open"),
]
