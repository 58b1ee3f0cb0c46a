"""The review record in the admin (read-only), notification preferences, and the
editorial article admin (reviews.article_admin), registered here for articles.Article."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from articles.admin import ReadOnlyAdmin
from articles.models import Article
from reviews import admin_views
from reviews.article_admin import ArticleAdmin
from reviews.models import (
    AuditEntry,
    NotificationPreference,
    ReviewComment,
    ReviewDecision,
    ReviewRound,
)

admin.site.register(Article, ArticleAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "created_at",
        "article",
        "transition",
        "from_status",
        "to_status",
        "actor",
        "signature",
    ]
    # Dates as a filter (today, past 7 days, this month…) rather than a date hierarchy,
    # which reads every entry's date to offer its years and months.
    list_filter = ["transition", "to_status", "created_at"]
    list_select_related = ["article", "actor", "signature"]
    search_fields = ["article__title", "comment"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "article", "review_round", "reviewer", "kind", "signature"]
    list_filter = ["kind"]
    list_select_related = ["article", "reviewer", "signature"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "revision", "reviewer", "outcome", "opened_at"]
    list_filter = ["outcome"]
    list_select_related = ["article", "revision", "reviewer"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    article_lookup = "revision__article"
    list_display = ["created_at", "revision", "author"]
    list_select_related = ["revision", "author"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_urls(self):
        # Every staff user may switch their own emails; the list stays for superusers.
        mine = self.admin_site.admin_view(
            lambda request: admin_views.my_notifications_view(self, request)
        )
        return [
            path("mine/", mine, name="reviews_notificationpreference_mine"),
            *super().get_urls(),
        ]
