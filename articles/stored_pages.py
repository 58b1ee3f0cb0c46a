"""Render at approval: each live article's page, rendered once and stored whole.

An approved revision never changes, so everything a reader sees of it (body,
numbered sources, reviewers, tracker, history, JSON-LD, disclaimer) is rendered
when the article's public state changes and stored, compressed, on its LivePage.
A request then does one indexed lookup and sends the stored bytes.

This module is also the one place that knows what depends on what. Each event below
updates the stored pages that show the changed thing (at once, or by marking them
stale for a task, queued when the change commits, to render them again), then
invalidates the shared page cache and, once the transaction has committed, purges the
CDN; a page stored again by the task is invalidated and purged (article:<id>) then.
No reader's request ever renders or writes a stored page.

| event                                   | stored pages              | CDN tags purged       |
|-----------------------------------------|---------------------------|-----------------------|
| an article's public state changed       | rendered again now        | article:<id>, lists   |
| (go-live, re-confirmation, archive,     |                           |                       |
| restore, scheduled publishing)          |                           |                       |
| a reviewer's profile changed            | those showing them: stale | reviewer:<id>, lists  |
| a writer's profile changed              | those crediting them:     | writer:<id>, lists    |
|                                         | stale                     |                       |
| a topic changed                         | those in the topic: stale | topic:<id>, lists     |
| a source's retraction changed, or a     | those citing it: stale    | source:<id>           |
| correction recorded                     |                           |                       |
| a disclaimer page edited                | every live page: stale    | page:<key>, lists     |
| another site page edited                | none                      | page:<key>, lists     |
| a deploy changed the code or assets     | every page, by            | article:<id>, as each |
| that render pages                       | `render_live_pages`       | is stored again       |
"""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
import logging
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
from django_tasks import task

from articles import render_sources, search, selectors, structured_data
from articles.audiences import Audience
from articles.context_processors import site_context
from articles.models import Article, LivePage, LivePageDependency, SitePage
from articles.states import Status
from caching import invalidation, page_cache
from caching.http import LISTS_TAG
from people.models import WriterProfile

logger = logging.getLogger(__name__)

PAGE_COLUMNS = {Audience.PATIENT: "patient_page", Audience.PROFESSIONAL: "professional_page"}
DISCLAIMERS = {
    Audience.PATIENT: SitePage.Key.PATIENT_DISCLAIMER,
    Audience.PROFESSIONAL: SitePage.Key.PROFESSIONAL_DISCLAIMER,
}

# The template a stored page is rendered from. The render version covers everything its
# rendering reaches, found from the code (articles.render_sources): a deploy that changes
# any of it, or the static files the page links to, or the site's identity, leaves every
# stored page outdated, and `manage.py render_live_pages` renders them again.
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
        Audience.PATIENT: reverse("articles:detail", kwargs={"slug": slug}),
        Audience.PROFESSIONAL: reverse("articles:detail_professional", kwargs={"slug": slug}),
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
    """One audience's stored page: what a request needs, and nothing more.

    Served as it is, even when stale or outdated: rendering it again is a task's job,
    never a reader's (see "rendering stored pages again" below).
    """

    article_id: int
    slug: str
    state: str
    title: str
    page_gzip: bytes
    etag: str
    rendered_at: datetime.datetime
    cache_tags: str

    def html(self) -> bytes:
        return gzip.decompress(self.page_gzip)


