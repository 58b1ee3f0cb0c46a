"""What a working copy must have before the board can review it.

The check renders the Markdown once (articles.markdown.render_working_copy, the one
rendering of an article); the submit service keeps that rendering for the revision it
freezes, so one submit renders the article once. The editor's live preview runs the same
check on the unsaved text, so the reasons shown beside the Submit button are the ones the
submit would give.

It also says what the reviewer's screen will flag about the sources cited (one rule,
references.currency): retracted, corrected, questioned, superseded and out-of-date
sources. A retracted source blocks submission unless a sentence citing it says why it is
cited (the editors' SourcePolicy); the others are warnings the writer sees, not blockers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone

from articles import evidence, markdown
from articles.models import Article
from references import currency
from references.citations import CITATION_GROUP_RE, CitationKey, split_group
from references.models import Reference, SourcePolicy

REQUIRED_FIELDS = ("title", "summary", "body")
# Plain-text fields with a length limit (the Markdown parts' limits are the renderer's).
# The model refuses longer text; the live preview checks the unsaved text it is sent.
LIMITED_FIELDS = ("title", "summary")


@dataclass(frozen=True)
class Submission:
    """The submission check's findings and, when the text was complete, its rendering."""

    problems: list[str] = field(default_factory=list)
    rendered: markdown.RenderedArticle | None = None
    # What the reviewer will see flagged about the sources: shown, but not blocking.
    warnings: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems


def check_submission(article: Article) -> Submission:
    """Title, summary, body and topic present; every inline citation resolves; a source is
    cited; every image comes from the library; no retracted source cited without saying
    why (when the editors' policy asks). Problems with sources otherwise are warnings."""
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
    blockers, warnings = source_problems(article, rendered.references)
    return Submission(problems + blockers, rendered, warnings)


# A sentence ends at ., ! or ? followed by a space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def source_problems(article: Article, cited: list[Reference]) -> tuple[list[str], list[str]]:
    """(blockers, warnings) about the cited sources, as the reviewer's screen flags them."""
    if not cited:
        return [], []
    findings = currency.assess_library(cited, today=timezone.localdate())
    policy = SourcePolicy.current()
    blockers: list[str] = []
    warnings: list[str] = []
    for reference in cited:
        for finding in findings.get(reference.pk, []):
            if finding.kind == "retracted":
                explained = _explained(article, reference, policy)
                if policy.block_unexplained_retractions and not explained:
                    blockers.append(_retraction_blocker(reference, policy))
                else:
                    warnings.append(f"[@{reference.key}] was retracted by the publisher.")
            elif finding.flagged or finding.kind == "corrected":
                warnings.append(f"[@{reference.key}]: {finding.text}")
    return blockers, warnings


def _retraction_blocker(reference: Reference, policy: SourcePolicy) -> str:
    said = f"[@{reference.key}] was retracted by the publisher. Remove the citation"
    if not policy.phrases:
        return f"{said}."
    phrases = " or ".join(f"“{p}”" for p in policy.phrases)
    return f"{said}, or say why it is cited in the sentence that cites it (using {phrases})."


def retraction_explained(article: Article, reference: Reference) -> bool:
    """Whether the article says why it cites `reference`, a retracted source, as the
    editors' source policy asks (then the board may approve it, knowingly)."""
    return _explained(article, reference, SourcePolicy.current())


def _explained(article: Article, reference: Reference, policy: SourcePolicy) -> bool:
    """Whether some sentence citing `reference` says why (contains a policy phrase)."""
    texts = [text for _name, text in markdown.article_parts(article)]
    texts += [section.body for section in evidence.working_sections(article)]
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            if _cites(sentence, reference) and policy.explains(sentence):
                return True
    return False


def _cites(sentence: str, reference: Reference) -> bool:
    for match in CITATION_GROUP_RE.finditer(sentence):
        for key in split_group(match.group(1)) or []:
            if _is(key, reference):
                return True
    return False


def _is(key: CitationKey, reference: Reference) -> bool:
    if key.scheme == "doi":
        return bool(reference.doi) and key.value.lower() == reference.doi.lower()
    return bool(key.value) and key.value == getattr(reference, key.scheme)


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
