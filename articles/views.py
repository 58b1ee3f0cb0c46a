"""Public pages. Only live (approved, not archived) content is ever shown to readers.

Every public page is the same for every anonymous reader, so it can be shared by the
server-side page cache and a CDN (caching.http.public_page): no page reads a reader's
cookies, sets one, or carries a CSRF token. The reader's audience is a URL of its own
(`/articles/<slug>/` and `/articles/<slug>/professional/`; site.js remembers a reader's
choice in the browser), and the anonymous forms ("Was this helpful?", contact) are
protected by a same-origin check instead of a token (caching.http.same_origin_post).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import IntegrityError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from articles import contact as contact_messages
from articles import search, selectors, stored_pages
from articles.audiences import Audience
from articles.forms import ContactForm, FeedbackForm
from articles.markdown import render_working_copy
from articles.models import Article, ArticleFeedback, LivePage, SitePage, Topic
from articles.states import Status
from caching import page_cache
from caching.http import no_store, public_page, same_origin_post
from core import paging
from people.models import ReviewerProfile, WriterProfile
from references import exchange
from references.models import Reference

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
READER_COOKIE = "vetted_reader"
READER_SALT = "articles.feedback.reader"
ONE_YEAR = 60 * 60 * 24 * 365


def _paginate(request: HttpRequest, items: Any):
    return paging.paginate(request, items, PAGE_SIZE)


def _reader_key(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_SALT)


def _article_generations(slug: str, **kwargs: Any) -> list[str]:
    return [page_cache.article_generation(slug), page_cache.SITE]


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    paging.single_page(request)
    context = {
        "latest": selectors.listed_pages()[:6],
        "recently_reviewed": selectors.recently_reviewed_pages()[:5],
        "topics": selectors.public_topics(),
        "pending": selectors.pending_articles()[:5],
    }
    response = render(request, "articles/home.html", context)
    # Titles of articles still under review are never stored in a shared cache.
    return no_store(response) if context["pending"] else response


@public_page(generations=_article_generations)
def article_detail(
    request: HttpRequest, slug: str, audience: str = Audience.PATIENT
) -> HttpResponse:
    # Only reads: a stale or outdated page is served as stored until a task renders it
    # again (articles.stored_pages, "rendering stored pages again").
    stored = stored_pages.stored_page(slug, audience)
    if stored is None:
        article = selectors.article_for_slug(slug)
        if article is None:
            raise Http404("No such article.")
        if article.live_revision_id is None:
            return _pending_or_404(request, article, audience)
        return _unstored_page(request, article, audience)
    if stored.state == LivePage.State.GONE:
        response = render(request, "articles/gone.html", {"title": stored.title}, status=410)
    else:
        response = _stored_response(request, stored)
    response.cache_tags = stored.cache_tags.split(",")
    response["Last-Modified"] = http_date(stored.rendered_at.timestamp())
    return response


def _stored_response(request: HttpRequest, stored: stored_pages.StoredPage) -> HttpResponse:
    """The stored page as it is (compressed) to clients that take gzip, else inflated."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(stored.page_gzip)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(stored.html())
    response["ETag"] = stored.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _unstored_page(request: HttpRequest, article: Article, audience: str) -> HttpResponse:
    """A published article whose stored page is missing (the transaction that makes an
    article live or withdraws it stores its page, so only a lost row leaves one without).
    The reader still gets the right answer, rendered here without writing anything and
    never cached, until the deploy step `render_live_pages` stores it."""
    logger.error("Article %s has no stored page: run manage.py render_live_pages", article.pk)
    if article.status == Status.ARCHIVED:
        title = article.live_revision.title
        response = render(request, "articles/gone.html", {"title": title}, status=410)
    else:
        page = selectors.public_article(article=article)
        response = HttpResponse(stored_pages.render_page(page, audience))
    return no_store(response)


def _pending_or_404(request: HttpRequest, article: Article, audience: str) -> HttpResponse:
    """Never-approved content, shown only when the site opts in, and never cached."""
    if article.status == Status.ARCHIVED:
        raise Http404("No such article.")
    page = selectors.pending_article(article=article)
    if page is None:
        raise Http404("No such article.")
    return no_store(HttpResponse(stored_pages.render_page(page, audience, request=request)))


