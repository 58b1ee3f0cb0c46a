"""schema.org JSON-LD for a live article page (rendered once, when the page is published)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.selectors import PublicArticle

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def script_json(data: dict[str, Any] | None) -> SafeString | None:
    """JSON for a <script> element, escaped like Django's json_script so text can never
    close the element."""
    if data is None:
        return None
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


def _citation(reference: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "CreativeWork", "name": reference.title}
    if reference.container_title:
        item["isPartOf"] = reference.container_title
    if reference.year:
        item["datePublished"] = str(reference.year)
    if reference.doi:
        item["url"] = f"https://doi.org/{reference.doi}"
    elif reference.pmid:
        item["url"] = f"https://pubmed.ncbi.nlm.nih.gov/{reference.pmid}/"
    elif reference.url:
        item["url"] = reference.url
    return item


def article_json_ld(page: PublicArticle) -> dict[str, Any] | None:
    """schema.org MedicalWebPage for a live article; pending content gets none."""
    if page.pending:
        return None
    revision = page.revision
    url = absolute(page.article.get_absolute_url())
    audience = [{"@type": "MedicalAudience", "audienceType": "Patient"}]
    if revision.professional_html:
        audience.append({"@type": "MedicalAudience", "audienceType": "Clinician"})
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": revision.title,
        "headline": revision.title,
        "description": revision.summary,
        "inLanguage": "en",
        "about": {"@type": "Thing", "name": revision.topic.name},
        "datePublished": _iso(page.first_published_at),
        "dateModified": _iso(revision.content_updated_at),
        # schema.org types lastReviewed as a Date; the modified stamp is a DateTime.
        "lastReviewed": _iso_date(revision.last_reviewed_at),
        "reviewedBy": [
            {
                "@type": "Person",
                "name": profile.display_name,
                "honorificSuffix": profile.credentials,
                "jobTitle": profile.specialty,
                "url": absolute(profile.get_absolute_url()),
            }
            for profile in page.reviewers
        ],
        "citation": [_citation(ref) for ref in page.references],
        "image": _image(page),
        "audience": audience,
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute("/"),
        },
    }
    return {k: v for k, v in data.items() if v not in (None, "")}


def _image(page: PublicArticle) -> dict[str, Any] | None:
    """The lead figure (PublicArticle.lead_image); None leaves `image` out."""
    lead = page.lead_image
    if lead is None:
        return None
    return {
        "@type": "ImageObject",
        "url": absolute(lead.url),
        "width": lead.width,
        "height": lead.height,
        "caption": lead.alt,
    }


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _iso_date(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).date().isoformat() if value else None
