"""HTML lists: counted up to a cap, then paged by reading one row more than a page shows."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from donghanh.core.pagination import CappedPaginator, paginate
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def hanoi_communes():
    return OrgUnit.objects.filter(path__startswith="VN/NP01/", level=OrgUnit.Level.COMMUNE).order_by("path")


def paths(page):
    return [unit.path for unit in page.object_list]


def test_below_the_cap_the_count_is_exact():
    everything = list(hanoi_communes().values_list("path", flat=True))
    paginator = CappedPaginator(hanoi_communes(), 50, cap=1000)
    assert paginator.count_is_exact and paginator.count == len(everything) == 126
    assert paginator.num_pages == 3
    last = paginator.get_page(3)
    assert paths(last) == everything[100:] and not last.has_next() and last.end_index() == 126
    assert paginator.get_page(99).number == 3


def test_above_the_cap_the_pages_go_on_to_the_end():
    everything = list(hanoi_communes().values_list("path", flat=True))
    paginator = CappedPaginator(hanoi_communes(), 20, cap=30)
    assert not paginator.count_is_exact and paginator.count == 30
    assert paginator.num_pages == 2  # the pages known to exist: 31 rows counted
    seen, number = [], 1
    while True:
        with CaptureQueriesContext(connection) as queries:
            page = paginator.get_page(number)
        assert len(queries) == 1  # the page and its next row (the count was read above)
        seen += paths(page)
        if not page.has_next():
            break
        number = page.next_page_number()
    assert seen == everything and number == 7
    assert page.end_index() == 126 and page.start_index() == 121


def test_the_count_reads_at_most_one_row_past_the_cap():
    paginator = CappedPaginator(hanoi_communes(), 20, cap=30)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 30
    [count] = queries
    sql = count["sql"].upper()
    assert "LIMIT 31" in sql and "ORDER BY" in sql  # in the list's order, as the page is read
    assert '"NAME"' not in sql.split("FROM")[1]  # the keys alone


def test_a_list_ordered_by_an_expression_is_counted_in_no_order():
    by_name = hanoi_communes().order_by(Lower("search_name"), "pk")
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(by_name, 20, cap=30).count == 30
    assert "ORDER BY" not in queries[0]["sql"].upper()


def test_wrong_page_numbers_past_the_cap():
    paginator = CappedPaginator(hanoi_communes(), 20, cap=30)
    assert paginator.get_page("abc").number == 1
    assert paginator.get_page(None).number == 1
    assert paginator.get_page(-3).number == 2  # Django's rule: the last page known
    assert paginator.get_page(500).number == 2
    with pytest.raises(PageNotAnInteger):
        paginator.validate_number("1.5")
    with pytest.raises(EmptyPage):
        paginator.page(500)


def test_a_list_is_counted_by_its_length():
    paginator = CappedPaginator(list(range(45)), 20, cap=10)
    assert paginator.count_is_exact is False and paginator.count == 10
    assert paginator.get_page(3).object_list == list(range(40, 45))


@override_settings(LIST_PAGE_SIZE=20, LIST_COUNT_CAP=30)
def test_the_page_number_says_of_how_many_only_when_known():
    request = RequestFactory().get("/units/", {"page": "2"})
    with translation.override("en"):
        beyond = render_to_string("core/pagination.html", {"page": paginate(request, hanoi_communes())}, request)
        within = render_to_string("core/pagination.html", {"page": paginate(request, hanoi_communes()[:25])}, request)
    assert "Page 2<" in beyond and "of" not in beyond.split("Page 2")[1].split("<")[0]
    assert "Page 2 of 2" in within
