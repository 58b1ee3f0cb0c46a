"""The editorial admin for articles: the content editor (articles.admin.ArticleContentAdmin)
with the review workflow. Writers draft, the board reviews, editors manage.

The change form's workflow buttons come from the action model (reviews.actions), like
the review screen's: a button saves the form and opens that action's page, served by
the one view that takes every action (reviews.admin_views.action_view), which carries
it out through its service. Saving goes through reviews.services, where editing live
content starts a new draft. The admin adds no workflow logic of its own.

(Not django-fsm's FSMAdminMixin: its buttons and transition pages are a second dispatch
path beside the workbench's, with their own messages and forms.)
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from articles.admin import ArticleContentAdmin, RevisionInline, SectionInline
from articles.models import Article
from articles.states import APPROVED_CONTENT, AWAITING_REVIEW, Status
from reviews import actions, admin_views, banner, selectors, services
from reviews.models import AuditEntry
from reviews.workflow import AUTHOR_RULE

# The change form's buttons post this, naming the action to open once the form is saved.
ACTION_PARAM = "_workflow_action"


class AuditEntryInline(admin.TabularInline):
    model = AuditEntry
    verbose_name_plural = "Review history (audit log)"
    fields = [
        "created_at",
        "actor",
        "transition",
        "from_status",
        "to_status",
        "comment",
        "revision",
        "signature",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "revision", "signature")


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting review"), ("mine", "Assigned to me"), ("due", "Review due")]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.awaiting_review().order_by("updated_at")
        if self.value() == "mine":
            return queryset.filter(assigned_reviewer=request.user, status__in=AWAITING_REVIEW)
        if self.value() == "due":
            return queryset.filter(status=Status.REVIEW_DUE)
        return queryset


class ArticleAdmin(ArticleContentAdmin):
    """Registered for articles.Article by reviews.admin (URLs /admin/articles/article/…)."""

    list_filter = [QueueFilter, "status", "topic"]
    inlines = [SectionInline, RevisionInline, AuditEntryInline]

    def get_urls(self):
        def view(func):
            def wrapper(request, *args, **kwargs):
                return func(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        # Before the model admin's own patterns: "<path:object_id>/" would swallow these.
        return [
            path("queue/", view(admin_views.queue_view), name="articles_article_queue"),
            path("dashboard/", view(admin_views.dashboard_view), name="articles_article_dashboard"),
            path("due/", view(admin_views.due_report_view), name="articles_article_due"),
            path(
                "<path:object_id>/action/<slug:name>/",
                view(admin_views.action_view),
                name="articles_article_action",
            ),
            path(
                "<path:object_id>/review/comment/",
                view(admin_views.comment_view),
                name="articles_article_comment",
            ),
            path(
                "<path:object_id>/review/addressed/<int:comment_id>/",
                view(admin_views.addressed_view),
                name="articles_article_addressed",
            ),
            path(
                "<path:object_id>/review/read/<int:number>/",
                view(admin_views.read_view),
                name="articles_article_read",
            ),
            path(
                "<path:object_id>/review/",
                view(admin_views.review_view),
                name="articles_article_review",
            ),
            *super().get_urls(),
        ]

    def change_context(self, request: HttpRequest, obj: Article) -> dict:
        """The state banner, the reviewers' requests for changes and threads, and the
        workflow's buttons."""
        editable = "body" not in self.get_readonly_fields(request, obj)
        return {
            "state_banner": banner.state_banner(obj, request.user, editable=editable),
            "change_requests": selectors.latest_change_requests(article=obj),
            "review_threads": selectors.comment_threads(revision=obj.current_revision),
            "workflow_actions": [
                action for action in actions.available(obj, request.user) if action.name != "submit"
            ],
            "submit_state": self._submit_state(request, obj),
        }

    @staticmethod
    def _submit_state(request: HttpRequest, obj: Article) -> dict | None:
        """The Submit button, always shown to whoever may submit: disabled with the reason
        when the article's state forbids it, else with what blocks it now (if anything).

        On live content it is enabled: the form's save starts the new draft, which is then
        submitted in the same click (response_change)."""
        if AUTHOR_RULE(obj, request.user) is not None:
            return None  # not theirs to submit (a reviewer, another writer)
        action = actions.get("submit")
        if obj.status in APPROVED_CONTENT:
            return {"refusal": "", "blockers": action.blocked_by(obj)}
        found = action.refusal(obj, request.user)
        if found is not None:
            status, reason = found
            return None if status == 403 else {"refusal": reason, "blockers": []}
        return {"refusal": "", "blockers": action.blocked_by(obj)}

    def response_change(self, request: HttpRequest, obj: Article):
        """After saving, a workflow button opens its action's page (GET): the article, what
        will happen, and the form; the one action view carries it out from there."""
        name = request.POST.get(ACTION_PARAM)
        if not name:
            return super().response_change(request, obj)
        return self._open_action(request, obj, name)

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None):
        name = request.POST.get(ACTION_PARAM)
        if not name:
            return super().response_add(request, obj, post_url_continue)
        return self._open_action(request, obj, name)

    def _open_action(self, request: HttpRequest, obj: Article, name: str):
        action = actions.get(name)
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        if action is not None:
            # The save may have moved the article on (an edit of live content starts a draft).
            obj.refresh_from_db()
            found = action.refusal(obj, request.user)
            if found is not None and found[0] == 409:
                # Not possible in this state (say, Submit with nothing changed on a live
                # article): the reason once, on the form, rather than on a dead-end page.
                self.message_user(request, found[1], messages.WARNING)
                return redirect(change_url)
            if found is None and action.blocked_by(obj):
                # The edits are saved; the writer stays on the form, where what to fix is
                # listed beside the Submit button (said there once, not repeated here).
                self.message_user(
                    request,
                    mark_safe(
                        "Your changes are saved, but the article was not submitted: fix what "
                        '<a href="#submit-panel">is listed beside the Submit button</a>, then '
                        "submit again."
                    ),
                    messages.WARNING,
                )
                return redirect(change_url)
        url = reverse("admin:articles_article_action", args=[obj.pk, name])
        return HttpResponseRedirect(f"{url}?next=change")

    def save_content(self, request: HttpRequest, obj: Article, changed: list[str]) -> Article:
        return services.article_save(article=obj, user=request.user, changed_fields=changed)

    def save_sections(self, request: HttpRequest, obj: Article, save) -> Article:
        return services.article_sections_save(article=obj, user=request.user, save=save)
