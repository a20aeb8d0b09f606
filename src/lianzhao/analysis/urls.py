from django.urls import path

from lianzhao.analysis import impact_views, synergy_view, views

urlpatterns = [
    path("", views.analysis_overview, name="analysis_overview"),
    path("settings/", views.analysis_settings_update, name="analysis_settings_update"),
    path("base/template.xlsx", views.base_template, name="analysis_base_template"),
    path("base/import/", views.base_import, name="analysis_base_import"),
    path("base/<int:pk>/", views.base_detail, name="analysis_base_detail"),
    path("gaps/<slug:slug>/", views.gap_detail, name="gap_detail"),
    path("gaps/<slug:slug>.xlsx", views.gap_export_xlsx, name="gap_export_xlsx"),
    path("gaps/<slug:slug>.pdf", views.gap_export_pdf, name="gap_export_pdf"),
    path("synergy/", synergy_view.synergy, name="synergy"),
    path("projects/<int:pk>/impact/", impact_views.impact_card, name="impact_card"),
    path("projects/<int:pk>/impact.pdf", impact_views.impact_card_pdf, name="impact_card_pdf"),
    path("projects/<int:pk>/impact/assumptions/", impact_views.impact_input_update, name="impact_input_update"),
]
