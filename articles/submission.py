"""What a working copy must have before the board can review it.

The check renders the Markdown once (articles.markdown.render_working_copy, the one
rendering of an article); the submit service keeps that rendering for the revision it
freezes, so one submit renders the article once. The editor's live preview runs the same
check on the unsaved text, so the reasons shown beside the Submit button are the ones the
submit would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles import markdown
from articles.models import Article

REQUIRED_FIELDS = ("title", "summary", "body")
# Plain-text fields with a length limit (the Markdown parts' limits are the renderer's).
# The model refuses longer text; the live preview checks the unsaved text it is sent.
LIMITED_FIELDS = ("title", "summary")


@dataclass(frozen=True)
class Submission:
    """The submission check's findings and, when the text was complete, its rendering."""

    problems: list[str] = field(default_factory=list)
    rendered: markdown.RenderedArticle | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


def check_submission(article: Article) -> Submission:
    """Title, summary, body and topic present; every inline citation resolves; a source is
    cited; every image comes from the library."""
    problems = [
        f"The {name} is empty."
        for name in REQUIRED_FIELDS
        if not (getattr(article, name) or "").strip()
    ]
    problems += _too_long(article)
    if article.topic_id is None:
        problems.append("Choose a topic.")
    if problems:
        return Submission(problems)
    rendered = markdown.render_working_copy(article)
    if rendered.refusals:
        # Past a rendering limit (size, nesting, sources): say which, render nothing more.
        return Submission(list(rendered.refusals), rendered)
    if rendered.unresolved_keys:
        keys = ", ".join(f"[@{k}]" for k in rendered.unresolved_keys)
        problems.append(f"These citations match no reference in the library: {keys}.")
    if not rendered.references:
        problems.append("The article cites no source; cite at least one reference.")
    if rendered.external_images:
        shown = ", ".join(rendered.external_images[:3])
        problems.append(
            f"Images must come from the image library ({shown}): the site shows no image "
            "from elsewhere. Upload it with “Image” in the editor and insert it from there."
        )
    if rendered.unknown_images:
        problems.append(
            f"These images are not in the image library: {', '.join(rendered.unknown_images)}."
        )
    return Submission(problems, rendered)


def _too_long(article: Article) -> list[str]:
    problems = []
    for name in LIMITED_FIELDS:
        limit = Article._meta.get_field(name).max_length
        length = len(getattr(article, name) or "")
        if length > limit:
            problems.append(
                f"The {name} is too long: {length:,} characters; the limit is {limit:,}."
            )
    return problems
