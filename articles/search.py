"""Search over live content only, bounded whatever the size of the archive.

The documents are SearchEntry rows, one per live article, written with its stored
page (articles.stored_pages) and removed when it is withdrawn. On PostgreSQL:

- Matches come from GIN indexes on stored tsvectors: `head` (title A, summary B)
  and `document` (head plus body and professional section, C).
- Ranking never touches more than a fixed number of rows: the articles whose title
  or summary match are ranked on `head` (small and stored inline, so ranking is
  cheap), among the HEAD_POOL most recent such matches; after them come the
  articles that mention the words only in their text, newest first.
- Counting is bounded: exact up to COUNT_LIMIT, then the planner's estimate
  ("about 75,000 results").
- Snippets (ts_headline) are made for the rows on the page only.
- Phrases ("kidney disease"), prefixes (gaba*), OR and -exclusions are understood;
  a word that finds nothing gets a "did you mean" from the words of live titles and
  summaries (SearchTerm, by pg_trgm similarity).

Without PostgreSQL (the embedded SQLite default) a plain word match serves, title
hits first; its speed is not a goal.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.models import LivePage, SearchEntry, SearchTerm

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
PAGE_SIZE = 10
MAX_PAGES = 50  # 500 results: past that, a reader refines the query
HEAD_POOL = 1000
COUNT_LIMIT = 1000
# Private-use characters mark highlights, so writer text is escaped before <mark> goes in.
_START, _STOP = "\ue000", "\ue001"
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r'\b(OR)\b|(-?)"([^"]*)"|(-?)([^\W_]+)(\*?)')
_WORD = re.compile(r"[^\W_]+")


def clean_query(raw: str | None) -> str:
    # Control characters (NUL above all: PostgreSQL rejects it in text) become spaces.
    printable = _CONTROL.sub(" ", raw or "")
    return _SPACES.sub(" ", printable).strip()[:MAX_QUERY_LENGTH]


# --- the query ---------------------------------------------------------------------


@dataclass
class Query:
    """What a reader typed, as terms: every term a run of letters or digits."""

    text: str
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    # Groups of alternatives ("a OR b"), each a list of words.
    alternatives: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes or self.alternatives)

    def tsquery(self) -> str:
        """The query in to_tsquery syntax (safe: operands are letters and digits only)."""
        parts = [f"'{w}'" for w in self.words]
        parts += ["(" + " <-> ".join(f"'{w}'" for w in phrase) + ")" for phrase in self.phrases]
        parts += [f"'{p}':*" for p in self.prefixes]
        parts += ["(" + " | ".join(f"'{w}'" for w in group) + ")" for group in self.alternatives]
        parts += [f"!'{w}'" for w in self.excluded]
        return " & ".join(parts)

    def plain_words(self) -> list[str]:
        return [*self.words, *(w for p in self.phrases for w in p), *self.prefixes]


def parse(raw: str | None) -> Query:
    text = clean_query(raw)
    query = Query(text=text)
    tokens: list[tuple[str, list[str], bool, bool]] = []  # (kind, words, excluded, prefix)
    for match in _TOKEN.finditer(text):
        if match.group(1):
            tokens.append(("or", [], False, False))
        elif match.group(3) is not None:
            words = [w.lower() for w in _WORD.findall(match.group(3))]
            if words:
                tokens.append(("phrase", words, bool(match.group(2)), False))
        else:
            word = match.group(5).lower()
            tokens.append(("word", [word], bool(match.group(4)), bool(match.group(6))))
    terms = 0
    index = 0
    while index < len(tokens) and terms < MAX_TERMS:
        kind, words, excluded, prefix = tokens[index]
        # "a OR b OR c": one group of alternatives.
        if kind == "word" and not excluded and not prefix:
            group = [words[0]]
            while (
                index + 2 < len(tokens)
                and tokens[index + 1][0] == "or"
                and tokens[index + 2][0] == "word"
                and not tokens[index + 2][2]
            ):
                group.append(tokens[index + 2][1][0])
                index += 2
            if len(group) > 1:
                query.alternatives.append(group)
            else:
                query.words.append(group[0])
        elif kind == "word" and excluded:
            query.excluded.append(words[0])
        elif kind == "word" and prefix:
            query.prefixes.append(words[0])
        elif kind == "phrase" and excluded:
            query.excluded.extend(words[:1])
        elif kind == "phrase":
            if len(words) == 1:
                query.words.append(words[0])
            else:
                query.phrases.append(words)
        terms += kind != "or"
        index += 1
    return query


# --- results -------------------------------------------------------------------------


@dataclass
class SearchHit:
    page: LivePage
    snippet: SafeString


@dataclass
class Results:
    query: Query
    hits: list[SearchHit]
    total: int
    total_is_estimate: bool
    number: int
    has_next: bool
    suggestion: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def search(
    raw: str | None,
    *,
    page: int = 1,
    topic_id: int | None = None,
    professional_only: bool = False,
) -> Results:
    """One page of live articles matching `raw`, best first."""
    query = parse(raw)
    page = max(1, min(page, MAX_PAGES))
    if not query:
        return Results(query, [], 0, False, page, False)
    offset = (page - 1) * PAGE_SIZE
    engine = _Postgres if connection.vendor == "postgresql" else _Fallback
    found = engine(query, topic_id=topic_id, professional_only=professional_only)
    ids, total, estimated = found.page_ids(offset, PAGE_SIZE + 1)
    hits = found.hits(ids[:PAGE_SIZE])
    suggestion = "" if total >= 3 else found.suggestion()
    has_next = len(ids) > PAGE_SIZE and page < MAX_PAGES
    return Results(query, hits, total, estimated, page, has_next, suggestion)


def _snippet(headline: str) -> SafeString:
    text = _SPACES.sub(" ", strip_tags(headline)).strip()
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)


class _Postgres:
    # Written into each statement, not computed once in a CTE: the planner must see the
    # query to estimate how many rows match, and choose between the GIN index (rare
    # words) and the newest-first index stopping early (common ones).
    TSQ = f"to_tsquery('{CONFIG}', %(q)s)"

    def __init__(self, query: Query, *, topic_id: int | None, professional_only: bool):
        self.query = query
        self.filters = ""
        self.params: dict[str, object] = {"q": query.tsquery(), "topic": topic_id}
        if topic_id is not None:
            self.filters += " AND e.topic_id = %(topic)s"
        if professional_only:
            self.filters += " AND e.has_professional_section"

    def _sql(self, sql: str, **extra: object) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **extra})
            return cursor.fetchall()

    def page_ids(self, offset: int, limit: int) -> tuple[list[int], int, bool]:
        # Title and summary matches: the most recent HEAD_POOL of them, ranked on `head`.
        pool = self._sql(
            f"""SELECT pool.page_id, count(*) OVER ()
            FROM (
                SELECT e.page_id, e.content_updated_at, e.head
                FROM articles_searchentry e
                WHERE e.head @@ {self.TSQ}{self.filters}
                ORDER BY e.content_updated_at DESC
                LIMIT {HEAD_POOL}
            ) pool
            ORDER BY ts_rank(pool.head, {self.TSQ}) DESC, pool.content_updated_at DESC,
                pool.page_id
            LIMIT %(limit)s OFFSET %(offset)s""",
            limit=limit,
            offset=offset,
        )
        ids = [row[0] for row in pool]
        in_head = pool[0][1] if pool else self._count_head() if offset else 0
        if len(ids) < limit:
            # Then articles that mention the words only in their text, newest first.
            rest = self._sql(
                f"""SELECT e.page_id FROM articles_searchentry e
                WHERE e.document @@ {self.TSQ} AND NOT e.head @@ {self.TSQ}{self.filters}
                ORDER BY e.content_updated_at DESC, e.page_id
                LIMIT %(limit)s OFFSET %(offset)s""",
                limit=limit - len(ids),
                offset=max(0, offset - in_head),
            )
            ids += [row[0] for row in rest]
        total, estimated = self._total()
        return ids, total, estimated

    def _count_head(self) -> int:
        rows = self._sql(
            f"""SELECT count(*) FROM (
                SELECT 1 FROM articles_searchentry e
                WHERE e.head @@ {self.TSQ}{self.filters} LIMIT {HEAD_POOL}
            ) pool"""
        )
        return rows[0][0]

    def _total(self) -> tuple[int, bool]:
        """Exact up to COUNT_LIMIT; past it, the planner's estimate ("about N").

        The estimate comes first: when it is well past the limit, the matches are not
        counted at all (counting thousands of them would cost more than the search).
        """
        estimate = self._estimate()
        if estimate > 2 * COUNT_LIMIT:
            return estimate, True
        rows = self._sql(
            f"""SELECT count(*) FROM (
                SELECT 1 FROM articles_searchentry e
                WHERE e.document @@ {self.TSQ}{self.filters} LIMIT {COUNT_LIMIT + 1}
            ) found"""
        )
        if rows[0][0] <= COUNT_LIMIT:
            return rows[0][0], False
        return max(estimate, COUNT_LIMIT + 1), True

    def _estimate(self) -> int:
        plan = self._sql(
            f"""EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_searchentry e
            WHERE e.document @@ {self.TSQ}{self.filters}"""
        )
        raw = plan[0][0]
        return int((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]["Plan Rows"])

    def hits(self, ids: list[int]) -> list[SearchHit]:
        if not ids:
            return []
        headlines = dict(
            self._sql(
                f"""SELECT e.page_id, ts_headline('{CONFIG}', e.summary || ' ' || e.body_text,
                    {self.TSQ}, %(options)s)
                FROM articles_searchentry e WHERE e.page_id = ANY(%(ids)s)""",
                options=f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15, "
                'MaxFragments=2, FragmentDelimiter=" … "',
                ids=ids,
            )
        )
        pages = {p.pk: p for p in _pages(ids)}
        return [SearchHit(pages[i], _snippet(headlines[i])) for i in ids if i in pages]

    def suggestion(self) -> str:
        """Each word that finds nothing, replaced by the closest known word that does."""
        replaced = {}
        for word in dict.fromkeys(self.query.plain_words()):
            if len(word) < 4 or self._finds(word):
                continue
            with connection.cursor() as cursor:
                # pg_trgm on the small vocabulary of live titles and summaries.
                cursor.execute(
                    """SELECT word FROM articles_searchterm WHERE word %% %s
                    ORDER BY similarity(word, %s) DESC, word LIMIT 5""",
                    [word, word],
                )
                candidates = [row[0] for row in cursor.fetchall()]
            best = next((c for c in candidates if c != word and self._finds(c)), "")
            if best:
                replaced[word] = best
        return _replace_words(self.query.text, replaced)

    def _finds(self, word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM articles_searchentry"
                f" WHERE document @@ plainto_tsquery('{CONFIG}', %s) LIMIT 1",
                [word],
            )
            return cursor.fetchone() is not None


class _Fallback:
    """Word matching for the embedded SQLite default: title hits first, then newest."""

    def __init__(self, query: Query, *, topic_id: int | None, professional_only: bool):
        self.query = query
        entries = SearchEntry.objects.all()
        if topic_id is not None:
            entries = entries.filter(topic_id=topic_id)
        if professional_only:
            entries = entries.filter(has_professional_section=True)
        matches, title_hit = Q(), Q()
        for text in [*query.words, *query.prefixes, *(" ".join(p) for p in query.phrases)]:
            matches &= _anywhere(text)
            title_hit |= Q(title__icontains=text)
        for group in query.alternatives:
            either = Q()
            for word in group:
                either |= _anywhere(word)
                title_hit |= Q(title__icontains=word)
            matches &= either
        for word in query.excluded:
            matches &= ~_anywhere(word)
        self.entries = (
            entries.filter(matches)
            .annotate(
                title_match=Case(When(title_hit, then=1), default=0, output_field=IntegerField())
            )
            .order_by("-title_match", "-content_updated_at", "page_id")
        )

    def page_ids(self, offset: int, limit: int) -> tuple[list[int], int, bool]:
        ids = list(self.entries.values_list("page_id", flat=True)[offset : offset + limit])
        return ids, self.entries.count(), False

    def hits(self, ids: list[int]) -> list[SearchHit]:
        entries = SearchEntry.objects.in_bulk(ids)
        pages = {p.pk: p for p in _pages(ids)}
        words = self.query.plain_words()
        return [
            SearchHit(pages[i], _snippet(_headline(f"{e.summary} {e.body_text}", words)))
            for i in ids
            if (e := entries.get(i)) and i in pages
        ]

    def suggestion(self) -> str:
        vocabulary = list(SearchTerm.objects.values_list("word", flat=True)[:20_000])
        replaced = {}
        for word in dict.fromkeys(self.query.plain_words()):
            if len(word) >= 4 and not SearchEntry.objects.filter(_anywhere(word)).exists():
                best = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
                if best and best[0] != word:
                    replaced[word] = best[0]
        return _replace_words(self.query.text, replaced)


def _anywhere(word: str) -> Q:
    return Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_text__icontains=word)


def _pages(ids: list[int]):
    return (
        LivePage.objects.listed()
        .filter(pk__in=ids)
        .select_related("topic")
        .defer("patient_page", "professional_page", "cache_tags")
    )


def _headline(text: str, words: list[str], width: int = 220) -> str:
    text = _SPACES.sub(" ", text)
    lower = text.lower()
    positions = [p for w in words if (p := lower.find(w)) >= 0]
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


def _replace_words(text: str, replaced: dict[str, str]) -> str:
    if not replaced:
        return ""
    return _WORD.sub(lambda m: replaced.get(m.group(0).lower(), m.group(0)), text)


# --- the stored documents ----------------------------------------------------------


def index_page(live: LivePage, *, body_html: str, professional_html: str) -> None:
    """Store the search document of a live page (called by articles.stored_pages)."""
    body_text = _SPACES.sub(" ", strip_tags(f"{body_html} {professional_html}")).strip()
    SearchEntry.objects.update_or_create(
        page=live,
        defaults={
            "topic_id": live.topic_id,
            "has_professional_section": bool(professional_html.strip()),
            "content_updated_at": live.content_updated_at or live.rendered_at,
            "title": live.title,
            "summary": live.summary,
            "body_text": body_text,
        },
    )
    words = {w for w in _WORD.findall(f"{live.title} {live.summary}".lower()) if 4 <= len(w) <= 60}
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=w) for w in sorted(words)], ignore_conflicts=True
    )
    if connection.vendor == "postgresql":
        head = SearchVector("title", weight="A", config=CONFIG) + SearchVector(
            "summary", weight="B", config=CONFIG
        )
        SearchEntry.objects.filter(page=live).update(
            head=head,
            document=head + SearchVector("body_text", weight="C", config=CONFIG),
        )


def unindex_page(article_id: int) -> None:
    SearchEntry.objects.filter(page_id=article_id).delete()


# Kept for callers that only need to know whether full-text search is available.
def uses_full_text() -> bool:
    return connection.vendor == "postgresql"
