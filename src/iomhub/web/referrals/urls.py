from django.urls import URLPattern, path

from iomhub.web.referrals import views

app_name = "referrals"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("<str:referral_id>/decide/", views.decide, name="decide"),
]
