from django.urls import path

from lianzhao.projects import views, views_io, views_options

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("mine/", views.my_projects, name="my_projects"),
    path("options/chain-nodes/", views_options.chain_node_options, name="project_chain_node_options"),
    path("options/investors/", views_options.investor_options, name="project_investor_options"),
    path("export/", views_io.project_export, name="project_export"),
    path("import/", views_io.project_import, name="project_import"),
    path("import/template/", views_io.project_import_template, name="project_import_template"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/plan/", views.project_plan, name="project_plan"),
    path("<int:pk>/evidence/", views.project_evidence, name="project_evidence"),
    path("<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("<int:pk>/events/", views.project_event_add, name="project_event_add"),
    path("<int:pk>/changes/", views.project_investment_change, name="project_investment_change"),
    path("<int:pk>/funds/", views.project_funds, name="project_funds"),
    path("<int:pk>/files/", views.project_file_upload, name="project_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.project_file_download, name="project_file_download"),
    path("<int:pk>/merge/", views.project_merge, name="project_merge"),
]
