"""Render at approval: what readers see of a live article, rendered once and stored.

An approved revision never changes, so its page (body, numbered sources, reviewers,
tracker, history, JSON-LD) is rendered when the article's public state changes and
kept on its LivePage; a request then does one lookup and a lean template.

This module is also the one place that knows what depends on what. Each event below
updates the stored pages that show the changed thing (at once, or by marking them
stale so that their next read renders them again), then invalidates the shared
page cache and, once the transaction has committed, purges the CDN:

| event                                   | stored pages          | cache tags purged        |
|-----------------------------------------|-----------------------|--------------------------|
| an article's public state changed       | rendered again now    | article:<id>, lists      |
| (go-live, re-confirmation, archive,     |                       |                          |
| restore, scheduled publishing)          |                       |                          |
| a reviewer's profile changed            | those showing them    | reviewer:<id>, lists     |
| a topic changed                         | those in the topic    | topic:<id>, lists        |
| a source's retraction changed           | those citing it       | source:<id>              |
| a site page (disclaimer, policy) edited | none (request-time)   | page:<key>, lists        |
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles import selectors, structured_data
from articles.models import Article, LivePage, LivePageDependency
from caching import frontend, page_cache
from caching.http import LISTS_TAG
from reviews.workflow import Status

DISCLAIMER_SLOT = "<!--vetted:disclaimer-->"
AUDIENCE_FIELDS = {selectors.PATIENT: "patient_html", selectors.PROFESSIONAL: "professional_html"}

# Where the stored parts come from: a change to any of these (a deploy) or to the
# site's identity makes every stored page render again on its next read.
_RENDER_SOURCES = (
    "templates/articles/_live_article.html",
    "templates/articles/_live_head.html",
    "templates/includes/_review_tracker.html",
    "templates/includes/_audience_form.html",
    "templates/includes/_feedback.html",
    "templates/includes/_caution_banner.html",
    "templates/references/_reference_list.html",
    "articles/publishing.py",
    "articles/selectors.py",
    "articles/structured_data.py",
    "references/formatting.py",
    "references/templatetags/references.py",
)


@functools.cache
def render_version() -> str:
    digest = hashlib.sha256()
    for name in _RENDER_SOURCES:
        digest.update((Path(settings.BASE_DIR) / name).read_bytes())
    digest.update(f"{settings.SITE_NAME}\n{settings.SITE_URL}".encode())
    return digest.hexdigest()[:16]


def audience_urls(slug: str) -> dict[str, str]:
    return {
        selectors.PATIENT: reverse("articles:detail", kwargs={"slug": slug}),
        selectors.PROFESSIONAL: reverse("articles:detail_professional", kwargs={"slug": slug}),
    }


def render_parts(page: selectors.PublicArticle) -> tuple[str, dict[str, str]]:
    """The page's <head> extras and its article for each audience (no request needed)."""
    context = {
        "page": page,
        "json_ld": structured_data.script_json(structured_data.article_json_ld(page)),
        "audience_urls": audience_urls(page.article.slug),
        "disclaimer_slot": mark_safe(DISCLAIMER_SLOT),  # noqa: S308  (a constant comment)
    }
    head = render_to_string("articles/_live_head.html", context)
    parts = {
        audience: render_to_string("articles/_live_article.html", {**context, "audience": audience})
        for audience in AUDIENCE_FIELDS
    }
    return head, parts


def fill_disclaimer(part: str, disclaimer_html: str) -> SafeString:
    return mark_safe(part.replace(DISCLAIMER_SLOT, disclaimer_html, 1))  # noqa: S308  (both stored, sanitised)


# --- writing stored pages -----------------------------------------------------------


def _dependencies(page: selectors.PublicArticle) -> set[tuple[str, int]]:
    reviewers = {profile.pk for profile in page.reviewers}
    reviewers |= {profile.pk for entry in page.history for profile in entry.reviewers}
    return (
        {(LivePageDependency.Kind.REVIEWER, pk) for pk in reviewers}
        | {(LivePageDependency.Kind.TOPIC, page.revision.topic_id)}
        | {(LivePageDependency.Kind.SOURCE, link.reference_id) for link in page.cited}
    )


