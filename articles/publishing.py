"""Render at approval: each live article's page, rendered once and stored whole.

An approved revision never changes, so everything a reader sees of it (body,
numbered sources, reviewers, tracker, history, JSON-LD, disclaimer) is rendered
when the article's public state changes and stored, compressed, on its LivePage.
A request then does one indexed lookup and sends the stored bytes.

This module is also the one place that knows what depends on what. Each event below
updates the stored pages that show the changed thing (at once, or by marking them
stale so that their next read renders them again), then invalidates the shared
page cache and, once the transaction has committed, purges the CDN:

| event                                   | stored pages              | CDN tags purged       |
|-----------------------------------------|---------------------------|-----------------------|
| an article's public state changed       | rendered again now        | article:<id>, lists   |
| (go-live, re-confirmation, archive,     |                           |                       |
| restore, scheduled publishing)          |                           |                       |
| a reviewer's profile changed            | those showing them: stale | reviewer:<id>, lists  |
| a writer's profile changed              | those crediting them:     | writer:<id>, lists    |
|                                         | stale                     |                       |
| a topic changed                         | those in the topic: stale | topic:<id>, lists     |
| a source's retraction changed           | those citing it: stale    | source:<id>           |
| a disclaimer page edited                | every live page: stale    | page:<key>, lists     |
| another site page edited                | none                      | page:<key>, lists     |
| a deploy changed templates or assets    | every page, on next read  | (purge the CDN)       |
"""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections, router, transaction
from django.template import Engine
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles import render_sources, search, selectors, structured_data
from articles.context_processors import site_context
from articles.models import Article, LivePage, LivePageDependency, SitePage, WriterProfile
from caching import invalidation, page_cache
from caching.http import LISTS_TAG
from reviews.workflow import Status

AUDIENCE_FIELDS = {selectors.PATIENT: "patient_page", selectors.PROFESSIONAL: "professional_page"}
DISCLAIMERS = {
    selectors.PATIENT: SitePage.Key.PATIENT_DISCLAIMER,
    selectors.PROFESSIONAL: SitePage.Key.PROFESSIONAL_DISCLAIMER,
}

# The template a stored page is rendered from. The render version covers everything its
# rendering reaches, found from the code (articles.render_sources): a deploy that changes
# any of it, or the static files the page links to, or the site's identity, leaves every
# stored page outdated: each renders again on its next read (or all at once with
# `manage.py render_live_pages`).
PAGE_TEMPLATE = "articles/article_detail.html"


def render_version() -> str:
    # The footer's copyright line names the year: stored pages render again in a new one.
    year = timezone.now().year
    return hashlib.sha256(f"{sources_digest()}\n{year}".encode()).hexdigest()[:16]


@functools.cache
def page_sources() -> render_sources.RenderSources:
    """What rendering a stored page reaches: found once per process (about half a second)."""
    return render_sources.find(
        templates=[PAGE_TEMPLATE],
        modules=[__name__],
        engine=Engine.get_default(),
        base_dir=Path(settings.BASE_DIR),
    )


def read_source(path: Path) -> bytes:
    return path.read_bytes()


@functools.cache
def _code_digest() -> str:
    """The templates, modules and library versions: fixed for the life of the process."""
    sources = page_sources()
    digest = hashlib.sha256()
    # By name, not by path: every server computes the same version wherever it is installed.
    for kind, files in (("template", sources.templates), ("module", sources.modules)):
        for name, path in files.items():
            digest.update(f"{kind} {name}\n".encode())
            digest.update(hashlib.sha256(read_source(path)).digest())
    digest.update(repr(sorted(sources.distributions.items())).encode())
    return digest.hexdigest()


@functools.cache
def sources_digest() -> str:
    """The code, the static files and the site's identity (articles.receivers clears this
    when those settings change)."""
    # The files the templates link to, and the images the structured data names.
    assets = [*page_sources().static, structured_data.SITE_CARD[0], structured_data.SITE_LOGO[0]]
    digest = hashlib.sha256(f"{_code_digest()}\n".encode())
    for path in sorted(set(assets)):
        # Where they are served from (fingerprinted URLs in production), and what they hold.
        found = finders.find(path)
        digest.update(f"{static(path)}\n".encode())
        digest.update(hashlib.sha256(read_source(Path(found)) if found else b"").digest())
    identity = (settings.SITE_NAME, settings.SITE_URL, settings.VETTED_PUBLISHER_NAME)
    digest.update(repr(identity).encode())
    return digest.hexdigest()


