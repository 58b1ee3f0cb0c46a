"""The editor's live preview (markdownx posts the field's text here as it is typed).

Staff only, POST only, and throttled per user: each preview is a full render, so
one account must not be able to keep the workers busy with them. A long text also
needs one of the server's preview render slots (VETTED_PREVIEW_RENDER_SLOTS, one by
default), which then rests three times as long as the render took: however many
writers preview long texts at once, the other workers stay free for readers and long
previews use at most a quarter of a core. A slot is an exclusive lock on a file, so
the kernel releases it if a worker dies mid-render.
"""

from __future__ import annotations

import fcntl
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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

# After a long render its slot rests this many times as long as the render took, so
# long previews use at most a quarter of one core per slot, however many writers ask.
REST_FACTOR = 3

# A preview request this large (some 5,000 to 16,000 characters) needs a render slot;
# shorter texts render in a few milliseconds and never wait for one.
LONG_REQUEST_BYTES = 16_384

# markdownx puts whatever the endpoint answers into the preview pane.
PAUSED = (
    "<p><strong>Preview paused.</strong> You have asked for many previews in a short "
    "time; it resumes within a minute. Your text is not affected.</p>"
)
BUSY = (
    "<p><strong>Preview busy.</strong> Long texts are previewed one at a time and "
    "another is being prepared; pause typing again in a moment. Your text is not "
    "affected.</p>"
)


@contextmanager
def render_slot() -> Iterator[bool]:
    """Hold one of this server's preview render slots if one is free; never waits.

    A slot also rests after each render, REST_FACTOR times as long as the render took
    (the time it is free again is written in its lock file).
    """
    for path in _slot_paths():
        with open(path, "a+") as handle:
            if not _lock_if_ready(handle):
                continue
            try:
                started = time.monotonic()
                yield True
                rested_until = time.time() + REST_FACTOR * (time.monotonic() - started)
                handle.seek(0)
                handle.truncate()
                handle.write(str(rested_until))
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
    yield False


def slot_ready() -> bool:
    """Whether render_slot() would grant a slot now (a glance: it reserves nothing)."""
    for path in _slot_paths():
        with open(path, "a+") as handle:
            if _lock_if_ready(handle):
                fcntl.flock(handle, fcntl.LOCK_UN)
                return True
    return False


def busy_response() -> HttpResponse:
    response = HttpResponse(BUSY, status=503)
    response["Retry-After"] = "1"
    return response


def _slot_paths() -> list[Path]:
    directory = Path(tempfile.gettempdir())
    count = settings.VETTED_PREVIEW_RENDER_SLOTS
    return [directory / f"vetted-preview-render-{index}.lock" for index in range(count)]


def _lock_if_ready(handle) -> bool:
    """Lock the slot's file unless another worker holds it or it is resting."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    handle.seek(0)
    if time.time() < _float(handle.read()):
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
    return True


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


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
    render = _working_copy_preview if whole else lambda request: HttpResponse(markdownify(content))
    if not is_long(request):
        return render(request)
    with render_slot() as granted:
        if not granted:
            return busy_response()
        return render(request)


def _working_copy_preview(request: HttpRequest) -> JsonResponse:
    """The whole working copy as the editor has it (nothing is saved), rendered as it will
    be published: every part numbered together, in the public stylesheet. Also what the
    submission check says of it, for the reasons shown beside the Submit button."""
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
    return JsonResponse({"html": document, "problems": submission.problems})


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


def is_long(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > LONG_REQUEST_BYTES
    except ValueError:
        return False
