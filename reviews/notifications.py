"""Review emails, each a task (django-tasks): reviews.steps.notify_after_commit queues it
once the step has committed, so a rolled-back transition never sends anything, and a
worker sends it (settings.TASKS), so a slow or failing mail server never holds up the
step. Tasks take ids, not objects, and read the rows when they run. Users can switch
the emails off (NotificationPreference)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django_tasks import task

from articles.models import Article
from people import roles
from references.models import ReferenceEvent
from reviews.models import ReviewDecision


def _wants_email(users: Iterable) -> list:
    return [
        u
        for u in users
        if u.is_active
        and u.email
        and getattr(getattr(u, "notification_preference", None), "email_enabled", True)
    ]


def _send(template: str, users: Iterable, context: dict) -> int:
    recipients = _wants_email(users)
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"reviews/emails/{template}_subject.txt", context).strip()
    messages = [
        (
            subject,
            render_to_string(f"reviews/emails/{template}.txt", {**context, "recipient": user}),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        for user in recipients
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def _article(article_id: int):
    return Article.objects.select_related("topic", "assigned_reviewer").get(pk=article_id)


def _users_with_perm(perm: str):
    """Active users holding `perm` through a group, directly, or as superusers."""
    app_label, codename = perm.split(".")
    User = get_user_model()
    permission = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    # Separate subqueries: OR-ing the two many-to-many joins multiplies their rows.
    holders = (
        Q(pk__in=User.objects.filter(groups__permissions__in=permission).values("pk"))
        | Q(pk__in=User.objects.filter(user_permissions__in=permission).values("pk"))
        | Q(is_superuser=True)
    )
    return User.objects.filter(holders, is_active=True).select_related("notification_preference")


@task()
def article_submitted(*, article_id: int) -> int:
    article = _article(article_id)
    author_ids = set(article.authors.values_list("pk", flat=True))
    board = [
        u
        for u in _users_with_perm(roles.PERM_REVIEW).filter(reviewer_profile__isnull=False)
        if u.pk not in author_ids and roles.is_board_member(u)
    ]
    return _send("submitted", board, {"article": article})


@task()
def reviewer_assigned(*, article_id: int) -> int:
    article = _article(article_id)
    reviewer = article.assigned_reviewer
    return _send("assigned", [reviewer] if reviewer else [], {"article": article})


@task()
def article_resubmitted(*, article_id: int) -> int:
    """Tell the reviewer who sent the article back that the revised revision is theirs."""
    article = _article(article_id)
    reviewer = article.assigned_reviewer
    return _send("resubmitted", [reviewer] if reviewer else [], {"article": article})


@task()
def changes_requested(*, article_id: int) -> int:
    article = _article(article_id)
    decision = (
        article.decisions.filter(kind=ReviewDecision.Kind.REQUEST_CHANGES)
        .order_by("-created_at")
        .first()
    )
    return _send(
        "changes_requested", article.authors.all(), {"article": article, "decision": decision}
    )


@task()
def article_approved(*, article_id: int) -> int:
    article = _article(article_id)
    return _send("approved", article.authors.all(), {"article": article})


@task()
def reviews_due(*, article_ids: list[int]) -> int:
    articles = list(Article.objects.filter(pk__in=article_ids).select_related("live_revision"))
    return _send("reviews_due", _users_with_perm(roles.PERM_MANAGE), {"articles": articles})


def _editors_and_board():
    editors = set(_users_with_perm(roles.PERM_MANAGE))
    board = {u for u in _users_with_perm(roles.PERM_REVIEW) if roles.is_board_member(u)}
    return sorted(editors | board, key=lambda u: u.pk)


@task()
def rereview_requested(*, article_id: int, reason: str, moved: bool) -> int:
    """A live article needs the board's attention again (e.g. a cited source was retracted)."""
    article = _article(article_id)
    context = {"article": article, "reason": reason, "moved": moved}
    return _send("rereview_requested", _editors_and_board(), context)


@task()
def source_notice(*, event_id: int, article_ids: list[int]) -> int:
    """A source's standing changed (retraction, correction); lists the live articles citing it."""
    event = ReferenceEvent.objects.select_related("reference", "actor").get(pk=event_id)
    articles = list(Article.objects.filter(pk__in=article_ids).order_by("title"))
    context = {"event": event, "reference": event.reference, "articles": articles}
    return _send("source_notice", _editors_and_board(), context)
