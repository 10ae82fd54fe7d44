"""The breakdown by the units below as the report page, the PDF and the workbook show it: the units whose figures
are all zero left out when asked, the rows sorted by any column.

A province has over a hundred communes, most of them with nobody on the roster: their rows are zeros from end to
end. `?hide_zero=1` leaves them out (`?hide_zero=0` keeps them; without it each shows its default: the page and the
workbook list every unit, the PDF's annex leaves them out and says how many). `?sort=<column>` sorts the rows by a
column, `?sort=-<column>` the other way; a column is `unit` (the name) or an indicator's code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import ngettext

from donghanh.core.text import fold
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.engine import ChildRow
from donghanh.reports.indicators import Indicator

HIDE_ZERO = "hide_zero"  # the query parameters
SORT = "sort"
UNIT_COLUMN = "unit"
# Indicators that count the units themselves (each commune is one commune, whatever happens there): not a sign of
# anything done in a unit.
UNIT_COUNTS = frozenset({"communes.total"})


def hide_zero_choice(raw: str | None) -> bool | None:
    """`?hide_zero=`: 1 hides, 0 shows, anything else leaves it to the page or the file (None)."""
    return {"1": True, "0": False}.get((raw or "").strip())


@dataclass(frozen=True)
class Sort:
    """The rows sorted by `column` (`unit`, or an indicator's code), largest or last name first when descending."""

    column: str
    descending: bool = False

    @property
    def param(self) -> str:
        """The value of `?sort=` that asks for this order."""
        return f"-{self.column}" if self.descending else self.column

    def toggled(self) -> Sort:
        return Sort(self.column, not self.descending)


def parse_sort(raw: str | None, columns: Iterable[str]) -> Sort | None:
    """The order `?sort=` asks for, if its column is `unit` or one of `columns` (None otherwise: as the tree lists
    them)."""
    raw = (raw or "").strip()
    column = raw.removeprefix("-")
    if column != UNIT_COLUMN and column not in set(columns):
        return None
    return Sort(column, raw.startswith("-"))


def first_sort(column: str) -> Sort:
    """What a click on a column's header first asks for: names A to Z, figures largest first."""
    return Sort(column, descending=column != UNIT_COLUMN)


def is_all_zero(child: ChildRow, indicators: Sequence[Indicator]) -> bool:
    """Every figure of `indicators` shows 0 (or — for a share with nobody to divide by): nothing counted above the
    line. The count of the units themselves (`UNIT_COUNTS`) is no figure of what happens there."""
    for indicator in indicators:
        figure = child.figures.get(indicator.code)
        if figure is not None and figure.numerator and indicator.code not in UNIT_COUNTS:
            return False
    return True


@dataclass(frozen=True)
class Arranged:
    """The rows to show, and the units left out for being all zeros."""

    rows: list[ChildRow]
    hidden: list[ChildRow]

    def hidden_note(self) -> str:
        """ "125 xã/phường có toàn số 0 không được liệt kê." (empty when none is left out)."""
        return hidden_note(self.hidden)


def arrange(
    children: Sequence[ChildRow], indicators: Sequence[Indicator], *, hide_zero: bool, sort: Sort | None
) -> Arranged:
    """The breakdown's rows over `indicators`: without the all-zero ones when `hide_zero`, sorted by `sort` (None:
    as the tree lists them). A figure with nothing to divide goes last either way; the row of what no unit below
    accounts for stays at the end."""
    hidden = [child for child in children if hide_zero and is_all_zero(child, indicators)]
    left_out = {id(child) for child in hidden}
    kept = [child for child in children if id(child) not in left_out]
    units = [child for child in kept if child.unit is not None]
    rest = [child for child in kept if child.unit is None]
    if sort is not None:
        units = _sorted(units, sort)
    return Arranged(units + rest, hidden)


def _sorted(rows: list[ChildRow], sort: Sort) -> list[ChildRow]:
    if sort.column == UNIT_COLUMN:
        return sorted(rows, key=lambda child: _name_key(child.unit), reverse=sort.descending)
    with_value = [row for row in rows if _value(row, sort.column) is not None]
    without = [row for row in rows if _value(row, sort.column) is None]
    # Python's sort is stable in both directions: equal figures keep the tree's order.
    return sorted(with_value, key=lambda row: _value(row, sort.column) or 0, reverse=sort.descending) + without


def _name_key(unit: OrgUnit | None) -> tuple[str, str]:
    if unit is None:
        return ("", "")
    return (unit.search_name or fold(unit.name).casefold(), unit.path)


def _value(row: ChildRow, code: str) -> float | int | None:
    figure = row.figures.get(code)
    return figure.value if figure is not None else None


def hidden_note(hidden: Sequence[ChildRow]) -> str:
    """How many units are left out for being all zeros, named as what they are when they are all of one level."""
    count = len(hidden)
    if not count:
        return ""
    levels = {child.unit.level if child.unit is not None else None for child in hidden}
    level = levels.pop() if len(levels) == 1 else None
    if level == OrgUnit.Level.COMMUNE:
        text = ngettext(
            "%(count)s commune with only zeros is not listed.",
            "%(count)s communes with only zeros are not listed.",
            count,
        )
    elif level == OrgUnit.Level.DISTRICT:
        text = ngettext(
            "%(count)s district with only zeros is not listed.",
            "%(count)s districts with only zeros are not listed.",
            count,
        )
    elif level == OrgUnit.Level.PROVINCE:
        text = ngettext(
            "%(count)s province with only zeros is not listed.",
            "%(count)s provinces with only zeros are not listed.",
            count,
        )
    else:
        text = ngettext(
            "%(count)s unit with only zeros is not listed.",
            "%(count)s units with only zeros are not listed.",
            count,
        )
    return text % {"count": count}
