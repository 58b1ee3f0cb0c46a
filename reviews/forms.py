"""The workflow actions' forms, and the conversation's. The services validate again.

An action form is built for one article and one user (`ActionForm`): a field the user
may not use is never on it, and `service_kwargs()` gives the cleaned data as the
service's keyword arguments. Each carries the state the user saw (`seen`), so a step
taken on a page that went stale while it was open is refused (409) rather than applied
to something the user never read; a form without it is refused too (400). Actions on the
revision under review (approve, request changes) also carry the revision the user read,
which their service compares with the one under review while it holds the article's lock.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from accounts import reauth
from articles.models import Article, ArticleRevision
from core import text_limits
from people import roles
from people.models import ReviewerProfile
from people.names import display_name
from reviews import selectors
from reviews.models import NotificationPreference
from reviews.services import REVIEW_CHECKLIST


def seen_token(article: Article) -> str:
    """What a page showed of the article: its state and the revision under review."""
    return f"{article.status}:{article.current_revision_id or ''}"


def go_live_field(help_text: str) -> forms.DateTimeField:
    """An optional go-live time, entered with the browser's date-time picker."""
    return forms.DateTimeField(
        label="Go live at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=help_text,
    )


SEEN_MISSING = (
    "This form did not say what you saw of the article, so nothing was done: open the "
    "action from the article again."
)
REVISION_UNREADABLE = (
    "This form did not say which revision you read, so nothing was done: open the revision "
    "under review, read it, and try again."
)


