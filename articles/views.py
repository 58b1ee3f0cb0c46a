"""Public pages. Only live (approved, not archived) content is ever shown to readers.

Pages depend on the reader's cookies (audience, feedback vote), so they say
`Vary: Cookie`, and the article page is `private`: nothing per reader lands in a
shared cache.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie
from django_ratelimit.decorators import ratelimit

from articles import search, selectors
from articles.context_processors import AUDIENCE_COOKIE, reader_audience
from articles.forms import AudienceForm, FeedbackForm
from articles.markdown import render_article
from articles.models import Article, ArticleFeedback, SitePage, Topic
from reviews.models import ReviewerProfile
from reviews.workflow import Status

PAGE_SIZE = 10
READER_COOKIE = "vetted_reader"
READER_SALT = "articles.feedback.reader"
ONE_YEAR = 60 * 60 * 24 * 365
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _json_ld(data: dict[str, Any] | None) -> SafeString | None:
    if data is None:
        return None
    # Escaped like Django's json_script, so text can never close the <script> element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


def _reader_key(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_SALT)


@vary_on_cookie
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "latest": selectors.live_articles()[:6],
        "recently_reviewed": selectors.recently_reviewed_articles()[:5],
        "topics": selectors.public_topics(),
        "pending": selectors.pending_articles()[:5],
    }
    return render(request, "articles/home.html", context)


@vary_on_cookie
@cache_control(private=True)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_for_slug(slug)
    if article is None:
        raise Http404("No such article.")
    if article.status == Status.ARCHIVED:
        if article.live_revision_id is None:
            raise Http404("No such article.")
        return render(request, "articles/gone.html", {"article": article}, status=410)
    if article.live_revision_id is not None:
        page = selectors.public_article(article=article)
    else:
        page = selectors.pending_article(article=article)
        if page is None:
            raise Http404("No such article.")
    audience = reader_audience(request)
    disclaimer_key = (
        SitePage.Key.PROFESSIONAL_DISCLAIMER
        if audience == selectors.PROFESSIONAL
        else SitePage.Key.PATIENT_DISCLAIMER
    )
    context = {
        "page": page,
        "disclaimer": selectors.site_page(disclaimer_key),
        "json_ld": _json_ld(selectors.article_json_ld(page)),
        "audience_form": AudienceForm(initial={"audience": audience}),
        **_feedback_context(request, page),
    }
    return render(request, "articles/article_detail.html", context)


def _feedback_context(request: HttpRequest, page: selectors.PublicArticle) -> dict[str, Any]:
    vote = None
    key = _reader_key(request)
    if key and not page.pending:
        vote = (
            ArticleFeedback.objects.filter(article=page.article, reader_key=key)
            .values_list("helpful", flat=True)
            .first()
        )
    return {"feedback_vote": vote, "feedback_form": FeedbackForm()}


@require_POST
@ratelimit(
    key="config.client_ip.ratelimit_key",
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
        messages.error(request, "Choose Yes or No to send feedback.", extra_tags="feedback")
    else:
        try:
            with transaction.atomic():
                ArticleFeedback.objects.create(
                    article=article,
                    revision=article.live_revision,
                    reader_key=key,
                    helpful=form.cleaned_data["helpful"],
                )
        except IntegrityError:
            messages.info(
                request,
                "You have already told us about this article; your first answer stands.",
                extra_tags="feedback",
            )
        else:
            messages.success(request, "Thank you for your feedback.", extra_tags="feedback")
    if request.headers.get("X-Requested-With") == "fetch":
        vote = (
            ArticleFeedback.objects.filter(article=article, reader_key=key)
            .values_list("helpful", flat=True)
            .first()
        )
        response = render(
            request,
            "includes/_feedback.html",
            {"article": article, "feedback_vote": vote, "feedback_form": form},
        )
    else:
        response = HttpResponseRedirect(f"{article.get_absolute_url()}#feedback")
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


@require_http_methods(["GET", "POST"])
def set_audience(request: HttpRequest) -> HttpResponse:
    """Remember "Which best describes you?" in a cookie and go back where the reader was."""
    data = request.POST if request.method == "POST" else request.GET
    next_url = data.get("next") or reverse("articles:home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("articles:home")
    form = AudienceForm(data)
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        response.set_cookie(
            AUDIENCE_COOKIE,
            form.cleaned_data["audience"],
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        messages.error(request, "Choose one of the options to personalise the page.")
    return response


@staff_member_required
def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see the working copy as it would render, under a caution banner."""
    article = get_object_or_404(Article.objects.editable_by(request.user), slug=slug)
    rendered = render_article(article.body, article.professional_body)
    return render(request, "articles/preview.html", {"article": article, "rendered": rendered})


@vary_on_cookie
def topic_index(request: HttpRequest) -> HttpResponse:
    context = {"topics": selectors.topics_with_article_counts()}
    return render(request, "articles/topic_index.html", context)


@vary_on_cookie
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = selectors.live_articles().filter(live_revision__topic=topic)
    context = {"topic": topic, "page_obj": _paginate(request, articles)}
    return render(request, "articles/topic.html", context)


@vary_on_cookie
def advisory_board(request: HttpRequest) -> HttpResponse:
    context = {
        "members": selectors.advisory_board(),
        "policy": selectors.site_page(SitePage.Key.EDITORIAL_POLICY),
    }
    return render(request, "articles/advisory_board.html", context)


@vary_on_cookie
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


@vary_on_cookie
def site_page(request: HttpRequest, key: str) -> HttpResponse:
    page = get_object_or_404(SitePage, key=key)
    return render(request, "articles/site_page.html", {"site_page": page})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """RATELIMIT_VIEW: a plain 429 page instead of a bare 403."""
    return render(request, "articles/rate_limited.html", status=429)


@vary_on_cookie
@ratelimit(
    key="config.client_ip.ratelimit_key",
    rate=lambda group, request: settings.VETTED_SEARCH_RATE,
    block=True,
)
def search_view(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q"))
    page_obj = _paginate(request, search.search_articles(query)) if query else None
    context = {
        "query": query,
        "query_prefix": f"{urlencode({'q': query})}&",
        "page_obj": page_obj,
        "hits": search.hits(list(page_obj.object_list), query) if page_obj else [],
    }
    return render(request, "articles/search.html", context)
