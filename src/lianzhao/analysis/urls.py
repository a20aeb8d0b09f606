from django.urls import path

from lianzhao.analysis import impact_views, superior_views, synergy_view, views

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
    path("overrides/", superior_views.override_list, name="analysis_overrides"),
    path("overrides/add/", superior_views.override_save, name="analysis_override_add"),
    path("overrides/<int:pk>/remove/", superior_views.override_remove, name="analysis_override_remove"),
    path("shares/<slug:slug>/", superior_views.node_share_list, name="node_shares"),
    path("shares/<slug:slug>/set/", superior_views.node_share_save, name="node_share_set"),
    path("shares/remove/<int:pk>/", superior_views.node_share_remove, name="node_share_remove"),
    path("projects/<int:pk>/impact/", impact_views.impact_card, name="impact_card"),
    path("projects/<int:pk>/impact.pdf", impact_views.impact_card_pdf, name="impact_card_pdf"),
    path("projects/<int:pk>/impact/assumptions/", impact_views.impact_input_update, name="impact_input_update"),
]
