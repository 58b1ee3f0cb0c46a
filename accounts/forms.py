from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="One-time code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the email",
        max_length=32,
        help_text="The 8-digit code we emailed you.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code we emailed you."},
    )
