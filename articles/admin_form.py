"""The article change form's edit token: which version of the working copy the form was
opened at, and a short digest of each part it showed.

Django compares a posted form with the row as it is when the POST arrives, so a value
from a stale form counts as a change and would silently undo another person's edit. A
form whose version is behind the article's is refused on the form itself, with who
edited it, when, and what they changed, and with everything the user typed still in
it; unless what changed is nothing this form posts (an editor renamed the authors, which
a writer's form does not carry). The service checks the version again under the row
lock (articles.services.StaleEdit), so of two saves at the same moment one wins.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles.models import Article
from articles.services import edited_since_message
from people.names import display_name

# The evidence sections (an inline), digested as one part of the form.
SECTIONS = "sections"
# The token's fields, hidden in the form's first fieldset.
TOKEN_FIELDS = ("opened_version", "opened_parts")

NO_TOKEN_MESSAGE = (
    "This form does not say which version of the article it was opened at, so saving it "
    "could undo someone else's changes; your changes were not saved."
)


class _Token:
    """A hidden field of the form's own bookkeeping: posted back as rendered, never an edit
    (so never in the form's changed data, nor in the admin's history of changes)."""

    widget = forms.HiddenInput

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


class TokenField(_Token, forms.CharField):
    pass


class TitleWidget(forms.Textarea):
    """The title in a full-width box that wraps, so a long title is read whole while it is
    written (static/articles/editor.css; editor.js keeps Enter from breaking it)."""

    def __init__(self) -> None:
        super().__init__(attrs={"rows": 2, "class": "article-title"})


class ArticleAdminForm(forms.ModelForm):
    opened_version = TokenField(required=False)
    opened_parts = TokenField(required=False)

    class Meta:
        # No model here: the admin names it, and keeps these widgets (modelform_factory).
        widgets = {"title": TitleWidget}

    def clean_title(self) -> str:
        # One line, whatever a paste into the box brought with it.
        return " ".join(self.cleaned_data["title"].split())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.fields["opened_version"].initial = self.instance.version
            self.fields["opened_parts"].initial = encode(part_digests(self.instance, self.parts()))

    def parts(self) -> list[str]:
        """What a save of this form writes: its editable fields, and the sections with them
        (the sections inline is editable exactly when the content is)."""
        names = [name for name in self.fields if name not in TOKEN_FIELDS]
        return [*names, SECTIONS] if "body" in names else names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        article = self.instance
        if article.pk is None or not self.parts():
            return cleaned  # a new article, or a read-only form that saves nothing
        opened = _as_version(cleaned.get("opened_version"))
        if opened is None:
            raise ValidationError(_with_reload(NO_TOKEN_MESSAGE, article), code="stale")
        if opened == article.version:
            return cleaned
        changed = changed_parts(article, self.parts(), cleaned.get("opened_parts", ""))
        if changed == []:
            return cleaned  # edited since, but nothing this form would write back
        raise ValidationError(stale_message(article, changed), code="stale")


def _as_version(token: str | None) -> int | None:
    # Anything but a version number (absent, or mangled) says nothing about what was seen.
    return int(token) if token and token.isdigit() else None


# --- the digests --------------------------------------------------------------------------


def _value(article: Article, name: str) -> Any:
    if name == SECTIONS:
        return list(
            article.sections.order_by("position", "pk").values_list(
                "position", "kind", "heading", "audience", "body"
            )
        )
    field = Article._meta.get_field(name)
    if field.many_to_many:
        return sorted(user.pk for user in getattr(article, name).all())
    value = field.value_from_object(article)
    # A browser posts text with CRLF line ends: the same text either way.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _digest(value: Any) -> str:
    data = json.dumps(value, default=str, sort_keys=True).encode()
    return hashlib.blake2s(data, digest_size=6).hexdigest()


def part_digests(article: Article, parts: list[str]) -> dict[str, str]:
    return {name: _digest(_value(article, name)) for name in parts}


def encode(digests: dict[str, str]) -> str:
    return " ".join(f"{name}={digest}" for name, digest in digests.items())


def decode(token: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in (token or "").split())
    return {name: digest for name, _, digest in pairs if name and digest}


def changed_parts(article: Article, parts: list[str], token: str) -> list[str] | None:
    """The parts whose stored value differs from what the form showed (a part the form
    did not record counts as changed); None if the form recorded nothing at all."""
    opened = decode(token)
    if not opened:
        return None
    now = part_digests(article, parts)
    return [name for name in parts if opened.get(name) != now[name]]


# --- the message --------------------------------------------------------------------------


def _describe(article: Article, name: str) -> str:
    """A changed part, with its value now when that is short enough to print."""
    if name == SECTIONS:
        return "Evidence sections"
    field = Article._meta.get_field(name)
    label = str(field.verbose_name).capitalize()
    if field.many_to_many:
        names = ", ".join(display_name(user) for user in getattr(article, name).all())
        return f"{label}: now {names or 'none'}"
    if field.choices:
        value = getattr(article, f"get_{name}_display")()
    elif field.is_relation:
        value = str(getattr(article, name) or "")
    elif isinstance(field.value_from_object(article), bool):
        value = "yes" if field.value_from_object(article) else "no"
    elif getattr(field, "max_length", None) and field.max_length <= 200:
        value = field.value_from_object(article)
    else:
        return f"{label} (long text)"
    return f"{label}: now “{value}”" if value != "" else f"{label}: now empty"


def _with_reload(text: str, article: Article, changes: str = "") -> str:
    url = reverse("admin:articles_article_change", args=[article.pk])
    return format_html(
        "{}{} Everything you typed is still in the form below: copy what you want to keep, "
        'then <a href="{}">open the article as it is now</a> and make your changes there.',
        text,
        changes,
        url,
    )


def stale_message(article: Article, changed: list[str] | None) -> str:
    """Who changed the article since the form was opened, when, and what they changed."""
    if changed:
        items = format_html_join("", "<li>{}</li>", ((_describe(article, n),) for n in changed))
        changes = format_html(" Here is what changed:<ul>{}</ul>", items)
    else:
        changes = ""
    return _with_reload(edited_since_message(article), article, changes)
