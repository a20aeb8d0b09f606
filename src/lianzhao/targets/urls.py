from django.urls import path

from lianzhao.targets import views

urlpatterns = [
    path("", views.target_overview, name="target_overview"),
    path("weights/", views.weights_edit, name="target_weights"),
    path("node/<slug:key>/", views.node_candidates, name="node_candidates"),
    path("node/<slug:key>/export.xlsx", views.node_candidates_xlsx, name="node_candidates_xlsx"),
    path("node/<slug:key>/lead/", views.lead_create, name="target_lead"),
    path("node/<slug:key>/words/", views.node_words, name="node_words"),
]
