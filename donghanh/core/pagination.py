"""Pages of the HTML lists, counted up to a cap.

A list of the whole country (224,000 people) must not be counted on every page: the count would cost
more than the page. `CappedPaginator` counts at most `LIST_COUNT_CAP` rows (1,000 by default): below
that the count is exact, as before; above it the page says "more than 1,000" and offers the next page
while there is one, found by reading one row more than the page shows. Nothing is cached or estimated,
so a list is always as fresh as its rows. The API's long lists use keyset pages instead (`core.api`).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


class OpenPage(Page[Any]):
    """A page of a list whose end is not known: whether a next page exists was read, not computed."""

    def __init__(self, object_list: Any, number: int, paginator: Paginator[Any], *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self)


class CappedPaginator(Paginator[Any]):
    """A paginator whose count stops at `cap`: `count_is_exact` says whether it got to the end."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap: int = settings.LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        """The rows counted, at most one more than the cap."""
        rows = self.object_list
        counter = getattr(rows, "count_up_to", None)
        if counter is not None:  # a list of its own that knows how to count itself no further than asked
            return int(counter(self.cap + 1))
        if isinstance(rows, QuerySet):
            if rows.query.is_sliced:
                return rows[: self.cap + 1].count()
            # The primary keys alone, in the list's own order: the database counts the rows as it reads the page's,
            # and stops at the cap (unordered, PostgreSQL may first read every candidate of a country's scope). An
            # order by an expression is not read from an index, so the rows would be gathered and sorted first:
            # those are counted in no order.
            ordering = rows.query.order_by
            if ordering and not isinstance(ordering[0], str):
                rows = rows.order_by()
            return rows.values("pk")[: self.cap + 1].count()
        return len(rows)

    @property
    def count_is_exact(self) -> bool:
        return self._counted <= self.cap

    @cached_property
    def count(self) -> int:
        """The number of rows, or the cap when there are more (see `count_is_exact`)."""
        return min(self._counted, self.cap)

    @cached_property
    def num_pages(self) -> int:
        """The pages known to exist: all of them when the count is exact, else those within the cap."""
        if self.count_is_exact:
            return super().num_pages
        return math.ceil(self._counted / self.per_page)

    def validate_number(self, number: Any) -> int:
        if self.count_is_exact:
            return super().validate_number(number)
        # Past the cap the last page is not known: any page from the first on may be asked for.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if wanted < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return wanted

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if self.count_is_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page[Any]:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end of a list longer than the cap: its last page known to exist
            return self.page(self.num_pages)


def paginate(request: HttpRequest, rows: Any, per_page: int | None = None, *, cap: int | None = None) -> Page[Any]:
    """The page of `rows` the request asks for (`?page=`), the first one on a wrong number, the last known one
    past the end. A list whose rows are few among those the database reads to find them counts to a lower `cap`."""
    return CappedPaginator(rows, per_page or settings.LIST_PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
