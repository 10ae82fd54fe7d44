"""Reading the cells of real registers: the shapes officers type dates, sexes, numbers and list values in.

Each reader takes what openpyxl gives for a cell (text, a number, a datetime, None) and answers the value the
services take, or raises `CellError` with a message in the user's language saying what was expected.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.core.text import fold

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0, counting its fictitious 29/02/1900
# Serial numbers from 1900 to 2100: a larger or smaller number is not a date someone typed.
SERIALS = range(1, 73051)


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, max_length: int = 200) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = f"{value:%d/%m/%Y}"
    result = " ".join(str(value).split())
    if len(result) > max_length:
        raise CellError(
            _("At most %(count)s characters (this has %(length)s).") % {"count": max_length, "length": len(result)}
        )
    return result


def texter(max_length: int) -> Callable[[Any], str]:
    return lambda value: text(value, max_length)


def _two_digit_year(year: int, ahead: int) -> int:
    """ "yy" as the year nearest before `ahead` years from now: 26 → 2026, 95 → 1995."""
    this = timezone.localdate().year
    return 2000 + year if 2000 + year <= this + ahead else 1900 + year


_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _from_serial(number: float) -> datetime.date:
    if int(number) not in SERIALS:
        raise CellError(_("%(value)s is not a date.") % {"value": number})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _from_text(value: str, ahead: int) -> datetime.date:
    value = value.strip()
    if value.isdigit() and len(value) == 8:  # ddmmyyyy, typed without separators
        day, month, year = int(value[:2]), int(value[2:4]), int(value[4:])
    elif match := _DATE.match(value):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year = _two_digit_year(year, ahead)
    elif match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": value[:40]})
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("%(value)s is not a date of the calendar.") % {"value": value[:40]}) from None


def date(value: Any, ahead: int = 10) -> datetime.date | None:
    """A date typed as dd/mm/yyyy, d/m/yy, dd-mm-yyyy, ddmmyyyy or yyyy-mm-dd, a date cell, or an Excel serial."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Not a date."))
    if isinstance(value, int | float):
        if 1900 <= value <= 2100 and float(value).is_integer():
            raise CellError(_("Write the whole date (dd/mm/yyyy), not the year alone."))
        return _from_serial(float(value))
    return _from_text(str(value), ahead)


def birth(value: Any) -> tuple[datetime.date | None, int | None]:
    """A date of birth, or a year alone: (date, year)."""
    if is_blank(value):
        return None, None
    number = isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
    if number and 1800 <= value <= 2200:
        return None, int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        return None, int(value.strip())
    day = date(value, ahead=0)  # nobody is born in the future
    return day, day.year if day else None


def _choice_index(options: Iterable[tuple[str, str]], aliases: dict[str, str] | None = None) -> dict[str, str]:
    index = {fold(str(label)): code for code, label in options}
    index.update({fold(code): code for code, _label in options})
    index.update(aliases or {})
    return index


def chooser(
    options: Callable[[], Iterable[tuple[str, str]]],
    aliases: dict[str, str] | Callable[[], dict[str, str]] | None = None,
) -> Callable[[Any], str]:
    """A value picked from a list by its label, with or without diacritics and in any case."""

    def read(value: Any) -> str:
        if is_blank(value):
            return ""
        index = _choice_index(options(), aliases() if callable(aliases) else aliases)
        found = index.get(fold(str(value)))
        if found is None:
            labels = ", ".join(str(label) for _code, label in options())
            raise CellError(
                _("“%(value)s” is not in the list: %(labels)s.") % {"value": str(value)[:60], "labels": labels}
            )
        return found

    return read


SEX_ALIASES = {"nam": "male", "nu": "female", "m": "male", "f": "female", "trai": "male", "gai": "female"}


def digits(value: Any) -> str:
    """A citizen ID or an old CMND, typed with spaces, dots or dashes, or kept by Excel as a number."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError(_("A citizen ID has 12 digits (an old identity card 9 digits), and only digits."))
    if isinstance(value, int | float):
        if not float(value).is_integer() or value < 0:
            raise CellError(_("A citizen ID has 12 digits (an old identity card 9 digits), and only digits."))
        number = str(int(value))
        # A number cell drops the leading zeros of "001…": give them back.
        return number.zfill(12) if len(number) > 9 else number.zfill(9)
    return re.sub(r"[\s.\-]", "", str(value))


def phone(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = str(int(value))
        return "0" + number if len(number) == 9 else number  # a number cell drops the leading 0
    result = " ".join(str(value).split())
    if len(result) > 20 or not re.fullmatch(r"[+\d\s.\-()]+", result):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": result[:40]})
    return result


def whole(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    cleaned = str(value).strip()
    if cleaned.isdigit():
        return int(cleaned)
    raise CellError(_("“%(value)s” is not a whole number.") % {"value": cleaned[:40]})


_AMOUNT = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def money(value: Any) -> int | None:
    """An amount in đồng: a number, or text such as 1.500.000, 1,500,000 or 1.500.000 ₫."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Not an amount."))
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        # fold() writes "đ" as "d". Dots or commas must group thousands: "1,5" is one and a half, not 15.
        cleaned = re.sub(r"(₫|vnd|dong|d)$", "", fold(str(value)).replace(" ", ""))
        if not _AMOUNT.fullmatch(cleaned):
            raise CellError(_("“%(value)s” is not an amount in đồng (write 1.500.000).") % {"value": str(value)[:40]})
        amount = Decimal(re.sub(r"[.,]", "", cleaned))
    if amount != amount.to_integral_value() or amount < 0:
        raise CellError(_("An amount is a whole number of đồng."))
    return int(amount)
