from django.urls import URLPattern, path

from iomhub.web.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.verify_view, name="verify"),
    path("second-factor/", views.enrol_view, name="enrol"),
    path("enrol/<str:token>/", views.enrol_link_view, name="enrol_link"),
    path("logout/", views.logout_view, name="logout"),
    path("outside/", views.outside, name="outside"),
    path("", views.account_view, name="account"),
]
