"""Forms for transitions that need input. The services validate again on the server."""

from __future__ import annotations

from django import forms


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required. The writers see this with the request.",
        error_messages={"required": "Explain what needs to change: a comment is required."},
    )


class ApprovalForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Optional note."
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept in the audit log.",
        error_messages={"required": "Give a reason for archiving: it is kept in the audit log."},
    )
