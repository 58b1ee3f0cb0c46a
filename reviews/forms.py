"""Forms for transitions that need input. The services validate again on the server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import reauth
from reviews.models import NotificationPreference, ReviewerProfile
from reviews.services import REVIEW_CHECKLIST


def go_live_field(help_text: str) -> forms.DateTimeField:
    """An optional go-live time, entered with the browser's date-time picker."""
    return forms.DateTimeField(
        label="Go live at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=help_text,
    )


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required. The writers see this with the request.",
        error_messages={"required": "Explain what needs to change: a comment is required."},
    )


class ApprovalForm(forms.Form):
    """The reviewer's checklist (every item required), an optional note and go-live time,
    and the electronic signature: the signer's password, or a one-time code if they
    have a second factor, checked again at the moment of approving.

    cleaned_data is shaped as services.review_approve's keyword arguments.
    """

    claims_supported = forms.BooleanField(label=REVIEW_CHECKLIST["claims_supported"])
    dosing_checked = forms.BooleanField(label=REVIEW_CHECKLIST["dosing_checked"])
    sources_current = forms.BooleanField(label=REVIEW_CHECKLIST["sources_current"])
    disclaimer_fits = forms.BooleanField(label=REVIEW_CHECKLIST["disclaimer_fits"])
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Optional note."
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

    def __init__(
        self,
        *args: Any,
        user: Any,
        request: HttpRequest | None = None,
        revision: Any = None,
        can_schedule: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.signer = user
        self.request = request
        if not can_schedule:
            del self.fields["go_live_at"]
        # One secret signs: the one-time code for those with a second factor, else the password.
        self.secret_field = "code" if reauth.asks_for_code(user) else "password"
        del self.fields["password" if self.secret_field == "code" else "code"]
        self.fields[self.secret_field].help_text = _signing_statement(user, revision)

    @property
    def signature_field(self) -> forms.BoundField:
        return self[self.secret_field]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned  # an incomplete form consumes no one-time code
        try:
            proof = reauth.reauthenticate(
                user=self.signer,
                password=cleaned.get("password", ""),
                code=cleaned.get("code", ""),
                request=self.request,
            )
        except ValidationError as err:
            self.add_error(self.secret_field, err)
            return cleaned
        return {
            "comment": cleaned.get("comment", ""),
            "checklist": {key: bool(cleaned.get(key)) for key in REVIEW_CHECKLIST},
            "go_live_at": cleaned.get("go_live_at"),
            "signature": proof,
        }


def _signing_statement(user: Any, revision: Any) -> str:
    """What the signer is about to attest, in their own printed name."""
    profile = getattr(user, "reviewer_profile", None)
    name = f"{profile.display_name}, {profile.credentials}" if profile else user.get_full_name()
    what = "this revision"
    if revision is not None:
        what = f"revision {revision.number} (content SHA-256 {revision.content_hash[:12]}…)"
    return (
        f"Signing as {name or user.get_username()}: your electronic signature records that "
        f"you reviewed {what} and approve it for publication (or, where the topic needs "
        "more sign-offs, that yours is one of them)."
    )


class ScheduleForm(forms.Form):
    go_live_at = go_live_field("Leave empty to publish now.")


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept in the audit log.",
        error_messages={"required": "Give a reason for archiving: it is kept in the audit log."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A comment cannot be empty."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        help_text="Active board members with current credentials who did not write the article.",
    )

    def __init__(self, *args: Any, article: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        board = ReviewerProfile.objects.active().values("user")
        users = get_user_model().objects.filter(pk__in=board).order_by("username")
        if article is not None and article.pk:
            users = users.exclude(pk__in=article.authors.values("pk"))
        self.fields["reviewer"].queryset = users
        self.fields["reviewer"].label_from_instance = _reviewer_label


def _reviewer_label(user: Any) -> str:
    profile = getattr(user, "reviewer_profile", None)
    if profile is None:
        return user.get_username()
    return f"{profile.display_name}, {profile.credentials} ({profile.specialty})"


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled"]
