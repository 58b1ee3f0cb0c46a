"""Public exports of a live article's reference list. Anything not live is a 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from articles.models import Article
from references import exchange
from references.models import Reference


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
