from django.urls import path

from lianzhao.aftercare import views, views_company

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/note/", views.ticket_note, name="ticket_note"),
    path("<int:pk>/files/", views.ticket_file_upload, name="ticket_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.ticket_file_download, name="ticket_file_download"),
    path("<int:pk>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("companies/<int:enterprise_pk>/visits/plan/", views_company.visit_plan, name="visit_plan"),
    path("companies/<int:enterprise_pk>/visits/record/", views_company.visit_record, name="visit_record"),
    path("companies/<int:enterprise_pk>/visits/<int:visit_pk>/record/", views_company.visit_record,
         name="visit_complete"),
    path("companies/<int:enterprise_pk>/policies/new/", views_company.policy_record, name="policy_record"),
    path("projects/<int:project_pk>/checklist/", views_company.checklist_start, name="checklist_start"),
    path("steps/", views_company.step_list, name="step_list"),
    path("steps/<int:pk>/done/", views_company.step_done, name="step_done"),
]
