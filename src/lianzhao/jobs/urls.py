from django.urls import path

from lianzhao.jobs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("start/<str:kind>/", views.job_start, name="job_start"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/download/", views.job_download, name="job_download"),
]
