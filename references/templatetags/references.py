from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from references import formatting, links

register = template.Library()


@register.filter
def safe_url(url, allowed: str = "") -> str:
    """A stored URL for an href, or "" when it must not be linked (references.links):
    `{% with href=ref.url|safe_url %}{% if href %}<a href="{{ href }}">…`. Pass "mailto"
    where an email link is meant."""
    return links.safe_url(url, mailto=allowed == links.MAIL_SCHEME)


@register.filter
def vancouver(reference) -> str:
    """The reference in NLM/Vancouver style, as plain text (autoescaped by the template)."""
    return formatting.vancouver(reference)


@register.filter
def ama(reference) -> str:
    """The reference in AMA style, as plain text (autoescaped by the template)."""
    return formatting.ama(reference)


@register.filter
def vancouver_linked(reference) -> SafeString:
    """The NLM citation with its identifiers printed as text and linked, as NLM prints them:
    "… doi: 10.1002/x. PMID: 28597471; PMCID: PMC6452908." (each number a link)."""
    links = [
        (label, url, value)
        for label, url, value in (
            ("doi", reference.doi_url, reference.doi),
            ("PMID", reference.pubmed_url, reference.pmid),
            ("PMCID", reference.pmc_url, reference.pmcid),
        )
        if value
    ]
    doi = [link for link in links if link[0] == "doi"]
    ids = [link for link in links if link[0] != "doi"]
    parts = [format_html("{}", formatting.vancouver_body(reference))]
    if doi:
        parts.append(
            format_html('doi: <a href="{}">{}</a>{}', doi[0][1], doi[0][2], "." if ids else "")
        )
    if ids:
        parts.append(format_html("{}.", format_html_join("; ", '{}: <a href="{}">{}</a>', ids)))
    if reference.retracted:
        parts.append(format_html("{}", "[Retracted]"))
    return format_html_join(" ", "{}", ((part,) for part in parts))
