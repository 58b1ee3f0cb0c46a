from django.urls import path

from references import views

app_name = "references"

urlpatterns = [
    path(
        "articles/<slug:slug>/references.json",
        views.references_csl_json,
        name="csl_json",
    ),
    path("articles/<slug:slug>/references.ris", views.references_ris, name="ris"),
]
