"""Public pages. Only live (approved, not archived) content is ever shown to readers."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles import selectors
from articles.markdown import render_article
from articles.models import Article, SitePage, Topic
from reviews.models import ReviewerProfile
from reviews.workflow import Status


def home(request: HttpRequest) -> HttpResponse:
    articles = selectors.live_articles()[:20]
    return render(request, "articles/home.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.select_related("topic", "live_revision").filter(slug=slug).first()
    if article is None or article.live_revision_id is None:
        raise Http404("No such article.")
    if article.status == Status.ARCHIVED:
        return render(request, "articles/gone.html", {"article": article}, status=410)
    context = {"page": selectors.public_article(article=article)}
    return render(request, "articles/article_detail.html", context)


@staff_member_required
def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see the working copy as it would render, under a caution banner."""
    article = get_object_or_404(Article.objects.editable_by(request.user), slug=slug)
    rendered = render_article(article.body, article.professional_body)
    return render(request, "articles/preview.html", {"article": article, "rendered": rendered})


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = selectors.live_articles().filter(topic=topic)
    return render(request, "articles/topic.html", {"topic": topic, "articles": articles})


def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(ReviewerProfile.objects.select_related("user"), slug=slug)
    return render(request, "articles/reviewer.html", {"profile": profile})


def site_page(request: HttpRequest, key: str) -> HttpResponse:
    page = get_object_or_404(SitePage, key=key)
    return render(request, "articles/site_page.html", {"site_page": page})
