"""The one check a stored URL passes before any page makes it a link.

Sources' URLs are typed by writers, imported from files and fetched from PubMed or
Crossref, and a direct database write can store anything. A page links a URL only if it
is http(s) to a host, mailto where an email address is meant, or a path on this site;
anything else (javascript:, data:, vbscript:, file:, the same hidden behind whitespace,
control characters or character references) is printed as text, or left out, instead.
Templates use it as the `safe_url` filter (references.templatetags.references).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
MAIL_SCHEME = "mailto"
# What writers' Markdown may link (articles.markdown gives them to the sanitiser).
LINK_SCHEMES = WEB_SCHEMES | {MAIL_SCHEME}

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Browsers drop tabs and newlines anywhere in a URL before reading it ("java\tscript:"),
# and C0 controls and spaces at either end ("  javascript:"): read it as they do.
_TAB_OR_NEWLINE_RE = re.compile(r"[\t\n\r]")
_ENDS = "".join(chr(code) for code in range(0x21))
# Any control character left inside: no address we would link has one.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A path on this site, a query or a fragment; "//host" and "/\host" leave the site.
_SITE_PATH_RE = re.compile(r"(?:/(?![/\\])|[?#])")


def safe_url(url: str | None, *, mailto: bool = False) -> str:
    """`url` as a page may link it, or "" when it must not be linked.

    http and https need a host; mailto only when `mailto` (an email link is meant) and
    with an address. Without a scheme, only a path on this site ("/…", "?…", "#…").
    """
    text = _TAB_OR_NEWLINE_RE.sub("", url or "").strip(_ENDS)
    if not text or _CONTROL_RE.search(text):
        return ""
    scheme = _SCHEME_RE.match(text)
    if scheme is None:
        return text if _SITE_PATH_RE.match(text) else ""
    name = scheme.group(1).lower()
    rest = text[scheme.end() :]
    if name in WEB_SCHEMES:
        try:
            host = urlsplit(text).netloc
        except ValueError:  # e.g. an unclosed IPv6 bracket
            return ""
        return text if host and rest.startswith("//") else ""
    if name == MAIL_SCHEME and mailto:
        return text if rest.strip() else ""
    return ""
