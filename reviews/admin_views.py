"""The reviewer's workbench in the Django admin: queue, review screen, action pages,
dashboard and due report.

Thin views: each reads through reviews.selectors or writes through reviews.services.
Every workflow action, from the change form or the review screen or the queue, goes
through `action_view` and the action model (reviews.actions). ArticleAdmin.get_urls
mounts these under /admin/articles/article/.
"""

from __future__ import annotations

import re
from typing import Any

import django_fsm as fsm
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin

from articles import selectors as public_selectors
from articles import stored_pages
from articles.audiences import Audience
from articles.models import Article, ArticleRevision
from articles.states import AWAITING_REVIEW, READY_FOR_REVIEW, Status
from core import paging
from people import roles
from reviews import actions, diff, selectors, services
from reviews.forms import CommentForm, NotificationPreferenceForm, seen_token
from reviews.models import NotificationPreference, ReviewComment
from reviews.workflow import WorkflowError

# Errors that leave everything unchanged, and the status the page answers with.
_REFUSALS: tuple[tuple[type[Exception], int], ...] = (
    (PermissionDenied, 403),
    (WorkflowError, 409),
    (fsm.TransitionNotAllowed, 409),
    (fsm.ConcurrentTransition, 409),
    # A racing step already wrote what a unique constraint allows once.
    (IntegrityError, 409),
    (ValidationError, 400),
)
_RACE_MESSAGE = (
    "Someone else changed this article at the same moment; nothing was saved. Look again."
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


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def action_url(article: Article, name: str) -> str:
    return reverse("admin:articles_article_action", args=[article.pk, name])


def _article_or_404(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> Article:
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise Http404("No such article, or not one you can see.")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def _next_url(request: HttpRequest, article: Article) -> str:
    """Where to go once an action is done: back where it was started."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted == "change":
        return change_url(article)
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}
    ):
        return wanted
    return review_url(article)


# --- queue, dashboard, due report ----------------------------------------------


def queue_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    user = request.user
    board_member = roles.is_board_member(user)
    if not (board_member or roles.is_editor(user) or user.is_superuser):
        raise PermissionDenied
    page = paging.page_of(request, selectors.review_queue(user=user), selectors.QUEUE_PAGE_SIZE)
    # The queue already leaves out what this member wrote, what someone else holds and what
    # they signed, so the start_review action's rule reduces to this here: no query per row.
    rows = [
        {
            "article": a,
            "can_start": board_member
            and (
                a.status in READY_FOR_REVIEW
                or (a.status == Status.IN_REVIEW and a.assigned_reviewer_id is None)
            ),
            "seen": seen_token(a),
        }
        for a in page.object_list
    ]
    context = _context(
        model_admin,
        request,
        "Review queue",
        rows=rows,
        page=page,
        is_board_member=board_member,
        start_review=actions.get("start_review"),
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
    today = timezone.localdate()
    page = paging.page_of(
        request, selectors.due_report(today=today, days=days), selectors.DUE_PAGE_SIZE
    )
    context = _context(
        model_admin,
        request,
        "Reviews falling due",
        rows=selectors.due_rows(page.object_list, today=today),
        page=page,
        days=days,
        horizons=selectors.DUE_HORIZONS,
    )
    return TemplateResponse(request, "admin/reviews/due_report.html", context)


# --- the review screen ----------------------------------------------------------------


def _with_query(request: HttpRequest, **changes: str | None) -> str:
    """This page's query string with `changes` made (None drops a parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode() if query else "?"


def _comparison(request: HttpRequest, article: Article) -> dict[str, Any]:
    """What the diff compares the revision under review with: by default the live revision
    (what readers see now), else the revision sent back in the last round, else nothing
    (a first review shows the whole text as new). `?against=<revision number>` picks any
    other revision; a number that is not one gets a notice and the default."""
    revision = article.current_revision
    baselines = selectors.diff_baselines(article=article)
    base, against_error = baselines.default, ""
    wanted = request.GET.get("against", "").strip()
    if wanted:
        number = int(wanted) if re.fullmatch(r"[0-9]{1,9}", wanted) else None
        chosen = None
        if number is not None and number != revision.number:
            chosen = (
                next(
                    (r for r in (baselines.live, baselines.sent_back) if r and r.number == number),
                    None,
                )
                or ArticleRevision.objects.filter(article=article, number=number).first()
            )
        if chosen is None:
            against_error = (
                f"“{wanted[:20]}” is not an earlier revision of this article, so the "
                "changes are shown against the usual revision instead."
            )
        else:
            base = chosen
    reconfirming = baselines.live is None and article.live_revision_id == revision.pk
    # A re-confirmation of the live revision has nothing new to show unless asked.
    show_whole = base is None and not reconfirming
    shortcuts = []
    if baselines.live is not None:
        shortcuts.append(
            (baselines.live.number, f"Live revision {baselines.live.number} (what readers see now)")
        )
    if baselines.sent_back is not None:
        shortcuts.append(
            (
                baselines.sent_back.number,
                f"Revision {baselines.sent_back.number}, sent back in the last round",
            )
        )
    return {
        "baseline": base,
        "baselines": baselines,
        "baseline_links": [
            (number, label, _with_query(request, against=str(number)))
            for number, label in shortcuts
        ],
        "against_error": against_error,
        "diff": diff.diff_revisions(base, revision) if base is not None or show_whole else None,
        "side_by_side": request.GET.get("view") == "side",
        "inline_url": _with_query(request, view=None),
        "side_url": _with_query(request, view="side"),
        "sent_back": baselines.sent_back,
    }


def review_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    article = _article_or_404(model_admin, request, object_id)
    user = request.user
    revision = article.current_revision
    live = article.live_revision
    offered = {action.name: action for action in actions.available(article, user)}
    forms = {
        name: action.get_form(article, user, request=request)
        for name, action in offered.items()
        if name in ("approve", "request_changes", "assign_reviewer", "reschedule")
    }
    rounds = selectors.review_rounds(article=article)
    audience = (
        Audience.PROFESSIONAL
        if request.GET.get("audience") == Audience.PROFESSIONAL
        else Audience.PATIENT
    )
    context = _context(
        model_admin,
        request,
        f"Review: {article.title}",
        article=article,
        original=article,
        revision=revision,
        live=live,
        reconfirming=revision is not None and live is not None and live.pk == revision.pk,
        reference_rows=selectors.review_references(revision=revision),
        approvals=selectors.approvals_this_round(article=article),
        this_round=rounds[0] if rounds and rounds[0].round.revision_id == revision.pk else None,
        earlier_rounds=[r for r in rounds if r.round.revision_id != getattr(revision, "pk", None)],
        can_comment=revision is not None and services.may_comment(article, user),
        may_mark_addressed=roles.can_edit_content(article, user)
        and article.status in (Status.CHANGES_REQUESTED, Status.DRAFT),
        comment_form=CommentForm(),
        offered=offered,
        action_forms=forms,
        # What the one-click buttons (start review) carry of what this page showed.
        seen=seen_token(article),
        buttons=[
            action for name, action in offered.items() if name not in forms and name != "submit"
        ],
        audience=audience,
        reader_url=reverse("admin:articles_article_read", args=[article.pk, revision.number])
        + (f"?audience={audience}" if audience != Audience.PATIENT else "")
        if revision
        else "",
        awaiting=article.status in AWAITING_REVIEW,
        **(_comparison(request, article) if revision else {}),
    )
    return TemplateResponse(request, "admin/reviews/review.html", context)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def read_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, number: int
) -> HttpResponse:
    """A revision exactly as readers will see it: the public template and stylesheet,
    under the caution banner, for the review screen's frame."""
    article = _article_or_404(model_admin, request, object_id)
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise Http404("No such revision.")
    audience = request.GET.get("audience", Audience.PATIENT)
    if audience not in Audience.values:
        audience = Audience.PATIENT
    page = public_selectors.revision_page(article=article, revision=revision)
    html = stored_pages.render_page(
        page,
        audience,
        request=request,
        caution_detail=f"Revision {revision.number}, as readers will see it once approved.",
    )
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


# --- workflow actions: one view for every one of them ----------------------------------


def _action_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    article: Article,
    action: actions.Action,
    *,
    form: Any = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    revision = article.current_revision
    context = _context(
        model_admin,
        request,
        f"{action.label}: {article.title}",
        article=article,
        original=article,
        action=action,
        form=form,
        refusal=refusal,
        consequences=[c for c in action.consequences(article, user) if c] if not refusal else [],
        next=request.POST.get("next") or request.GET.get("next") or "",
        revision=revision,
        reader_url=reverse("admin:articles_article_read", args=[article.pk, revision.number])
        if revision
        else "",
        reference_rows=selectors.review_references(revision=revision)
        if action.name == "approve"
        else [],
    )
    return TemplateResponse(request, "admin/reviews/action.html", context, status=status)


def action_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, name: str
) -> HttpResponse:
    """Every workflow action, whichever button started it.

    GET shows the action's page: the article, what will happen, and the form with only
    the fields this user may use. POST carries the action out through its service; a
    refusal changes nothing and answers 403 (who), 409 (state, or a race) or 400 (input).
    """
    action = actions.get(name)
    if action is None:
        raise Http404(f"No action called “{name}”.")
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    article = _article_or_404(model_admin, request, object_id)
    user = request.user
    found = action.refusal(article, user)
    if found is not None:
        code, reason = found
        return _action_page(model_admin, request, article, action, refusal=reason, status=code)
    if request.method == "GET":
        if blockers := action.blocked_by(article):
            # Say what to fix, where the confirm button would be; the service refuses too.
            reason = f"Not yet: {' '.join(blockers)} Change the article, then try again."
            return _action_page(model_admin, request, article, action, refusal=reason, status=409)
        form = action.get_form(article, user, request=request)
        return _action_page(model_admin, request, article, action, form=form)
    form = action.get_form(article, user, data=request.POST, request=request)
    if form.is_stale():
        article.refresh_from_db()
        reason = (
            "This article changed while you had the page open: it is now "
            f"{article.get_status_display().lower()}. Nothing was done; look again."
        )
        messages.error(request, reason)
        return _action_page(model_admin, request, article, action, form=None, status=409)
    if not form.is_valid():
        problem = getattr(form, "problem", None)
        messages.error(request, problem() if problem else _first_error(form))
        return _action_page(model_admin, request, article, action, form=form, status=400)
    try:
        with transaction.atomic():
            article = action.perform(article, user, form)
    except tuple(kind for kind, _ in _REFUSALS) as err:
        status = next(code for kind, code in _REFUSALS if isinstance(err, kind))
        text = (
            err.messages
            if isinstance(err, ValidationError)
            else [_RACE_MESSAGE if isinstance(err, IntegrityError) else str(err)]
        )
        for message in text:
            messages.error(request, message or "That action is not allowed.")
        article.refresh_from_db()
        return _action_page(model_admin, request, article, action, form=form, status=status)
    article.refresh_from_db()
    messages.success(request, action.success(article))
    return redirect(_next_url(request, article))


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Check the form."


