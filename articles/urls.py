from django.urls import path

from articles import autosave, views
from articles.audiences import Audience

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    # The same article for healthcare professionals: a URL of its own, so that both
    # versions can be shared, crawled and cached without reading a cookie.
    path(
        "articles/<slug:slug>/professional/",
        views.article_detail,
        {"audience": Audience.PROFESSIONAL},
        name="detail_professional",
    ),
    path("articles/<slug:slug>/feedback/", views.article_feedback, name="feedback"),
    # The live revision's reference list, for reference managers.
    path(
        "articles/<slug:slug>/references.json",
        views.references_csl_json,
        name="references_json",
    ),
    path("articles/<slug:slug>/references.ris", views.references_ris, name="references_ris"),
    path("articles/<slug:slug>/preview/", views.article_preview, name="preview"),
    path(
        "articles/<slug:slug>/preview/professional/",
        views.article_preview,
        {"audience": Audience.PROFESSIONAL},
        name="preview_professional",
    ),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("advisory-board/", views.advisory_board, name="board"),
    path("advisory-board/<slug:slug>/", views.reviewer_detail, name="reviewer"),
    path("writers/<slug:slug>/", views.writer_detail, name="writer"),
    path("pages/<slug:key>/", views.site_page, name="page"),
    path("contact/", views.contact, name="contact"),
    # The article editor's autosave of unsaved typing (staff only: articles.autosave).
    path("editor/autosave/<int:pk>/", autosave.autosave, name="autosave"),
]
