"""Reader-facing forms: the audience choice and "Was this helpful?"."""

from __future__ import annotations

from django import forms

from articles.selectors import AUDIENCES


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label="Which best describes you?",
        choices=list(AUDIENCES.items()),
        widget=forms.RadioSelect,
    )


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Was this helpful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
    )
