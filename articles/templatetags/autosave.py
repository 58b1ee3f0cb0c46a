"""`{% article_autosave original as autosave %}`: what the article editor's autosave needs
on the change form (articles.autosave, static/articles/autosave.js): where to save, and
the viewing user's unsaved changes to offer back, if any (articles.services.autosave_offer).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from articles import services
from articles.models import Article
from people.names import display_name

register = template.Library()


@register.simple_tag(takes_context=True)
def article_autosave(context, article: Article | None) -> dict[str, Any]:
    user = context["request"].user
    if article is None or article.pk is None:
        # A new article has nowhere to keep it yet: the browser keeps it (localStorage).
        return {"url": "", "storage_key": f"vetted-autosave:{user.pk}:new", "offer": None}
    offer = services.autosave_offer(article, user)
    saved_since = ""
    if offer is not None and offer.opened_version != article.version:
        editor = article.last_edited_by
        saved_since = display_name(editor) if editor is not None else "someone else"
    return {
        "url": reverse("articles:autosave", kwargs={"pk": article.pk}),
        "storage_key": "",
        "offer": offer,
        "saved_since": saved_since,
    }
