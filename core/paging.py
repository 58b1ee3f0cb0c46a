"""Pages of lists, and counts whose cost does not grow with the number of rows.

Two kinds of list, one module:

- Public lists (home, topics, search, the board, profiles, sitemaps) take their page
  number from `page_number`: ?page=999, ?page=0 and ?page=abc answer 404 everywhere, so
  search engines do not index endless copies of the first page (`paginate`, `single_page`).
- Editorial lists (the admin's change lists, the review queue) count at most COUNT_CAP
  rows ("more than 10,000"), since counting every row of a large table costs as much as
  reading it, and summaries too large to count exactly say "about N" from PostgreSQL's
  planner estimate. Pages are read with LIMIT/OFFSET through an index, so a page deep
  within the cap costs little more than the first (`BoundedPaginator`, `page_of`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.functional import cached_property

COUNT_CAP = 10_000


# --- public lists: a page that cannot exist is not found, never page 1 -------------------


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


# --- editorial lists: counted up to a cap ----------------------------------------------


def bounded_count(queryset: QuerySet, cap: int = COUNT_CAP) -> int:
    """The number of rows, reading at most cap + 1 of them (so cap + 1 means "more")."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def estimated_count(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the number of rows (its planner statistics, no scan);
    an exact count elsewhere (the embedded SQLite default is small by nature)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    """A paginator that counts at most `cap` rows: past it, the last page is the cap's,
    and `capped` says there are more (narrow the list with a filter or a search)."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            return bounded_count(object_list, self.cap)
        return len(object_list)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def page_of(request: HttpRequest, object_list: Any, per_page: int) -> Page:
    """The requested page (`?page=`) of an editorial list; a bad or out-of-range number
    gives the nearest page rather than an error (staff, not crawlers, read these)."""
    paginator = BoundedPaginator(object_list, per_page)
    return paginator.get_page(request.GET.get("page"))
