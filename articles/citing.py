"""Where sources are cited: reads that join the reference library to the articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from articles.models import Article, RevisionReference
from articles.states import Status
from references.citations import find_citation_keys
from references.models import Reference


def live_articles_citing(reference: Reference) -> QuerySet[Article]:
    """Articles whose live (public) revision cites this source."""
    return (
        Article.objects.live()
        .filter(live_revision__reference_links__reference=reference)
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class CitingArticle:
    """One row of a source's "cited by" list, as the viewing user may see it."""

    title: str
    url: str  # the admin change page, or the public page for an article the user cannot edit
    note: str


def citing_articles_for(*, reference: Reference, user: Any) -> list[CitingArticle]:
    """Where this source is cited, limited to what `user` may see.

    Articles the user may edit (a writer's own; every article for editors and reviewers) are
    listed with every revision that cites the source and their working copies. Anyone else's
    article appears only through its live revision, under the title the public sees: a
    writer never sees another writer's draft or submitted titles.
    """
    editable_ids = set(Article.objects.editable_by(user).values_list("pk", flat=True))
    links = (
        RevisionReference.objects.filter(reference=reference)
        .select_related("revision__article__live_revision")
        .order_by("revision__article__title", "revision__number")
    )
    rows: dict[int, tuple[str, str, list[str]]] = {}
    for link in links:
        revision, article = link.revision, link.revision.article
        if article.pk in editable_ids:
            state = "approved" if revision.approved_at else "submitted"
            url = reverse("admin:articles_article_change", args=[article.pk])
            entry = rows.setdefault(article.pk, (article.title, url, []))
            entry[2].append(f"revision {revision.number} ({state}), reference {link.position}")
        elif article.live_revision_id == revision.pk and article.status != Status.ARCHIVED:
            rows[article.pk] = (
                revision.title,
                article.get_absolute_url(),
                [f"live revision, reference {link.position}"],
            )
    result = [CitingArticle(title, url, "; ".join(notes)) for title, url, notes in rows.values()]
    for article in _drafts_citing(reference, editable_ids):
        if article.pk not in rows:
            url = reverse("admin:articles_article_change", args=[article.pk])
            result.append(CitingArticle(article.title, url, "working copy only"))
    return result


def _drafts_citing(reference: Reference, editable_ids: set[int]) -> list[Article]:
    """Working copies the user may edit whose text cites this reference (key or identifier)."""
    needles = [f"@{reference.key}"] + [
        v for v in (reference.pmid, reference.pmcid, reference.doi) if v
    ]
    query = Q()
    for needle in needles:
        query |= Q(body__icontains=needle) | Q(professional_body__icontains=needle)
    wanted = {
        ("key", reference.key),
        ("pmid", reference.pmid),
        ("pmcid", reference.pmcid),
        ("doi", reference.doi.lower()),
    }
    candidates = Article.objects.filter(query, pk__in=editable_ids).only(
        "pk", "title", "body", "professional_body"
    )
    return [
        article
        for article in candidates
        if any(
            (k.scheme, k.value.lower() if k.scheme == "doi" else k.value) in wanted
            for k in find_citation_keys(f"{article.body}\n{article.professional_body}")
        )
    ]
