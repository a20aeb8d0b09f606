from django.urls import path

from lianzhao.enterprises import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_form, name="enterprise_create"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path("import/template.xlsx", views.enterprise_import_template, name="enterprise_import_template"),
    path("batches/", views.import_batch_list, name="import_batch_list"),
    path("<int:pk>/edit/", views.enterprise_form, name="enterprise_edit"),
]
