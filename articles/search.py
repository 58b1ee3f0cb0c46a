"""Search over live (approved) content only.

PostgreSQL: full-text search, title weighted above summary above body, ranked,
with ts_headline snippets; the expression matches the GIN index created by
migration 0002. SQLite (the embedded default): a plain word match, title hits first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles import selectors
from articles.models import Article

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Private-use characters mark highlights, so writer text is escaped before <mark> goes in.
_START, _STOP = "\ue000", "\ue001"
# Citation keys (possibly cut by the headline) and Markdown emphasis/heading marks.
_MARKDOWN_NOISE = re.compile(r"\[@[^\]]*(?:\]|$)|@[\w:./-]+\]|[#*_`]+|^>\s?", re.M)
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class SearchHit:
    article: Article
    snippet: SafeString


def search_vector() -> SearchVector:
    """The weighted document; keep it identical to the GIN index expression."""
    return (
        SearchVector("live_revision__title", weight="A", config=CONFIG)
        + SearchVector("live_revision__summary", weight="B", config=CONFIG)
        + SearchVector("live_revision__body", weight="C", config=CONFIG)
    )


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def clean_query(raw: str | None) -> str:
    # Control characters (NUL above all: PostgreSQL rejects it in text) become spaces.
    printable = _CONTROL.sub(" ", raw or "")
    return _SPACES.sub(" ", printable).strip()[:MAX_QUERY_LENGTH]


def search_articles(raw_query: str) -> QuerySet[Article]:
    """Live articles matching the query, best first."""
    query = clean_query(raw_query)
    if not query:
        return Article.objects.none()
    if uses_full_text():
        return _postgres(query)
    return _fallback(query)


def _postgres(query: str) -> QuerySet[Article]:
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    return (
        selectors.live_articles()
        .annotate(document=search_vector())
        .filter(document=search_query)  # "@@", which the GIN index answers
        .annotate(rank=SearchRank(F("document"), search_query))
        .annotate(
            headline=SearchHeadline(
                Concat(
                    F("live_revision__summary"),
                    Value(" "),
                    F("live_revision__body"),
                    output_field=TextField(),
                ),
                search_query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .order_by("-rank", "-live_revision__content_updated_at", "pk")
    )


def _words(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1][:8]


def _fallback(query: str) -> QuerySet[Article]:
    words = _words(query)
    if not words:
        return Article.objects.none()
    matches = Q()
    title_hit = Q()
    for word in words:
        matches &= (
            Q(live_revision__title__icontains=word)
            | Q(live_revision__summary__icontains=word)
            | Q(live_revision__body__icontains=word)
        )
        title_hit |= Q(live_revision__title__icontains=word)
    return (
        selectors.live_articles()
        .filter(matches)
        .annotate(title_match=Case(When(title_hit, then=1), default=0, output_field=IntegerField()))
        .order_by("-title_match", "-live_revision__content_updated_at", "pk")
    )


def hits(articles: list[Article], raw_query: str) -> list[SearchHit]:
    """Attach a highlighted snippet to each article on the current page of results."""
    query = clean_query(raw_query)
    return [SearchHit(article, _snippet(article, query)) for article in articles]


def _snippet(article: Article, query: str) -> SafeString:
    headline = getattr(article, "headline", None)
    if headline is None:
        revision = article.live_revision
        headline = _python_headline(f"{revision.summary} {revision.body}", _words(query))
    text = _SPACES.sub(" ", _MARKDOWN_NOISE.sub("", strip_tags(headline))).strip()
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)


def _python_headline(text: str, words: list[str], width: int = 220) -> str:
    text = _SPACES.sub(" ", _MARKDOWN_NOISE.sub("", strip_tags(text)))
    lower = text.lower()
    positions = [lower.find(w) for w in words if lower.find(w) >= 0]
    start = max(0, min(positions) - 60) if positions else 0
    excerpt = text[start : start + width]
    if start > 0:
        excerpt = "…" + excerpt
    if start + width < len(text):
        excerpt += "…"
    if not words:
        return excerpt
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)