class ActionForm(forms.Form):
    """A workflow action's input for one article and one user."""

    seen = forms.CharField(widget=forms.HiddenInput, error_messages={"required": SEEN_MISSING})

    def __init__(
        self,
        data: Any = None,
        *,
        article: Article,
        user: Any,
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.article = article
        self.user = user
        self.request = request
        self.fields["seen"].initial = seen_token(article)

    def is_stale(self) -> bool:
        """The page was rendered for a state the article has since left (a form without the
        token is not stale but invalid: `seen` is required)."""
        posted = (self.data or {}).get("seen") if self.is_bound else None
        return bool(posted) and posted != seen_token(self.article)

    def service_kwargs(self) -> dict[str, Any]:
        return {}


class NoteForm(ActionForm):
    comment = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.COMMENT,
        required=False,
        help_text="Kept in the review history.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"comment": self.cleaned_data.get("comment", "")}


class SubmitForm(NoteForm):
    comment = forms.CharField(
        label="Note to the reviewer (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.COMMENT,
        required=False,
        help_text="What you changed, or anything the reviewer should know. Kept in the history.",
    )


class RevisionActionForm(ActionForm):
    """An action on the revision under review: it carries the revision the user read, and
    its service refuses unless that is exactly the one under review."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        # A database id: anything outside the column's range is no revision at all.
        min_value=1,
        max_value=models.BigIntegerField.MAX_BIGINT,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), REVISION_UNREADABLE
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.article.current_revision_id

    def service_kwargs(self) -> dict[str, Any]:
        return {"revision_read": self.cleaned_data["revision"]}


class RequiredCommentForm(RevisionActionForm):
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=text_limits.COMMENT,
        help_text="Required. The writers see it, answer it and mark it addressed.",
        error_messages={"required": "Explain what needs to change: a comment is required."},
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "comment": self.cleaned_data["comment"]}


class RequiredReasonForm(ActionForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.COMMENT,
        help_text="Required. Kept in the audit log.",
        error_messages={"required": "Give a reason for archiving: it is kept in the audit log."},
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ScheduleForm(ActionForm):
    go_live_at = go_live_field("Leave empty to publish now.")

    def service_kwargs(self) -> dict[str, Any]:
        return {"go_live_at": self.cleaned_data.get("go_live_at")}


class AssignReviewerForm(ActionForm):
    reviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        help_text="Active board members with current credentials who did not write the article.",
        error_messages={"required": "Choose an eligible board member."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        board = ReviewerProfile.objects.active().values("user")
        users = (
            get_user_model()
            .objects.filter(pk__in=board)
            .exclude(pk__in=self.article.authors.values("pk"))
            .select_related("reviewer_profile")
            .order_by("reviewer_profile__display_name")
        )
        self.fields["reviewer"].queryset = users
        self.fields["reviewer"].label_from_instance = _reviewer_label
        self.fields["reviewer"].initial = self.article.assigned_reviewer_id

    def service_kwargs(self) -> dict[str, Any]:
        return {"reviewer": self.cleaned_data["reviewer"]}


def _reviewer_label(user: Any) -> str:
    profile = getattr(user, "reviewer_profile", None)
    name = display_name(user, credentials=True)
    return f"{name} ({profile.specialty})" if profile else name


class ApprovalForm(RevisionActionForm):
    """The reviewer's checklist (every item required), an optional note, a go-live time
    for editors only, and the electronic signature: the signer's password, or a one-time
    code if they have a second factor, checked again at the moment of approving."""

    claims_supported = forms.BooleanField(label=REVIEW_CHECKLIST["claims_supported"])
    dosing_checked = forms.BooleanField(label=REVIEW_CHECKLIST["dosing_checked"])
    sources_current = forms.BooleanField(label=REVIEW_CHECKLIST["sources_current"])
    disclaimer_fits = forms.BooleanField(label=REVIEW_CHECKLIST["disclaimer_fits"])
    comment = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.COMMENT,
        required=False,
        help_text="Kept with your sign-off.",
    )
    go_live_at = go_live_field("Editors only: leave empty to publish on approval.")
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign."},
    )
    code = forms.CharField(
        label="One-time code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not roles.is_editor(self.user):
            del self.fields["go_live_at"]
        # One secret signs: the one-time code for those with a second factor, else the password.
        self.secret_field = "code" if reauth.asks_for_code(self.user) else "password"
        del self.fields["password" if self.secret_field == "code" else "code"]
        self.fields[self.secret_field].help_text = signing_statement(
            self.user, self.article.current_revision
        )
        # "The sources are current" cannot be confirmed while any source is flagged.
        self.sources_problem = selectors.sources_not_current(revision=self.article.current_revision)
        if self.sources_problem:
            box = self.fields["sources_current"]
            box.disabled, box.required, box.help_text = True, False, self.sources_problem

    @property
    def signature_field(self) -> forms.BoundField:
        return self[self.secret_field]

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in REVIEW_CHECKLIST]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.sources_problem:
            self.add_error("sources_current", self.sources_problem)
        if self.errors:
            return cleaned  # an incomplete form consumes no one-time code
        try:
            cleaned["signature"] = reauth.reauthenticate(
                user=self.user,
                password=cleaned.get("password", ""),
                code=cleaned.get("code", ""),
                request=self.request,
            )
        except ValidationError as err:
            self.add_error(self.secret_field, err)
        return cleaned

    def problem(self) -> str:
        """One line for the messages bar when the form is refused."""
        for token in ("seen", "revision"):
            if self.has_error(token):
                return "Not approved: " + self.errors[token][0]
        if self.sources_problem:
            return "Not approved: " + self.sources_problem
        if self.has_error(self.secret_field) and not any(
            self.has_error(name) for name in self.fields if name != self.secret_field
        ):
            return "Not approved: " + self.errors[self.secret_field][0]
        return "Confirm every checklist item and sign before approving."

    def service_kwargs(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            **super().service_kwargs(),
            "comment": cleaned.get("comment", ""),
            "checklist": {key: bool(cleaned.get(key)) for key in REVIEW_CHECKLIST},
            "go_live_at": cleaned.get("go_live_at"),
            "signature": cleaned["signature"],
        }


def signing_statement(user: Any, revision: ArticleRevision | None) -> str:
    """What the signer is about to attest, in their own printed name."""
    what = "this revision"
    if revision is not None:
        what = f"revision {revision.number} (content SHA-256 {revision.content_hash[:12]}…)"
    return (
        f"Signing as {display_name(user, credentials=True)}: your electronic signature records "
        f"that you reviewed {what} and approve it for publication (or, where the topic needs "
        "more sign-offs, that yours is one of them)."
    )


# --- the conversation ---------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.COMMENT,
        error_messages={"required": "A comment cannot be empty."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled"]
