from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from articles.feeds import LatestReviewedArticlesAtomFeed, LatestReviewedArticlesFeed
from articles.preview import markdown_preview
from articles.sitemaps import SITEMAPS
from config.views import view_on_site


def uploads_disabled(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"image": ["Image uploads are not available: Vetted stores no files."]}, status=403
    )


# A database that cannot be reached answers 503 with a page, not a bare 500.
handler500 = "config.views.server_error"

admin.site.site_header = "Vetted editorial"
admin.site.site_title = "Vetted editorial"
admin.site.index_title = "Articles, reviews and sources"

urlpatterns = [
    # Ahead of the admin's own "View on site" shortcut, which checks nothing.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    # markdownx's preview and upload endpoints are for logged-in staff only.
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    # The editor's drag-and-drop upload stays refused: app servers keep no files
    # (they scale out statelessly) and the CSP allows same-origin images only.
    path("markdownx/upload/", staff_member_required(uploads_disabled), name="markdownx_upload"),
    # Public machine-readable surfaces: live content only.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/articles.rss", LatestReviewedArticlesFeed(), name="feed-rss"),
    path("feeds/articles.atom", LatestReviewedArticlesAtomFeed(), name="feed-atom"),
    path("", include("references.urls")),
    path("", include("articles.urls")),
]
