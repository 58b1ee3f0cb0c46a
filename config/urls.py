from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from markdownx.views import ImageUploadView, MarkdownifyView

from articles.feeds import LatestReviewedArticlesAtomFeed, LatestReviewedArticlesFeed
from articles.sitemaps import SITEMAPS

admin.site.site_header = "Vetted editorial"
admin.site.site_title = "Vetted editorial"
admin.site.index_title = "Articles, reviews and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
    # markdownx's preview and upload endpoints are for logged-in staff only.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path(
        "markdownx/upload/",
        staff_member_required(ImageUploadView.as_view()),
        name="markdownx_upload",
    ),
    # Public machine-readable surfaces: live content only.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/articles.rss", LatestReviewedArticlesFeed(), name="feed-rss"),
    path("feeds/articles.atom", LatestReviewedArticlesAtomFeed(), name="feed-atom"),
    path("", include("references.urls")),
    path("", include("articles.urls")),
]
