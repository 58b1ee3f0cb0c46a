"""`{% cited_by reference as rows %}`: the articles citing a source, as the viewing user
may see them (articles.citing). The reference library's change page shows it: the
library knows sources, and which articles cite one is the articles' to say."""

from __future__ import annotations

from django import template

from articles import citing
from references.models import Reference

register = template.Library()


@register.simple_tag(takes_context=True)
def cited_by(context, reference: Reference) -> list[citing.CitingArticle]:
    return citing.citing_articles_for(reference=reference, user=context["request"].user)
