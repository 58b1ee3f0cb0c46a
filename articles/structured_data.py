"""schema.org JSON-LD for a live article page (rendered once, when the page is published)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.audiences import Audience
from articles.models import SCHEMA_TYPES
from articles.selectors import PublicArticle
from references.links import safe_url

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    # A static URL may already be absolute (STATIC_URL on a CDN).
    if path.startswith(("https://", "http://")):
        return path
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class ShareImage:
    """The image a shared link shows (og:image, twitter:image, JSON-LD `image`)."""

    url: str  # absolute
    width: int
    height: int
    alt: str
    content_type: str


# The site card (scripts/make_share_images.py) for pages without a figure of their own.
SITE_CARD = ("vetted/card.png", 1200, 630)
SITE_LOGO = ("vetted/logo.png", 512, 512)


def share_image(page: PublicArticle) -> ShareImage:
    """The lead figure, else the site's card."""
    lead = page.lead_image
    if lead is not None:
        return ShareImage(absolute(lead.url), lead.width, lead.height, lead.alt, lead.content_type)
    path, width, height = SITE_CARD
    alt = f"{settings.SITE_NAME}: health information checked by medical reviewers"
    return ShareImage(absolute(static(path)), width, height, alt, "image/png")


def person(profile: Any, *, role: str) -> dict[str, Any]:
    """A writer or reviewer as a schema.org Person: the name once, its title and
    post-nominals beside it (people.names), and what they know about."""
    item: dict[str, Any] = {
        "@type": "Person",
        "name": profile.plain_name,
        "honorificPrefix": profile.honorific_prefix,
        "honorificSuffix": profile.credentials,
        "url": absolute(profile.get_absolute_url()),
    }
    if role == "writer":
        item["jobTitle"] = profile.job_title
        item["knowsAbout"] = profile.expertise_list or None
    else:
        # A specialty is a field of knowledge, not a job title.
        item["jobTitle"] = "Medical reviewer"
        item["knowsAbout"] = profile.specialty
    return _compact(item)


def subject(page: PublicArticle) -> dict[str, Any]:
    """What the article is about: its subject as a medical entity, else its topic."""
    revision = page.revision
    if revision.subject_name:
        kind = SCHEMA_TYPES.get(revision.subject_type, "MedicalEntity")
        return {"@type": kind, "name": revision.subject_name}
    return {"@type": "Thing", "name": revision.topic.name}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


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
    elif url := safe_url(reference.url):
        item["url"] = url  # a stored URL: only one a page may link (references.links)
    return item


def article_json_ld(page: PublicArticle, audience: str = Audience.PATIENT) -> dict[str, Any] | None:
    """schema.org MedicalWebPage for one audience's page of a live article (its address,
    its readers, the sources it cites); pending content gets none."""
    if page.pending:
        return None
    revision = page.revision
    if audience == Audience.PROFESSIONAL:
        url = absolute(reverse("articles:detail_professional", kwargs={"slug": page.article.slug}))
    else:
        url = absolute(page.article.get_absolute_url())
    readers = "Clinician" if audience == Audience.PROFESSIONAL else "Patient"
    about = subject(page)
    publisher = _publisher()
    # Unnamed writers are credited to the site's editorial team, as on the page.
    organisation = {**publisher, "name": f"{settings.SITE_NAME} editorial team"}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": revision.title,
        "headline": revision.title,
        "description": revision.summary,
        "inLanguage": "en",
        "about": about,
        "mainEntity": about,
        "author": [person(p, role="writer") for p in page.writers] or organisation,
        "datePublished": _iso(page.first_published_at),
        "dateModified": _iso(revision.content_updated_at),
        # schema.org types lastReviewed as a Date; the modified stamp is a DateTime.
        "lastReviewed": _iso_date(revision.last_reviewed_at),
        "reviewedBy": [person(p, role="reviewer") for p in page.reviewers],
        "citation": [_citation(ref) for ref in page.audience_references(audience)],
        "image": _image(share_image(page)),
        "audience": {"@type": "MedicalAudience", "audienceType": readers},
        "publisher": publisher,
    }
    if page.source_notice is not None:
        # A cited source was retracted or corrected since the last review: the page claims
        # no current review until the board's re-review is approved.
        notice = page.source_notice
        verb = "retracted" if notice.retracted else "corrected"
        data.pop("lastReviewed")
        data["creativeWorkStatus"] = (
            f"Under medical re-review: a cited source was {verb} on {_iso_date(notice.date)}"
        )
    if revision.is_correction and revision.correction_note:
        # schema.org CorrectionComment: what the current version corrected.
        data["correction"] = {
            "@type": "CorrectionComment",
            "text": revision.correction_note,
            "datePublished": _iso(revision.published_at),
        }
    return _compact(data)


def _publisher() -> dict[str, Any]:
    path, width, height = SITE_LOGO
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static(path)),
            "width": width,
            "height": height,
        },
    }


def _image(image: ShareImage) -> dict[str, Any]:
    return {
        "@type": "ImageObject",
        "url": image.url,
        "width": image.width,
        "height": image.height,
        "caption": image.alt,
    }


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _iso_date(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).date().isoformat() if value else None
