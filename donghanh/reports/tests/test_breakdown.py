"""The breakdown's rows as the page and the files arrange them (`reports.breakdown`): units with only zeros left out
when asked, sorted by any column, in both directions, the figures with nothing to divide last. No database: the
rows are made in memory as the engine makes them."""

from __future__ import annotations

from dataclasses import replace

from django.utils import translation

from donghanh.orgunits.models import OrgUnit
from donghanh.reports.breakdown import Sort, arrange, first_sort, hidden_note, hide_zero_choice, parse_sort
from donghanh.reports.engine import ChildRow, Figure
from donghanh.reports.indicators import INDICATORS

REGISTERED = INDICATORS["people.registered"]
IN_FACILITY = INDICATORS["people.in_facility"]
WITH_VOLUNTEER = INDICATORS["people.with_volunteer"]  # a share: numerator over denominator
COLUMNS = [REGISTERED, IN_FACILITY, WITH_VOLUNTEER]
CODES = [indicator.code for indicator in COLUMNS]


def commune(name: str, search_name: str, registered: int, in_facility: int, volunteer: tuple[int, int]) -> ChildRow:
    unit = OrgUnit(name=name, search_name=search_name, level=OrgUnit.Level.COMMUNE, path=f"VN/{search_name}/")
    figures = {
        REGISTERED.code: Figure(REGISTERED, registered),
        IN_FACILITY.code: Figure(IN_FACILITY, in_facility),
        WITH_VOLUNTEER.code: Figure(WITH_VOLUNTEER, *volunteer),
    }
    return ChildRow(unit, figures)


# In the tree's order (by name without diacritics), as the engine gives them.
BA_DINH = commune("Phường Ba Đình", "phuong ba dinh", 3, 0, (0, 0))
BACH_MAI = commune("Phường Bạch Mai", "phuong bach mai", 0, 0, (0, 0))
HOAN_KIEM = commune("Phường Hoàn Kiếm", "phuong hoan kiem", 0, 0, (0, 3))  # 0 % of three: a zero too
PHU_THUONG = commune("Phường Phú Thượng", "phuong phu thuong", 5, 2, (1, 2))
YEN_SO = commune("Phường Yên Sở", "phuong yen so", 0, 0, (0, 0))
CHILDREN = [BA_DINH, BACH_MAI, HOAN_KIEM, PHU_THUONG, YEN_SO]


def names(rows: list[ChildRow]) -> list[str]:
    return [row.label for row in rows]


def test_units_with_only_zeros_are_left_out_when_asked_and_counted():
    every = arrange(CHILDREN, COLUMNS, hide_zero=False, sort=None)
    assert every.rows == CHILDREN and every.hidden == [] and every.hidden_note() == ""

    shown = arrange(CHILDREN, COLUMNS, hide_zero=True, sort=None)
    assert names(shown.rows) == ["Phường Ba Đình", "Phường Phú Thượng"]
    assert shown.hidden == [BACH_MAI, HOAN_KIEM, YEN_SO]
    with translation.override("vi"):
        assert shown.hidden_note() == "3 xã/phường có toàn số 0 không được liệt kê."
    with translation.override("en"):
        assert shown.hidden_note() == "3 communes with only zeros are not listed."
        assert hidden_note([YEN_SO]) == "1 commune with only zeros is not listed."
    # Over the columns shown: Ba Đình has nobody in a facility, and no share to show either.
    assert arrange(CHILDREN, [IN_FACILITY], hide_zero=True, sort=None).rows == [PHU_THUONG]
    # Each commune counts as one commune: that is no figure of what happens there.
    communes = INDICATORS["communes.total"]
    counted = [replace(child, figures={**child.figures, communes.code: Figure(communes, 1)}) for child in CHILDREN]
    kept = arrange(counted, [*COLUMNS, communes], hide_zero=True, sort=None).rows
    assert names(kept) == ["Phường Ba Đình", "Phường Phú Thượng"]


def test_any_column_sorts_both_ways_with_nothing_to_divide_last():
    def order(raw: str) -> list[str]:
        return names(arrange(CHILDREN, COLUMNS, hide_zero=False, sort=parse_sort(raw, CODES)).rows)

    assert order("-people.registered") == [
        "Phường Phú Thượng",
        "Phường Ba Đình",
        "Phường Bạch Mai",  # equal figures keep the tree's order
        "Phường Hoàn Kiếm",
        "Phường Yên Sở",
    ]
    assert order("people.registered")[:3] == ["Phường Bạch Mai", "Phường Hoàn Kiếm", "Phường Yên Sở"]
    assert order("people.registered")[-1] == "Phường Phú Thượng"
    # A share: 50 % then 0 %, and those with nobody to divide by last, whichever the direction.
    assert order("-people.with_volunteer")[:2] == ["Phường Phú Thượng", "Phường Hoàn Kiếm"]
    assert order("people.with_volunteer")[:2] == ["Phường Hoàn Kiếm", "Phường Phú Thượng"]
    assert set(order("people.with_volunteer")[2:]) == {"Phường Ba Đình", "Phường Bạch Mai", "Phường Yên Sở"}
    # By name, as the tree lists them (Bạch after Ba, not after Y), and back.
    assert order("unit") == names(CHILDREN)
    assert order("-unit") == names(CHILDREN)[::-1]


def test_the_row_of_what_no_unit_accounts_for_stays_last():
    rest = ChildRow(None, {code: Figure(INDICATORS[code], 9 if code == REGISTERED.code else 0) for code in CODES})
    rows = arrange([rest, *CHILDREN], COLUMNS, hide_zero=True, sort=Sort("people.registered", True)).rows
    assert rows[-1] is rest and rows[0] is PHU_THUONG


def test_the_query_parameters():
    assert parse_sort("-people.registered", CODES) == Sort("people.registered", descending=True)
    assert parse_sort("people.with_volunteer", CODES) == Sort("people.with_volunteer")
    assert parse_sort("unit", CODES) == Sort("unit")
    assert parse_sort("people.sanctioned", CODES) is None  # not a column of the table
    assert parse_sort("", CODES) is None and parse_sort(None, CODES) is None
    assert parse_sort("--unit", CODES) is None
    assert Sort("unit").toggled().param == "-unit" and Sort("x", True).toggled().param == "x"
    assert first_sort("unit") == Sort("unit") and first_sort("people.registered") == Sort("people.registered", True)
    assert (hide_zero_choice("1"), hide_zero_choice("0"), hide_zero_choice(""), hide_zero_choice("on")) == (
        True,
        False,
        None,
        None,
    )
