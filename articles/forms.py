"""Reader-facing forms: "Was this helpful?" and the contact form."""

from __future__ import annotations

from django import forms

from articles.models import ContactMessage
from core import text_limits


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Was this helpful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
    )


class ContactForm(forms.Form):
    """The contact page's form. Lengths are capped here and in the model; `website` is a
    honeypot: hidden from people (and from screen readers), filled in only by bots."""

    name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={
            "required": "Tell us your name (a first name is enough).",
            "max_length": "Keep your name under %(limit_value)d characters.",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We use it only to reply to you.",
        error_messages={
            "required": "Give an email address so that we can reply.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "Keep the email address under %(limit_value)d characters.",
        },
    )
    kind = forms.ChoiceField(
        label="What is your message about?",
        choices=[("", "Choose one"), *ContactMessage.Kind.choices],
        error_messages={
            "required": "Choose what your message is about.",
            "invalid_choice": "Choose what your message is about from the list.",
        },
    )
    article_url = forms.URLField(
        label="Article address (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="If you are reporting an error, paste the address of the article.",
        error_messages={
            "invalid": "Paste the article's full address, starting with https://.",
            "max_length": "Keep the address under %(limit_value)d characters.",
        },
    )
    message = forms.CharField(
        label="Your message",
        max_length=text_limits.CONTACT_MESSAGE,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write your message.",
            "min_length": "Tell us a little more: at least %(limit_value)d characters.",
            "max_length": "Keep your message under %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())
