"""The editor's live preview (markdownx posts the field's text here as it is typed).

Staff only, POST only, and throttled per user (VETTED_PREVIEW_RATE): each preview is a
full render, so one account cannot keep the workers busy with them. What one render
costs is bounded by the Markdown limits (articles.markdown.LIMITS), checked before any
text is parsed: a text over them is answered with the reason at once. Django reads no
request body over DATA_UPLOAD_MAX_MEMORY_SIZE (a 400 before the form is parsed).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from articles import evidence, reading
from articles.audiences import Audience, SectionAudience
from articles.markdown import ARTICLE_PARTS, markdownify, render_working_copy
from articles.models import Article
from articles.submission import check_submission

# The working copy's fields the editor posts with its Markdown parts.
WORKING_COPY_FIELDS = ("title", "summary", *ARTICLE_PARTS)

# markdownx puts whatever the endpoint answers into the preview pane.
PAUSED = (
    "<p><strong>Preview paused.</strong> You have asked for many previews in a short "
    "time; it resumes within a minute. Your text is not affected.</p>"
)


@staff_member_required
@require_POST
@ratelimit(key="user", rate=lambda group, request: settings.VETTED_PREVIEW_RATE, block=False)
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """One text ("content": markdownx's own preview, for site pages), or a whole working copy
    (its title, summary and every Markdown part: the article editor's preview)."""
    if getattr(request, "limited", False):
        return HttpResponse(PAUSED, status=429)
    content = request.POST.get("content")
    whole = content is None and any(name in request.POST for name in ARTICLE_PARTS)
    if content is None and not whole:
        return HttpResponseBadRequest("Nothing to preview: send the text as “content”.")
    if whole:
        return _working_copy_preview(request)
    return HttpResponse(markdownify(content))


def _working_copy_preview(request: HttpRequest) -> JsonResponse:
    """The whole working copy as the editor has it (nothing is saved), rendered as it will
    be published: every part numbered together, in the public stylesheet. Also what the
    submission check says of it, for the reasons shown beside the Submit button: "problems"
    block submitting, "warnings" (sources the reviewer will see flagged) do not."""
    article = Article(**{name: request.POST.get(name, "") for name in WORKING_COPY_FIELDS})
    article.group_references = request.POST.get("group_references") in ("on", "true", "1")
    article.section_texts = posted_sections(request.POST)
    topic = request.POST.get("topic", "")
    article.topic_id = int(topic) if topic.isdigit() else None
    submission = check_submission(article)
    rendered = submission.rendered or render_working_copy(article)
    document = render_to_string(
        "articles/working_copy_preview.html",
        {
            "article": article,
            "rendered": rendered,
            "reading": reading.of_rendering(
                rendered, Audience.PROFESSIONAL, grouped=article.group_references
            ),
        },
    )
    return JsonResponse(
        {"html": document, "problems": submission.problems, "warnings": submission.warnings}
    )


# The change form's inline of evidence sections ("sections-0-body" …), as Django names it.
SECTIONS_PREFIX = "sections"


def posted_sections(data) -> list[evidence.SectionText]:
    """The evidence sections as the editor's form has them (unsaved), in their order.
    Rows marked for deletion and empty rows are left out; at most one more than the limit
    is read, so the check can say the limit was passed."""
    try:
        total = int(data.get(f"{SECTIONS_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = []
    for i in range(min(max(total, 0), 100)):
        name = f"{SECTIONS_PREFIX}-{i}-"
        body = data.get(name + "body", "")
        if data.get(name + "DELETE") or not body.strip():
            continue
        try:
            position = int(data.get(name + "position") or 0)
        except ValueError:
            position = 0
        section = evidence.SectionText(
            kind=data.get(name + "kind", evidence.Kind.OTHER),
            heading=data.get(name + "heading", "")[: evidence.HEADING_CHARACTERS],
            audience=data.get(name + "audience", SectionAudience.PROFESSIONAL),
            body=body,
        )
        rows.append((position, i, section))
    return [section for _p, _i, section in sorted(rows)][: evidence.MAX_SECTIONS + 1]
