from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from articles.feeds import LatestReviewedArticlesAtomFeed, LatestReviewedArticlesFeed
from articles.preview import markdown_preview
from articles.sitemaps import sitemap_index, sitemap_section
from caching.http import public_page
from config.views import favicon, robots_txt, view_on_site


def uploads_disabled(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "image": [
                "Dropped images are not stored: add it to the image library (with its alt "
                "text, caption and credit) and insert it as ![alt](image:ID)."
            ]
        },
        status=403,
    )


# The site's own error pages; a database that cannot be reached answers 503, not 500.
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = "Vetted editorial"
admin.site.site_title = "Vetted editorial"
admin.site.index_title = "Articles, reviews and sources"
# The workbench and the article list need the width; the index and the breadcrumbs lead
# everywhere the sidebar would.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # Second sign-in step and authenticator set-up (before the admin's catch-all patterns).
    path("admin/two-factor/", include("accounts.urls")),
    # Ahead of the admin's own "View on site" shortcut, which checks nothing.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    # markdownx's preview and upload endpoints are for logged-in staff only.
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    # markdownx's drag-and-drop upload stays refused: an image without alt text, caption
    # and credit never reaches a page. Images go through the image library (images.admin).
    path("markdownx/upload/", staff_member_required(uploads_disabled), name="markdownx_upload"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    # Public machine-readable surfaces: live content only.
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("feeds/articles.rss", public_page()(LatestReviewedArticlesFeed()), name="feed-rss"),
    path("feeds/articles.atom", public_page()(LatestReviewedArticlesAtomFeed()), name="feed-atom"),
    # The image library's files, same-origin (images.views.media_file).
    path("", include("images.urls")),
    path("", include("articles.urls")),
]
