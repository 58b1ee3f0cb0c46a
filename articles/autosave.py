"""The article editor's autosave endpoint: the change form posts its field values here a
few seconds after the writer stops typing, and as the page is left (static/articles/
autosave.js); they are kept per person and article (ArticleAutosave) until the form is
saved or the autosave discarded.

Staff only, CSRF protected, for an article the user may edit now (articles.services
edit_refusal), and bounded in size. Every refusal is JSON with a sentence for the
person typing; a refused autosave changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles import evidence, services
from articles.markdown import LIMITS
from articles.models import Article
from caching.http import no_store
from core import text_limits

# Everything the form can hold (the Markdown parts, the evidence sections, the short
# fields), with room for the field names and JSON's escapes; larger is not a form's.
MAX_CHARACTERS = 2 * (
    2 * LIMITS.characters
    + evidence.MAX_SECTIONS * evidence.SECTION_CHARACTERS
    + text_limits.SUMMARY
    + text_limits.NOTE
    + 20_000
)
MAX_FIELDS = 300

TOO_LARGE = "This autosave is larger than any article form; it was not kept."
NOT_STAFF = "Sign in to the editorial site to autosave your work."
BAD_CSRF = "This page's security token has expired; reload the page (copy your text first)."
MALFORMED = "This autosave could not be read; it was not kept."


@csrf_exempt  # checked below, so that a refusal is JSON like every other
@require_http_methods(["POST", "DELETE"])
def autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """POST: keep the form's values (JSON: {"fields": {name: value}, "opened_version": n}).
    DELETE: discard them ("Discard" on the restore prompt, or the form is back as saved)."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return _refuse(NOT_STAFF, 403)
    if CsrfViewMiddleware(_no_response).process_view(request, None, (), {}) is not None:
        return _refuse(BAD_CSRF, 403)
    article = Article.objects.editable_by(user).filter(pk=pk).first()
    if article is None:
        return _refuse("There is no article of yours to autosave here.", 404)
    if request.method == "DELETE":
        services.autosave_discard(article=article, user=user)
        return no_store(JsonResponse({"discarded": True}))
    try:
        fields, opened_version = _read(request)
    except RequestDataTooBig:
        return _refuse(TOO_LARGE, 413)
    except ValueError as err:
        return _refuse(str(err), 413 if str(err) == TOO_LARGE else 400)
    try:
        kept = services.autosave_store(
            article=article, user=user, fields=fields, opened_version=opened_version
        )
    except services.AutosaveRefused as refused:
        return _refuse(str(refused), 403 if refused.permission else 409)
    saved_at = timezone.localtime(kept.saved_at)
    return no_store(
        JsonResponse(
            {"saved_at": saved_at.isoformat(), "message": f"Autosaved at {saved_at:%H:%M}."}
        )
    )


def _read(request: HttpRequest) -> tuple[dict[str, Any], int]:
    """The posted field values: names to strings, booleans (checkboxes) or lists of
    [value, label] (select boxes); anything else is refused."""
    if len(request.body) > MAX_CHARACTERS * 4:  # bytes: at most 4 per character
        raise ValueError(TOO_LARGE)
    try:
        posted = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(MALFORMED) from None
    if not isinstance(posted, dict) or not isinstance(posted.get("fields"), dict):
        raise ValueError(MALFORMED)
    fields = posted["fields"]
    if len(fields) > MAX_FIELDS:
        raise ValueError(TOO_LARGE)
    size = 0
    for name, value in fields.items():
        if not _is_field_value(value):
            raise ValueError(MALFORMED)
        size += len(name) + len(json.dumps(value, ensure_ascii=False))
    if size > MAX_CHARACTERS:
        raise ValueError(TOO_LARGE)
    version = posted.get("opened_version")
    opened = int(version) if str(version).isdigit() else 0
    return fields, opened


def _is_field_value(value: Any) -> bool:
    if isinstance(value, (str, bool)):
        return True
    return isinstance(value, list) and all(
        isinstance(option, list) and all(isinstance(part, str) for part in option)
        for option in value
    )


def _refuse(reason: str, status: int) -> JsonResponse:
    return no_store(JsonResponse({"error": reason}, status=status))


def _no_response(request: HttpRequest) -> None:
    return None
