"""The reviewer's workbench in the Django admin: queue, review screen, dashboard, due report.

Thin views: each reads through reviews.selectors or writes through reviews.services.
ArticleAdmin.get_urls mounts them under /admin/articles/article/.
"""

from __future__ import annotations

from typing import Any

import django_fsm as fsm
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.markdown import render_reference_list
from articles.models import Article
from reviews import diff, roles, selectors, services
from reviews.forms import (
    ApprovalForm,
    AssignReviewerForm,
    CommentForm,
    NotificationPreferenceForm,
    RequiredCommentForm,
    ScheduleForm,
)
from reviews.models import NotificationPreference, ReviewComment
from reviews.workflow import Status

# Service errors that leave everything unchanged, and the status the screen answers with.
_REFUSALS: tuple[tuple[type[Exception], int], ...] = (
    (PermissionDenied, 403),
    (services.WorkflowError, 409),
    (fsm.TransitionNotAllowed, 409),
    (fsm.ConcurrentTransition, 409),
    (ValidationError, 400),
    # A race lost to a constraint: the service's transaction rolled back.
    (IntegrityError, 409),
)


def _context(model_admin: ModelAdmin, request: HttpRequest, title: str, **extra: Any) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def review_url(article: Article) -> str:
    return reverse("admin:articles_article_review", args=[article.pk])


def _can(article: Article, name: str, user: Any) -> bool:
    method = getattr(article, name)
    return fsm.can_proceed(method) and fsm.has_transition_perm(method, user)


# --- queue, dashboard, due report ----------------------------------------------


def queue_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    user = request.user
    board_member = roles.is_board_member(user)
    if not (board_member or roles.is_editor(user) or user.is_superuser):
        raise PermissionDenied
    rows = [
        {
            "article": a,
            "can_claim": board_member and a.status in (Status.SUBMITTED, Status.REVIEW_DUE),
        }
        for a in selectors.review_queue(user=user)
    ]
    context = _context(
        model_admin, request, "Review queue", rows=rows, is_board_member=board_member
    )
    return TemplateResponse(request, "admin/reviews/queue.html", context)


def _require_editor(user: Any) -> None:
    if not (roles.is_editor(user) or user.is_superuser):
        raise PermissionDenied


def dashboard_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    states = selectors.editor_dashboard()
    context = _context(model_admin, request, "Editorial dashboard", states=states)
    return TemplateResponse(request, "admin/reviews/dashboard.html", context)


def due_report_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (roles.is_board_member(user) or roles.is_editor(user) or user.is_superuser):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    if days not in selectors.DUE_HORIZONS:
        days = 90
    rows = selectors.due_report(days=days)
    context = _context(
        model_admin,
        request,
        "Reviews falling due",
        rows=rows,
        days=days,
        horizons=selectors.DUE_HORIZONS,
    )
    return TemplateResponse(request, "admin/reviews/due_report.html", context)


# --- the review screen ----------------------------------------------------------


