"""Reviewer profiles, review rounds with their decisions and comments, and the audit log."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.states import Status
from audit.chain import HashChained, timestamp
from core import text_limits
from core.text_limits import max_length_constraint


class NotificationPreference(models.Model):
    """Per-user email switch; notifications are on unless a user turns them off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("email me about reviews", default=True)

    class Meta:
        verbose_name = "notification preference"
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.email_enabled else 'off'}"


class RoundOutcome(models.TextChoices):
    OPEN = "open", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn (archived)"


class DecisionKind(models.TextChoices):
    APPROVE = "approve", "Approved"
    REQUEST_CHANGES = "request_changes", "Requested changes"


class ReviewRound(models.Model):
    """One pass of the board over one revision.

    A round opens when the writers submit (or when the board starts re-reviewing live
    content that fell due) and closes with the request for changes that sends that
    revision back, or with the approval that completes the sign-off. It keeps who held
    it; its decisions share its number, and its comments point at it, so the next round
    can show what was asked, what was said and what the writers marked as addressed.
    """

    Outcome = RoundOutcome

    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    revision = models.ForeignKey(
        "articles.ArticleRevision", on_delete=models.PROTECT, related_name="rounds"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The board member who held the article in this round.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "review round"
        verbose_name_plural = "review rounds"
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="round_unique_number"),
            # One review in progress per article.
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(outcome=RoundOutcome.OPEN),
                name="round_one_open_per_article",
            ),
            models.CheckConstraint(
                condition=Q(outcome=RoundOutcome.OPEN, closed_at__isnull=True)
                | (~Q(outcome=RoundOutcome.OPEN) & Q(closed_at__isnull=False)),
                name="round_closed_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.get_outcome_display()}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN

    def decisions(self):
        return ReviewDecision.objects.filter(article_id=self.article_id, review_round=self.number)


class ReviewDecision(models.Model):
    """One reviewer's sign-off (or request for changes) on one revision in one review round."""

    Kind = DecisionKind

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="decisions"
    )
    revision = models.ForeignKey(
        "articles.ArticleRevision", on_delete=models.PROTECT, related_name="decisions"
    )
    review_round = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.TextField(
        blank=True,
        max_length=text_limits.COMMENT,
        validators=[MaxLengthValidator(text_limits.COMMENT)],
    )
    checklist = models.JSONField(default=dict, blank=True)
    go_live_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="An editor-approver's requested go-live time, applied when sign-off completes.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "review decision"
        verbose_name_plural = "review decisions"
        ordering = ["created_at", "pk"]
        constraints = [
            # The same person never counts twice towards one round's sign-off.
            models.UniqueConstraint(
                fields=["article", "review_round", "reviewer"],
                condition=Q(kind=DecisionKind.APPROVE),
                name="decision_one_approval_per_reviewer_per_round",
            ),
            max_length_constraint("reviewdecision", "comment", text_limits.COMMENT),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.reviewer} (round {self.review_round})"


