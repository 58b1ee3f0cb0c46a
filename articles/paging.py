"""Page numbers of public lists: a page that cannot exist is not found, never page 1.

One function for every public list (home, topics, search, the board, profiles, sitemaps),
so that ?page=999, ?page=0 and ?page=abc answer 404 everywhere: search engines then do not
index endless copies of the first page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest


def page_number(request: HttpRequest, *, param: str = "page", last: int | None = None) -> int:
    """The page asked for (1 when none is): a positive whole number, at most `last`."""
    raw = request.GET.get(param, "1")
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise Http404("No such page.")
    number = int(raw)
    if last is not None and number > last:
        raise Http404("No such page.")
    return number


def single_page(request: HttpRequest) -> None:
    """A list shown whole: only page 1 exists."""
    page_number(request, last=1)


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page of `items`; an empty list still has its (empty) first page."""
    number = page_number(request)
    try:
        return Paginator(items, per_page).page(number)
    except EmptyPage:
        raise Http404("No such page.") from None