def _article_or_404(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> Article:
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise Http404("No such article, or not one you can see.")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def _review_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    article: Article,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    user = request.user
    revision = article.current_revision
    live = article.live_revision
    can_schedule = roles.is_editor(user)
    can_assign = roles.is_editor(user) and article.status in selectors.AWAITING
    cited = selectors.review_references(revision=revision)
    reconfirming = revision is not None and live is not None and live.pk == revision.pk
    context = _context(
        model_admin,
        request,
        f"Review: {article.title}",
        article=article,
        original=article,
        revision=revision,
        live=live,
        # Nothing to compare when the board re-confirms the live revision itself.
        diff=diff.diff_revisions(live, revision) if revision and not reconfirming else None,
        reconfirming=reconfirming,
        reference_rows=cited,
        reference_list_html=render_reference_list([row.reference for row in cited]),
        threads=selectors.comment_threads(revision=revision),
        approvals=selectors.approvals_this_round(article=article),
        change_requests=selectors.latest_change_requests(article=article),
        can_claim=_can(article, "start_review", user),
        can_approve=_can(article, "approve", user),
        can_request_changes=_can(article, "request_changes", user),
        can_comment=revision is not None
        and (roles.can_review_article(article, user) or roles.can_edit_content(article, user)),
        can_assign=can_assign,
        approval_form=forms.get("approval_form") or ApprovalForm(can_schedule=can_schedule),
        changes_form=forms.get("changes_form") or RequiredCommentForm(),
        comment_form=forms.get("comment_form") or CommentForm(),
        assign_form=forms.get("assign_form")
        or (AssignReviewerForm(article=article) if can_assign else None),
        schedule_form=forms.get("schedule_form")
        or (
            ScheduleForm(initial={"go_live_at": article.scheduled_live_at})
            if can_schedule and article.scheduled_revision_id
            else None
        ),
    )
    return TemplateResponse(request, "admin/reviews/review.html", context, status=status)


def review_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    article = _article_or_404(model_admin, request, object_id)
    return _review_page(model_admin, request, article)


def _refused(
    model_admin: ModelAdmin, request: HttpRequest, article: Article, err: Exception, **forms: Any
) -> HttpResponse:
    status = next(code for kind, code in _REFUSALS if isinstance(err, kind))
    if isinstance(err, ValidationError):
        text = err.messages
    elif isinstance(err, IntegrityError):
        text = ["Someone acted on this article at the same moment; nothing was changed."]
    else:
        text = [str(err)]
    for message in text:
        messages.error(request, message or "That action is not allowed.")
    article.refresh_from_db()
    return _review_page(model_admin, request, article, status=status, **forms)


def review_action_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, action: str
) -> HttpResponse:
    """Every button on the review screen POSTs here; a service does the work."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article_or_404(model_admin, request, object_id)
    user = request.user
    forms: dict[str, Any] = {}
    try:
        if action == "claim":
            services.review_start(article=article, user=user)
            done = "You are now the reviewer of this article."
        elif action == "approve":
            form = ApprovalForm(request.POST, can_schedule=roles.is_editor(user))
            forms["approval_form"] = form
            if not form.is_valid():
                messages.error(request, "Confirm every checklist item before approving.")
                return _review_page(model_admin, request, article, status=400, **forms)
            article = services.review_approve(article=article, user=user, **form.cleaned_data)
            done = _approved_message(article)
        elif action == "request-changes":
            form = RequiredCommentForm(request.POST)
            forms["changes_form"] = form
            if not form.is_valid():
                messages.error(request, "Explain what needs to change: a comment is required.")
                return _review_page(model_admin, request, article, status=400, **forms)
            services.review_request_changes(
                article=article, user=user, comment=form.cleaned_data["comment"]
            )
            done = "Changes requested; the writers have been told."
        elif action == "comment":
            form = CommentForm(request.POST)
            forms["comment_form"] = form
            if not form.is_valid() or article.current_revision is None:
                messages.error(request, "A comment cannot be empty.")
                return _review_page(model_admin, request, article, status=400, **forms)
            parent = None
            if form.cleaned_data.get("parent"):
                parent = ReviewComment.objects.filter(pk=form.cleaned_data["parent"]).first()
                if parent is None:  # never turn a reply into a new thread silently
                    messages.error(request, "The comment you replied to no longer exists.")
                    return _review_page(model_admin, request, article, status=400, **forms)
            services.review_comment(
                revision=article.current_revision,
                user=user,
                body=form.cleaned_data["body"],
                parent=parent,
            )
            done = "Comment added."
        elif action == "assign":
            if not (roles.is_editor(user) or user.is_superuser):
                raise PermissionDenied("Only editors can assign reviewers.")
            form = AssignReviewerForm(request.POST, article=article)
            forms["assign_form"] = form
            if not form.is_valid():
                messages.error(request, "Choose an eligible board member.")
                return _review_page(model_admin, request, article, status=400, **forms)
            reviewer = form.cleaned_data["reviewer"]
            services.review_assign(article=article, user=user, reviewer=reviewer)
            done = (
                f"Assigned to {reviewer.get_full_name() or reviewer.username}; they have been told."
            )
        elif action == "reschedule":
            form = ScheduleForm(request.POST)
            forms["schedule_form"] = form
            if not form.is_valid():
                messages.error(request, "Enter the go-live time as YYYY-MM-DD HH:MM.")
                return _review_page(model_admin, request, article, status=400, **forms)
            article = services.article_reschedule(
                article=article, user=user, go_live_at=form.cleaned_data["go_live_at"]
            )
            done = _approved_message(article)
        else:
            raise Http404("Unknown review action.")
    except tuple(kind for kind, _ in _REFUSALS) as err:
        return _refused(model_admin, request, article, err, **forms)
    messages.success(request, done)
    return redirect(review_url(article))


def _approved_message(article: Article) -> str:
    if article.status == Status.IN_REVIEW:
        return (
            "Your approval is recorded. This topic needs "
            f"{article.topic.required_approvals} distinct approvals"
            + (
                f", including one from {article.topic.required_specialty}"
                if article.topic.required_specialty
                else ""
            )
            + " before it goes live."
        )
    if article.scheduled_live_at:
        when = timezone.localtime(article.scheduled_live_at)
        return f"Approved. It goes live at {when:%Y-%m-%d %H:%M}."
    return "Approved. The public page now shows this revision."


# --- notification preferences -------------------------------------------------------


def my_notifications_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Any staff user switches their own review emails on or off (and no one else's)."""
    preference, _ = NotificationPreference.objects.get_or_create(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = NotificationPreferenceForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        state = "on" if form.cleaned_data["email_enabled"] else "off"
        messages.success(request, f"Review emails are now {state}.")
        return redirect("admin:reviews_notificationpreference_mine")
    context = _context(model_admin, request, "My notifications", form=form)
    return TemplateResponse(request, "admin/reviews/my_notifications.html", context)