class ReviewComment(models.Model):
    """A threaded comment on one revision in one round, shown to its writers.

    A top-level comment is a point the writers answer; they mark it addressed before
    resubmitting, and the next round's reviewer sees which points they marked.
    """

    revision = models.ForeignKey(
        "articles.ArticleRevision", on_delete=models.PROTECT, related_name="comments"
    )
    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_comments"
    )
    body = models.TextField(
        max_length=text_limits.COMMENT, validators=[MaxLengthValidator(text_limits.COMMENT)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    addressed_at = models.DateTimeField(null=True, blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "review comment"
        verbose_name_plural = "review comments"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(addressed_at__isnull=True, addressed_by__isnull=True)
                | Q(addressed_at__isnull=False, addressed_by__isnull=False),
                name="comment_addressed_by_someone",
            ),
            max_length_constraint("reviewcomment", "body", text_limits.COMMENT),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.revision}: {self.body[:40]}"


class ApprovalSignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Signatures cannot be changed.")

    def delete(self):
        raise TypeError("Signatures cannot be deleted.")


class ApprovalSignature(models.Model):
    """The electronic signature on an approval (21 CFR Part 11, §11.50 and §11.70).

    Who signed (printed name and credentials as they stood), when, what the signature
    means, and the content hash of the revision signed, sealed by a hash over all of
    them. Written once by reviews.services.review_approve after the signer
    re-authenticated (accounts.reauth); never edited or deleted.
    """

    class Method(models.TextChoices):
        PASSWORD = "password", "password"
        TOTP = "totp", "authenticator app code"
        RECOVERY_CODE = "recovery_code", "recovery code"

    decision = models.OneToOneField(
        ReviewDecision, on_delete=models.PROTECT, related_name="signature", editable=False
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    printed_name = models.CharField(max_length=120, editable=False)
    credentials = models.CharField(max_length=80, blank=True, editable=False)
    meaning = models.CharField(max_length=200, editable=False)
    signed_at = models.DateTimeField(editable=False)
    content_hash = models.CharField(
        "content signed (SHA-256)",
        max_length=64,
        editable=False,
        help_text="The signed revision's content hash: the signature is bound to that text.",
    )
    method = models.CharField(
        "re-authenticated with", max_length=20, choices=Method.choices, editable=False
    )
    # One re-authentication signs one approval (accounts.reauth issues the nonce).
    reauth_nonce = models.CharField(max_length=64, unique=True, editable=False)
    manifest_hash = models.CharField(max_length=64, editable=False)

    objects = ApprovalSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "approval signature"
        verbose_name_plural = "approval signatures"
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        signed_at = timezone.localtime(self.signed_at)
        return f"{self.signed_by} · {self.meaning} · {signed_at:%Y-%m-%d %H:%M %Z}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Signatures cannot be changed.")
        self.manifest_hash = self.compute_manifest_hash()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Signatures cannot be deleted.")

    @property
    def signed_by(self) -> str:
        return f"{self.printed_name}, {self.credentials}" if self.credentials else self.printed_name

    def manifest(self) -> dict:
        """Everything the signature attests, as signed."""
        return {
            "decision": self.decision_id,
            "signer": self.signer_id,
            "printed_name": self.printed_name,
            "credentials": self.credentials,
            "meaning": self.meaning,
            "signed_at": timestamp(self.signed_at),
            "content_hash": self.content_hash,
            "method": self.method,
            "nonce": self.reauth_nonce,
        }

    def compute_manifest_hash(self) -> str:
        canonical = json.dumps(self.manifest(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditEntry(HashChained):
    """One workflow step: who, when, from, to, why, and which revision. Never edited or deleted.

    Entries form a hash chain (audit.chain): `manage.py verify_audit_log` proves none was
    altered, removed or reordered since it was written.
    """

    class Action(models.TextChoices):
        # The stored values are hashed into the chain: never change one.
        SUBMIT = "submit", "Submitted for review"
        START_REVIEW = "start_review", "Review started"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        APPROVE = "approve", "Approved"
        REVISE = "revise", "New draft of live content"
        FLAG_REVIEW_DUE = "flag_review_due", "Review fell due"
        FLAG_FOR_REREVIEW = "flag_for_rereview", "Re-review requested"
        ASSIGN_REVIEWER = "assign_reviewer", "Reviewer assigned"
        RELEASE = "release", "Review released"
        RESCHEDULE = "reschedule", "Go-live time changed"
        PUBLISH_SCHEDULED = "publish_scheduled", "Published as scheduled"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored to draft"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="audit_entries"
    )
    revision = models.ForeignKey(
        "articles.ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for scheduled system actions.",
    )
    transition = models.CharField("action", max_length=40, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(
        blank=True,
        max_length=text_limits.AUDIT_COMMENT,
        validators=[MaxLengthValidator(text_limits.AUDIT_COMMENT)],
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    signature = models.OneToOneField(
        ApprovalSignature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entry",
        help_text="The approver's electronic signature (approvals only).",
    )

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        ordering = ["created_at", "pk"]
        constraints = [
            max_length_constraint("auditentry", "comment", text_limits.AUDIT_COMMENT),
        ]

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.get_transition_display()}: {self.from_status} → {self.to_status} by {who}"

    def chain_content(self) -> dict:
        return audit_entry_content(self)


def audit_entry_content(entry) -> dict:
    """What an audit entry's hash covers. Also used by migration 0005, which hashed the
    entries written before the chain existed, so it reads plain attributes only."""
    return {
        "article": entry.article_id,
        "revision": entry.revision_id,
        "actor": entry.actor_id,
        "transition": entry.transition,
        "from": entry.from_status,
        "to": entry.to_status,
        "comment": entry.comment,
        "at": timestamp(entry.created_at),
        "signature": entry.signature.manifest_hash if entry.signature_id else None,
    }


# The workflow's proxy of the article, registered with this app's models (its transitions
# live with the workflow's other declarations in reviews.workflow).
from reviews.workflow import ReviewedArticle  # noqa: E402, F401
