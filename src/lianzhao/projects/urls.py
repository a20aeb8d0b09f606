from django.urls import path

from lianzhao.projects import views

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("<int:pk>/events/", views.project_event_add, name="project_event_add"),
]
