from django.urls import URLPattern, path

from iomhub.web.performance import documents, plans, views

app_name = "performance"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report.<str:kind>", views.download, name="download"),
    path("documents/", documents.documents, name="documents"),
    path("framework/", plans.framework, name="framework"),
    path("framework/new/", plans.new_indicator, name="new_indicator"),
    path("framework/<str:indicator_id>/", plans.indicator, name="indicator"),
    path("framework/<str:indicator_id>/edit/", plans.edit_indicator, name="edit_indicator"),
    path("framework/<str:indicator_id>/target/", plans.set_target, name="set_target"),
    path("framework/<str:indicator_id>/actual/", plans.set_actual, name="set_actual"),
    path("framework/<str:indicator_id>/rag/", plans.override_rag, name="override_rag"),
    path("framework/<str:indicator_id>/rag/withdraw/", plans.withdraw_override, name="withdraw_override"),
    path("actions/", plans.action_plan, name="action_plan"),
    path("actions/new/", plans.new_action, name="new_action"),
    path("actions/<str:action_id>/edit/", plans.edit_action, name="edit_action"),
    path("actions/<str:action_id>/status/", plans.action_status, name="action_status"),
]