def forget_render_version() -> None:
    """Find the sources again (tests that change templates or code)."""
    for cached in (page_sources, _code_digest, sources_digest):
        cached.cache_clear()


def audience_urls(slug: str) -> dict[str, str]:
    return {
        selectors.PATIENT: reverse("articles:detail", kwargs={"slug": slug}),
        selectors.PROFESSIONAL: reverse("articles:detail_professional", kwargs={"slug": slug}),
    }


def render_page(page: selectors.PublicArticle, audience: str, **context: Any) -> str:
    """The whole article page for one audience.

    Without `context` (a live page being stored) it uses nothing from any request.
    """
    urls = audience_urls(page.article.slug)
    return render_to_string(
        PAGE_TEMPLATE,
        {
            **site_context(urls[audience]),
            "page": page,
            "audience": audience,
            "audience_urls": urls,
            "json_ld": structured_data.script_json(structured_data.article_json_ld(page, audience)),
            "share_image": structured_data.share_image(page),
            "disclaimer": selectors.site_page(DISCLAIMERS[audience]),
            **context,
        },
    )


# --- reading stored pages ----------------------------------------------------------


@dataclass(frozen=True)
class StoredPage:
    """One audience's stored page: what a request needs, and nothing more."""

    article_id: int
    slug: str
    state: str
    title: str
    page_gzip: bytes
    etag: str
    rendered_at: datetime.datetime
    render_version: str
    is_stale: bool
    cache_tags: str

    @property
    def outdated(self) -> bool:
        return self.is_stale or self.render_version != render_version()

    def html(self) -> bytes:
        return gzip.decompress(self.page_gzip)


def stored_page(slug: str, audience: str) -> StoredPage | None:
    """The hot path of every article view: one indexed lookup.

    Plain SQL on purpose: compiling the equivalent ORM query cost more than running it.
    Column and table names come from the model, never from the request.
    """
    meta = LivePage._meta
    part = meta.get_field(AUDIENCE_FIELDS[audience]).column
    sql = (
        f"SELECT article_id, slug, state, title, {part}, etag, rendered_at, render_version,"
        f" is_stale, cache_tags FROM {meta.db_table} WHERE slug = %s"
    )
    with connections[router.db_for_read(LivePage)].cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    return StoredPage(*row[:4], bytes(row[4]), *row[5:])


# --- writing stored pages -----------------------------------------------------------


def _dependencies(page: selectors.PublicArticle) -> set[tuple[str, int]]:
    reviewers = {profile.pk for profile in page.reviewers}
    reviewers |= {profile.pk for entry in page.history for profile in entry.reviewers}
    return (
        {(LivePageDependency.Kind.REVIEWER, pk) for pk in reviewers}
        # Every writer of the revision with a profile, named or not: a profile made
        # public later must name them on this page.
        | {(LivePageDependency.Kind.WRITER, pk) for pk in selectors.writer_profile_ids(page)}
        | {(LivePageDependency.Kind.TOPIC, page.revision.topic_id)}
        | {(LivePageDependency.Kind.SOURCE, link.reference_id) for link in page.cited}
    )


def _compress(html: str) -> bytes:
    # mtime=0: the same page always compresses to the same bytes.
    return gzip.compress(html.encode(), compresslevel=6, mtime=0)


