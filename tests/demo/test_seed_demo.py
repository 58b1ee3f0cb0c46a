"""seed_demo: demo content in every state, dev-only accounts, safe to run twice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.states import Status
from reviews import policy

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="writer").exists()


def test_seed_demo_creates_articles_in_every_state_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    statuses = sorted(Article.objects.values_list("status", flat=True))
    assert statuses.count(Status.APPROVED) >= 2
    for state in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW):
        assert state in statuses
    assert Article.objects.count() == 6
    # The drug-dosing article needs two sign-offs: one given, still in review.
    dosing = Article.objects.get(slug="gabapentin-kidney-dosing")
    assert dosing.status == Status.IN_REVIEW
    assert policy.approvals_this_round(dosing).count() == 1
    assert dosing.assigned_reviewer is None  # open for the next board member to take
    assert dosing.live_revision is None
    assert get_user_model().objects.filter(username="writer").count() == 1
    out = capsys.readouterr().out
    assert "vetted-writer" in out


def test_demo_articles_cite_real_sources_on_their_public_pages(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    for article in Article.objects.live():
        page = client.get(article.get_absolute_url()).text
        assert '<sup class="citation" id="cite-1">' in page
        assert "https://doi.org/" in page or "https://pubmed.ncbi.nlm.nih.gov/" in page


def test_the_demo_drug_article_shows_its_figure_from_the_library(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    article = Article.objects.get(slug="gabapentin-muscle-spasms")
    assert "FIGURE:" not in article.body
    html = client.get(article.get_absolute_url()).text
    assert 'alt="Bar chart of gabapentin' in html
    assert "A common way to start gabapentin for nerve pain." in html
    # The lead image is the page's share image.
    assert '<meta property="og:image" content="http://testserver/media/images/' in html