def _write(article: Article) -> LivePage | None:
    """Store the article's current public state; None when it has none."""
    revision = article.live_revision
    if revision is None:
        # Never approved, or restored to draft: off the site (404) until approved again.
        LivePage.objects.filter(pk=article.pk).delete()
        return None
    now = timezone.now()
    fields = {
        "slug": article.slug,
        "revision": revision,
        "title": revision.title,
        "summary": revision.summary,
        "topic_id": revision.topic_id,
        "published_at": revision.published_at,
        "content_updated_at": revision.content_updated_at,
        "last_reviewed_at": revision.last_reviewed_at,
        "rendered_at": now,
        "render_version": render_version(),
        "is_stale": False,
    }
    if article.status == Status.ARCHIVED:
        fields.update(
            state=LivePage.State.GONE, head_html="", patient_html="", professional_html=""
        )
        dependencies: set[tuple[str, int]] = set()
    else:
        page = selectors.public_article(article=article)
        head, parts = render_parts(page)
        fields.update(state=LivePage.State.LIVE, head_html=head)
        fields.update({AUDIENCE_FIELDS[audience]: html for audience, html in parts.items()})
        dependencies = _dependencies(page)
    fields["cache_tags"] = ",".join(
        [
            f"article:{article.pk}",
            *(f"{kind}:{object_id}" for kind, object_id in sorted(dependencies)),
        ]
    )
    live, _ = LivePage.objects.update_or_create(article=article, defaults=fields)
    live.dependencies.all().delete()
    LivePageDependency.objects.bulk_create(
        LivePageDependency(page=live, kind=kind, object_id=object_id)
        for kind, object_id in sorted(dependencies)
    )
    return live


@transaction.atomic
def article_changed(article: Article) -> LivePage | None:
    """The article's public state changed: store it now, purge caches after commit.

    Called by reviews.services inside the transaction that made the change, so the
    stored page and the workflow state can never disagree.
    """
    old_slug = LivePage.objects.filter(pk=article.pk).values_list("slug", flat=True).first()
    live = _write(article)
    slugs = {s for s in (old_slug, live.slug if live else None) if s}
    _invalidate(slugs=slugs, tags=[f"article:{article.pk}", LISTS_TAG], urls=_urls_for(slugs))
    return live


def refresh_if_outdated(live: LivePage) -> LivePage:
    """Render a stale or outdated stored page again (on its next read)."""
    if not live.is_stale and live.render_version == render_version():
        return live
    with transaction.atomic():
        # Locked so that a render started before an approval cannot overwrite its result.
        current = LivePage.objects.select_for_update().filter(pk=live.pk).first()
        if current is None or (not current.is_stale and current.render_version == render_version()):
            return current or live
        article = Article.objects.select_related("live_revision__topic", "topic").get(pk=live.pk)
        return _write(article) or live


def ensure_live_page(article: Article) -> LivePage | None:
    """Store the page of a live article that has none yet (data from before stored pages)."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        return _write(article)


def mark_stale(kind: str, object_ids: Iterable[int]) -> None:
    """Something pages show changed outside a revision: render them again on next read."""
    ids = list(object_ids)
    pages = LivePage.objects.filter(dependencies__kind=kind, dependencies__object_id__in=ids)
    slugs = set(pages.values_list("slug", flat=True))
    LivePage.objects.filter(slug__in=slugs).update(is_stale=True)
    tags = [f"{kind}:{object_id}" for object_id in ids]
    if kind != LivePageDependency.Kind.SOURCE:
        tags.append(LISTS_TAG)  # names of people and topics also show on list pages
    _invalidate(slugs=slugs, tags=tags, urls=[], lists=LISTS_TAG in tags)


def site_page_changed(key: str) -> None:
    """A disclaimer or policy page was edited: every page that prints it changes."""
    _invalidate(slugs=set(), tags=[f"page:{key}", LISTS_TAG], urls=[], site_wide=True)


def _urls_for(slugs: Iterable[str]) -> list[str]:
    return [url for slug in sorted(slugs) for url in audience_urls(slug).values()]


def _invalidate(
    *,
    slugs: set[str],
    tags: list[str],
    urls: list[str],
    lists: bool = True,
    site_wide: bool = False,
) -> None:
    """Drop cached copies of what changed: our page cache now and after commit, then the CDN.

    The bump now stops the old page being served the moment the change is made; the
    one after commit discards anything a request read before the commit and cached
    meanwhile. The CDN is purged only after commit (a refetch must find the new page),
    and after our own cache, so that its refetch cannot find the old page here.
    """
    generations = [
        *(page_cache.article_generation(slug) for slug in slugs),
        *([page_cache.LISTS] if lists else []),
        *([page_cache.SITE] if site_wide else []),
    ]
    page_cache.bump(*generations)

    def after_commit() -> None:
        page_cache.bump(*generations)
        frontend.purge(urls=urls, tags=tags)

    transaction.on_commit(after_commit, robust=True)
