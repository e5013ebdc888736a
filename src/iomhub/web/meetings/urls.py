from django.urls import URLPattern, path

from iomhub.web.meetings import views

app_name = "meetings"
urlpatterns: list[URLPattern] = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("briefing/", views.briefing, name="briefing"),
    path("agenda/", views.agenda, name="agenda"),
    path("schedule/", views.schedule, name="schedule"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("actions/agency/", views.agency_actions, name="agency_actions"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("<str:meeting_id>/", views.meeting_detail, name="detail"),
    path("<str:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<str:meeting_id>/discussions/", views.discussion, name="discussion"),
    path("<str:meeting_id>/people/", views.people, name="people"),
    path("<str:meeting_id>/minutes/", views.minutes, name="minutes"),
]