# --- the conversation ------------------------------------------------------------------


def comment_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """A comment, or a reply in a thread, on the revision under review."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article_or_404(model_admin, request, object_id)

    def refused(text: list[str], status: int) -> HttpResponse:
        for message in text:
            messages.error(request, message)
        response = review_view(model_admin, request, object_id)
        response.status_code = status
        return response

    form = CommentForm(request.POST)
    if not form.is_valid() or article.current_revision is None:
        return refused(["A comment cannot be empty."], 400)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = ReviewComment.objects.filter(
            pk=form.cleaned_data["parent"], revision__article=article
        ).first()
        if parent is None:  # never turn a reply into a new thread silently
            return refused(["The comment you replied to no longer exists."], 400)
    try:
        services.review_comment(
            revision=parent.revision if parent else article.current_revision,
            user=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
        )
    except PermissionDenied as err:
        return refused([str(err)], 403)
    except ValidationError as err:
        return refused(err.messages, 400)
    messages.success(request, "Comment added.")
    return redirect(_next_url(request, article) + "#comments")


def addressed_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, comment_id: int
) -> HttpResponse:
    """The writers mark a reviewer's point addressed (or not yet)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article_or_404(model_admin, request, object_id)
    comment = ReviewComment.objects.filter(pk=comment_id, revision__article=article).first()
    if comment is None:
        raise Http404("No such comment on this article.")
    addressed = request.POST.get("addressed") != "0"
    try:
        services.comment_mark_addressed(comment=comment, user=request.user, addressed=addressed)
    except (PermissionDenied, WorkflowError, ValidationError) as err:
        text = err.messages if isinstance(err, ValidationError) else [str(err)]
        for message in text:
            messages.error(request, message)
    else:
        messages.success(
            request, "Marked as addressed." if addressed else "Marked as not yet addressed."
        )
    return redirect(_next_url(request, article))


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