@require_POST
@same_origin_post
@ratelimit(
    key="core.client_ip.ratelimit_key",
    rate=lambda group, request: settings.VETTED_FEEDBACK_RATE,
    block=True,
)
def article_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """One "Was this helpful?" vote per reader per article; a second one changes nothing."""
    article = get_object_or_404(Article.objects.live().select_related("live_revision"), slug=slug)
    form = FeedbackForm(request.POST)
    key = _reader_key(request)
    new_key = key is None
    if new_key:
        key = uuid.uuid4().hex
    if not form.is_valid():
        message, level, status = "Choose Yes or No to send feedback.", "error", 400
    else:
        status = 200
        try:
            with transaction.atomic():
                ArticleFeedback.objects.create(
                    article=article,
                    revision=article.live_revision,
                    reader_key=key,
                    helpful=form.cleaned_data["helpful"],
                )
        except IntegrityError:
            message, level = (
                "You have already told us about this article; your first answer stands.",
                "info",
            )
        else:
            message, level = "Thank you for your feedback.", "success"
    vote = (
        ArticleFeedback.objects.filter(article=article, reader_key=key)
        .values_list("helpful", flat=True)
        .first()
    )
    context = {
        "article": article,
        "title": article.live_revision.title,
        "feedback_vote": vote,
        "feedback_message": message,
        "feedback_level": level,
    }
    # With JavaScript the section is swapped in place; without, a page of its own.
    template = (
        "includes/_feedback.html"
        if request.headers.get("X-Requested-With") == "fetch"
        else "articles/feedback_result.html"
    )
    response = no_store(render(request, template, context, status=status))
    if new_key:
        response.set_signed_cookie(
            READER_COOKIE,
            key,
            salt=READER_SALT,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


PREVIEW_CAUTION = (
    "Preview of the working copy: not yet reviewed by our Medical Advisory Board, and not "
    "public. Readers see an article only once the board approves it."
)


@staff_member_required
def article_preview(
    request: HttpRequest, slug: str, audience: str = Audience.PATIENT
) -> HttpResponse:
    """Staff see the working copy in the real public page (template, stylesheet, numbering)
    under a "not yet reviewed" banner; never cached, never indexed."""
    article = get_object_or_404(
        Article.objects.editable_by(request.user).select_related("topic"), slug=slug
    )
    page = selectors.working_copy_page(article=article, rendered=render_working_copy(article))
    urls = {
        Audience.PATIENT: reverse("articles:preview", kwargs={"slug": slug}),
        Audience.PROFESSIONAL: reverse("articles:preview_professional", kwargs={"slug": slug}),
    }
    html = stored_pages.render_page(
        page, audience, request=request, caution_detail=PREVIEW_CAUTION, audience_urls=urls
    )
    response = no_store(HttpResponse(html))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_page()
def topic_index(request: HttpRequest) -> HttpResponse:
    paging.single_page(request)
    context = {"topics": selectors.topics_with_article_counts()}
    return render(request, "articles/topic_index.html", context)


@public_page()
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    context = {"topic": topic, "page_obj": _paginate(request, selectors.topic_pages(topic))}
    return render(request, "articles/topic.html", context)


@public_page()
def advisory_board(request: HttpRequest) -> HttpResponse:
    paging.single_page(request)
    context = {
        "members": selectors.advisory_board(),
        "policy": selectors.site_page(SitePage.Key.EDITORIAL_POLICY),
    }
    return render(request, "articles/advisory_board.html", context)


@public_page()
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Only people whose credentials the board ever verified have a public profile.
    profiles = ReviewerProfile.objects.filter(credentials_verified_on__isnull=False)
    profile = get_object_or_404(profiles.select_related("user"), slug=slug)
    context = {
        "profile": profile,
        "is_active_member": selectors.advisory_board().filter(pk=profile.pk).exists(),
        "page_obj": _paginate(request, selectors.reviewed_by(profile)),
    }
    return render(request, "articles/reviewer.html", context)


@public_page()
def writer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A writer's public profile: who they are, their disclosures, their live articles."""
    profile = get_object_or_404(WriterProfile.objects.public(), slug=slug)
    context = {"profile": profile, "page_obj": _paginate(request, selectors.written_by(profile))}
    return render(request, "articles/writer.html", context)


@public_page()
def site_page(request: HttpRequest, key: str) -> HttpResponse:
    if key == SitePage.Key.CONTACT:
        # The contact page is the one with a form: it lives at /contact/.
        return HttpResponsePermanentRedirect(reverse("articles:contact"))
    page = get_object_or_404(SitePage, key=key)
    return render(request, "articles/site_page.html", {"site_page": page})


@public_page()
@require_http_methods(["GET", "HEAD", "POST"])
@csrf_exempt  # POSTs are checked by same_origin_post (_contact_submit), not a token
def contact(request: HttpRequest) -> HttpResponse:
    """The contact page: the editors' text and the form, the same for every reader.

    A message is posted here; the answer is a redirect to ?sent=1 (a confirmation that
    holds nothing of what was sent), or the form again with its errors, never cached.
    """
    if request.method == "POST":
        return _contact_submit(request)
    sent = request.GET.get("sent") == "1"
    return _contact_page(request, ContactForm() if not sent else None, sent=sent)


def _contact_page(
    request: HttpRequest, form: ContactForm | None, *, sent: bool = False, status: int = 200
) -> HttpResponse:
    context = {
        "site_page": selectors.site_page(SitePage.Key.CONTACT),
        "form": form,
        "sent": sent,
        "contact_email": settings.VETTED_CONTACT_EMAIL,
    }
    return render(request, "articles/contact.html", context, status=status)


@same_origin_post
@ratelimit(
    key="core.client_ip.ratelimit_key",
    rate=lambda group, request: settings.VETTED_CONTACT_RATE,
    block=True,
)
def _contact_submit(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST)
    if form.is_spam():
        # Bots get the same answer as people, so that they do not learn to skip the trap.
        return no_store(HttpResponseRedirect(f"{reverse('articles:contact')}?sent=1"))
    if not form.is_valid():
        return no_store(_contact_page(request, form, status=400))
    contact_messages.receive(form.cleaned_data)
    return no_store(HttpResponseRedirect(f"{reverse('articles:contact')}?sent=1"))


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """RATELIMIT_VIEW: a plain 429 page instead of a bare 403."""
    return render(request, "articles/rate_limited.html", status=429)


@public_page()
@ratelimit(
    key="core.client_ip.ratelimit_key",
    rate=lambda group, request: settings.VETTED_SEARCH_RATE,
    block=True,
)
def search_view(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q"))
    topics = selectors.public_topics()
    topic = next((t for t in topics if t.slug == request.GET.get("topic")), None)
    professional_only = request.GET.get("audience") == Audience.PROFESSIONAL
    page = paging.page_number(request)
    results = search.search(
        query, page=page, topic_id=topic.pk if topic else None, professional_only=professional_only
    )
    if page > 1 and not results.hits:
        raise Http404("No such page of results.")
    filters = {"q": query}
    if topic:
        filters["topic"] = topic.slug
    if professional_only:
        filters["audience"] = Audience.PROFESSIONAL
    context = {
        "query": query,
        "results": results if query else None,
        "topics": topics,
        "topic": topic,
        "professional_only": professional_only,
        "query_prefix": f"{urlencode(filters)}&",
        "suggestion_url": f"?{urlencode({**filters, 'q': results.suggestion})}"
        if results.suggestion
        else "",
    }
    return render(request, "articles/search.html", context)


# --- a live article's reference list as a file ------------------------------------------


def _live_references(slug: str) -> tuple[Article, list[Reference]]:
    article = get_object_or_404(Article.objects.live().select_related("live_revision"), slug=slug)
    # The sources as approved with the live revision, not as the library row reads now.
    references = [
        link.cited_reference
        for link in article.live_revision.reference_links.select_related("reference").order_by(
            "position"
        )
    ]
    return article, references


def references_csl_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The live revision's numbered reference list as CSL-JSON, in citation order."""
    _article, references = _live_references(slug)
    return JsonResponse(
        exchange.to_csl_json(references),
        safe=False,
        content_type="application/vnd.citationstyles.csl+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def references_ris(request: HttpRequest, slug: str) -> HttpResponse:
    """The live revision's numbered reference list as an RIS file."""
    article, references = _live_references(slug)
    response = HttpResponse(
        exchange.to_ris(references), content_type="application/x-research-info-systems"
    )
    response["Content-Disposition"] = f'attachment; filename="{article.slug}-references.ris"'
    return response
