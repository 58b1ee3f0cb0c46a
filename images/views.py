"""The library's files, served same-origin so the CSP's img-src stays 'self'.

Files are immutable (named by content), so they are cached for a year. A file shown by
an approved revision is public; any other (a draft's figure) only for signed-in staff who
may browse the image library (writers, reviewers, editors), never for other staff accounts.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from caching.http import no_store
from images import selectors, storage

ONE_YEAR = 60 * 60 * 24 * 365


def media_file(request: HttpRequest, name: str) -> HttpResponse:
    match = storage.NAME_RE.match(name)
    if match is None:
        raise Http404("No such file.")
    # The approved check first: public files never touch the session (no Vary: Cookie).
    public = selectors.is_published(match["sha256"])
    if not public and not (request.user.is_staff and request.user.has_perm("images.view_image")):
        return no_store(HttpResponse("No such file.", status=404, content_type="text/plain"))
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file.") from exc
    extension = name.rsplit(".", 1)[1]
    response = FileResponse(handle, content_type=storage.CONTENT_TYPES[extension])
    scope = "public" if public else "private"
    response["Cache-Control"] = f"{scope}, max-age={ONE_YEAR}, immutable"
    response["ETag"] = f'"{match["sha256"][:32]}-{match["file"]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
