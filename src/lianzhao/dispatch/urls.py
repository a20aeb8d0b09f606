from django.urls import path

from lianzhao.dispatch import views

urlpatterns = [
    path("", views.weekly_report, name="weekly_report"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:year>/<int:department_id>/", views.target_edit, name="target_edit"),
    path("analytics/", views.analytics_view, name="dispatch_analytics"),
]