def store_live_page(article: Article) -> LivePage | None:
    """Store the article's current public state; None when it has none."""
    revision = article.live_revision
    if revision is None:
        # Never approved, or restored to draft: off the site (404) until approved again.
        LivePage.objects.filter(pk=article.pk).delete()
        return None
    fields: dict[str, Any] = {
        "slug": article.slug,
        "revision": revision,
        "title": revision.title,
        "summary": revision.summary,
        "topic_id": revision.topic_id,
        "published_at": revision.published_at,
        "content_updated_at": revision.content_updated_at,
        "last_reviewed_at": revision.last_reviewed_at,
        "announced_at": max(
            (d for d in (revision.published_at, revision.last_reviewed_at) if d), default=None
        ),
        "rendered_at": timezone.now(),
        "render_version": render_version(),
        "is_stale": False,
    }
    dependencies: set[tuple[str, int]] = set()
    credited: set[tuple[str, int]] = set()
    if article.status == Status.ARCHIVED:
        fields.update(state=LivePage.State.GONE, patient_page=b"", professional_page=b"")
    else:
        page = selectors.public_article(article=article)
        fields["state"] = LivePage.State.LIVE
        for audience, name in AUDIENCE_FIELDS.items():
            fields[name] = _compress(render_page(page, audience))
        dependencies = _dependencies(page)
        credited = {(LivePageDependency.Kind.REVIEWER, p.pk) for p in page.reviewers} | {
            (LivePageDependency.Kind.WRITER, p.pk) for p in page.writers
        }
    digest = hashlib.sha256(fields["patient_page"] + fields["professional_page"])
    fields["etag"] = f'"{digest.hexdigest()[:32]}"'
    fields["cache_tags"] = ",".join(
        [
            f"article:{article.pk}",
            *(f"{kind}:{object_id}" for kind, object_id in sorted(dependencies)),
            *(f"page:{key}" for key in DISCLAIMERS.values()),
        ]
    )
    live, _ = LivePage.objects.update_or_create(article=article, defaults=fields)
    if live.state == LivePage.State.LIVE:
        # The evidence sections are searchable with the professional section.
        sections = " ".join(
            html for s in revision.sections or [] for html in (s.get("html") or {}).values()
        )
        search.index_page(
            live,
            body_html=revision.body_html,
            professional_html=f"{revision.professional_html} {sections}".strip(),
        )
    else:
        search.unindex_page(live.pk)
    live.dependencies.all().delete()
    LivePageDependency.objects.bulk_create(
        LivePageDependency(
            page=live,
            kind=kind,
            object_id=object_id,
            # The people the byline credits (their public profiles list the page).
            credited=(kind, object_id) in credited,
        )
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
    live = store_live_page(article)
    slugs = {s for s in (old_slug, live.slug if live else None) if s}
    _invalidate(slugs=slugs, tags=[f"article:{article.pk}", LISTS_TAG], urls=_urls_for(slugs))
    return live


def refresh_if_outdated(article_id: int) -> None:
    """Render a stale or outdated stored page again (on its next read)."""
    refresh_page(article_id, only_if_outdated=True)


def ensure_live_page(article: Article) -> None:
    """Store the page of a live article that has none yet (data from before stored pages)."""
    refresh_page(article.pk)


def refresh_page(article_id: int, *, only_if_outdated: bool = False) -> None:
    """Store the article's page again from its current public state."""
    with transaction.atomic():
        # Locked so that a render started before an approval cannot overwrite its result.
        article = Article.objects.select_for_update().get(pk=article_id)
        if only_if_outdated:
            current = LivePage.objects.filter(pk=article_id).first()
            if current is None or (
                not current.is_stale and current.render_version == render_version()
            ):
                return
        store_live_page(article)


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


def writer_named(profile: WriterProfile) -> None:
    """A writer got a profile: pages whose live revision they wrote may now name them."""
    slugs = set(
        LivePage.objects.listed()
        .filter(revision__authors=profile.user_id)
        .values_list("slug", flat=True)
    )
    LivePage.objects.filter(slug__in=slugs).update(is_stale=True)
    _invalidate(slugs=slugs, tags=[f"writer:{profile.pk}", LISTS_TAG], urls=[])


def site_page_changed(key: str) -> None:
    """A site page was edited. Every article page prints a disclaimer."""
    shown_on_articles = key in DISCLAIMERS.values()
    if shown_on_articles:
        LivePage.objects.listed().update(is_stale=True)
    _invalidate(slugs=set(), tags=[f"page:{key}", LISTS_TAG], urls=[], site_wide=shown_on_articles)


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
    """Drop cached copies of what changed: our page cache and the CDN (caching.invalidation)."""
    generations = [
        *(page_cache.article_generation(slug) for slug in slugs),
        *([page_cache.LISTS] if lists else []),
        *([page_cache.SITE] if site_wide else []),
    ]
    invalidation.invalidate(generations=generations, urls=urls, tags=tags)
