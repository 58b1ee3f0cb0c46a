"""The editor's live preview (markdownx posts the field's text here as it is typed).

Staff only, POST only, and throttled per user: each preview is a full render, so
one account must not be able to keep the workers busy with them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from articles.markdown import markdownify

# markdownx puts whatever the endpoint answers into the preview pane.
PAUSED = (
    "<p><strong>Preview paused.</strong> You have asked for many previews in a short "
    "time; it resumes within a minute. Your text is not affected.</p>"
)


@staff_member_required
@require_POST
@ratelimit(key="user", rate=lambda group, request: settings.VETTED_PREVIEW_RATE, block=False)
def markdown_preview(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return HttpResponse(PAUSED, status=429)
    content = request.POST.get("content")
    if content is None:
        return HttpResponseBadRequest("Nothing to preview: send the text as “content”.")
    return HttpResponse(markdownify(content))
