"""What a working copy must have before the board can review it.

The check renders the Markdown once; the submit service keeps that rendering for the
revision it freezes, so one submit renders the article once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles import markdown
from articles.models import Article

REQUIRED_FIELDS = ("title", "summary", "body")


@dataclass(frozen=True)
class Submission:
    """The submission check's findings and, when the text was complete, its rendering."""

    problems: list[str] = field(default_factory=list)
    rendered: markdown.RenderedArticle | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


def check_submission(article: Article) -> Submission:
    """Title, summary and body present; every inline citation resolves; a source is cited."""
    problems = [
        f"The {name} is empty."
        for name in REQUIRED_FIELDS
        if not (getattr(article, name) or "").strip()
    ]
    if problems:
        return Submission(problems)
    rendered = markdown.render_article(article.body, article.professional_body)
    if rendered.refusals:
        # Past a rendering limit (size, nesting, sources): say which, render nothing more.
        return Submission(list(rendered.refusals), rendered)
    if rendered.unresolved_keys:
        keys = ", ".join(f"[@{k}]" for k in rendered.unresolved_keys)
        problems.append(f"These citations match no reference in the library: {keys}.")
    if not rendered.references:
        problems.append("The article cites no source; cite at least one reference.")
    return Submission(problems, rendered)