def stored_page(slug: str, audience: str) -> StoredPage | None:
    """The hot path of every article view: one indexed lookup.

    Plain SQL on purpose: compiling the equivalent ORM query cost more than running it.
    Column and table names come from the model, never from the request.
    """
    meta = LivePage._meta
    part = meta.get_field(PAGE_COLUMNS[audience]).column
    sql = (
        f"SELECT article_id, slug, state, title, {part}, etag, rendered_at, cache_tags"
        f" FROM {meta.db_table} WHERE slug = %s"
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
        for audience, name in PAGE_COLUMNS.items():
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

    Called inside the transaction that made the change (going live, approval, archive,
    restore: articles.going_live, reviews.services, reviews.scheduling), so the stored
    page and the workflow state can never disagree.
    """
    old_slug = LivePage.objects.filter(pk=article.pk).values_list("slug", flat=True).first()
    live = store_live_page(article)
    slugs = {s for s in (old_slug, live.slug if live else None) if s}
    _invalidate(slugs=slugs, tags=[f"article:{article.pk}", LISTS_TAG], urls=_urls_for(slugs))
    return live


# --- rendering stored pages again ----------------------------------------------------
#
# A page goes stale when something it shows changes outside a revision (a name, a topic, a
# retraction, a disclaimer), and outdated when a deploy changes the code it was rendered
# with. Readers never render it again, nor write anything: until a task has rendered it
# again, they get the stored page. That is safe because the approved content itself (the
# revision's text, sources and dates) never changes; only its presentation, or people's
# and topics' names, lag behind, for the seconds the task takes.
#
# Who renders them again: the change that makes pages stale queues `refresh_outdated_pages`
# for exactly those pages once it has committed; after a deploy, the operator runs
# `manage.py render_live_pages` (or queues it with --enqueue) once every app server and
# worker runs the new code, and cron runs `render_live_pages --enqueue` periodically to
# catch up with anything a lost task or a server on old code left behind.

# Pages stored again between two invalidations of their cached copies (one CDN request
# bans up to caching.frontend.TAGS_PER_BAN tags).
REFRESH_BATCH = 100


def mark_stale(kind: str, object_ids: Iterable[int]) -> None:
    """Something pages show changed outside a revision: render them again after commit."""
    ids = list(object_ids)
    pages = LivePage.objects.filter(dependencies__kind=kind, dependencies__object_id__in=ids)
    _mark_stale(set(pages.values_list("pk", flat=True)))
    tags = [f"{kind}:{object_id}" for object_id in ids]
    if kind != LivePageDependency.Kind.SOURCE:
        tags.append(LISTS_TAG)  # names of people and topics also show on list pages
    _invalidate(slugs=set(), tags=tags, urls=[], lists=LISTS_TAG in tags)


def writer_named(profile: WriterProfile) -> None:
    """A writer got a profile: pages whose live revision they wrote may now name them."""
    pages = LivePage.objects.listed().filter(revision__authors=profile.user_id)
    _mark_stale(set(pages.values_list("pk", flat=True)))
    _invalidate(slugs=set(), tags=[f"writer:{profile.pk}", LISTS_TAG], urls=[])


def site_page_changed(key: str) -> None:
    """A site page was edited. Every article page prints a disclaimer."""
    shown_on_articles = key in DISCLAIMERS.values()
    if shown_on_articles:
        _mark_stale(None)
    _invalidate(slugs=set(), tags=[f"page:{key}", LISTS_TAG], urls=[], site_wide=shown_on_articles)


def _mark_stale(article_ids: set[int] | None) -> None:
    """Mark these pages (None: every live page) stale, and queue their rendering for when
    the change has committed (the task reads what it committed)."""
    if article_ids is None:
        LivePage.objects.listed().update(is_stale=True)
    elif article_ids:
        LivePage.objects.filter(pk__in=article_ids).update(is_stale=True)
    else:
        return
    ids = None if article_ids is None else sorted(article_ids)

    # A named function, not functools.partial: Django logs failures by __qualname__.
    def enqueue_refresh() -> None:
        refresh_outdated_pages.enqueue(article_ids=ids)

    # Robust: a task that cannot be queued leaves the pages stale (and served as stored)
    # until the periodic `render_live_pages` renders them; the change itself stands.
    transaction.on_commit(enqueue_refresh, robust=True)


@task()
def refresh_outdated_pages(
    *, article_ids: list[int] | None = None, every_page: bool = False
) -> int:
    """Render again the stored pages of `article_ids` (None: of every public article) that
    are stale, rendered by other code or missing; with `every_page`, all of them.
    Idempotent: a page found current is skipped. Returns how many were stored again."""
    ids = pages_to_refresh(every_page=every_page) if article_ids is None else article_ids
    return len(refresh_pages(ids, only_if_outdated=not every_page))


def pages_to_refresh(*, every_page: bool = False) -> list[int]:
    """The articles whose stored page is stale, rendered by other code, or missing (a live
    or withdrawn article without one); with `every_page`, every one with a page."""
    missing = Article.objects.filter(live_revision__isnull=False, live_page__isnull=True)
    pages = LivePage.objects.all()
    if not every_page:
        pages = pages.exclude(is_stale=False, render_version=render_version())
    return sorted({*missing.values_list("pk", flat=True), *pages.values_list("pk", flat=True)})


class PagesNotStored(Exception):
    """Some pages could not be rendered again (each logged); the others were stored."""


def refresh_pages(article_ids: Iterable[int], *, only_if_outdated: bool = True) -> list[int]:
    """Store these articles' pages again (only those stale or outdated, if asked), then
    drop their cached copies, a batch at a time; the ids of those stored again.

    A page that fails does not hold up the others (after a deploy there may be many):
    it is logged, and PagesNotStored names them all at the end.
    """
    ids = list(article_ids)
    refreshed: list[int] = []
    failed: list[int] = []
    for start in range(0, len(ids), REFRESH_BATCH):
        slugs_by_article: dict[int, set[str]] = {}
        for pk in ids[start : start + REFRESH_BATCH]:
            try:
                slugs = _store_again(pk, only_if_outdated=only_if_outdated)
            except Exception:
                logger.exception("Could not store the page of article %s again", pk)
                failed.append(pk)
                continue
            if slugs is not None:
                slugs_by_article[pk] = slugs
        slugs = set().union(*slugs_by_article.values())
        if slugs:
            tags = [f"article:{pk}" for pk in slugs_by_article]
            _invalidate(slugs=slugs, tags=tags, urls=_urls_for(slugs), lists=False)
        refreshed.extend(slugs_by_article)
    if failed:
        raise PagesNotStored(f"Articles whose page could not be stored again: {failed}")
    return refreshed


def refresh_page(article_id: int, *, only_if_outdated: bool = False) -> bool:
    """Store one article's page again from its current public state; whether it was."""
    return bool(refresh_pages([article_id], only_if_outdated=only_if_outdated))


def _store_again(article_id: int, *, only_if_outdated: bool) -> set[str] | None:
    """Store the article's page again; the slugs it was and is served at, None if untouched."""
    with transaction.atomic():
        # The article is locked so that a render started before an approval cannot
        # overwrite its result; the page too, so that a page marked stale while this
        # renders stays stale (and the task queued by that change renders it again).
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            return None
        current = (
            LivePage.objects.select_for_update()
            .filter(pk=article_id)
            .only("slug", "is_stale", "render_version")
            .first()
        )
        if only_if_outdated and current is not None and not _outdated(current):
            return None
        live = store_live_page(article)
    if current is None and live is None:
        return None  # not public, and never was: nothing to store
    return {page.slug for page in (current, live) if page is not None}


def _outdated(page: LivePage) -> bool:
    return page.is_stale or page.render_version != render_version()


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
