from __future__ import annotations

from django.contrib import admin
from django.urls import path

from articles.models import Article
from core.paging import BoundedPaginator
from people import roles
from reviews import admin_views
from reviews.models import (
    AuditEntry,
    NotificationPreference,
    ReviewComment,
    ReviewDecision,
    ReviewRound,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record of reviews is written by the workflow only, and each person sees the
    record of the articles they may see (writers: their own).

    The record grows with every article: lists count only up to a cap and never the
    whole table, and those who see everything are not filtered by every article's id.
    """

    article_lookup = "article"
    show_full_result_count = False
    paginator = BoundedPaginator

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.sees_every_article(request.user):
            return queryset
        visible = Article.objects.editable_by(request.user)
        return queryset.filter(**{f"{self.article_lookup}__in": visible})

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
