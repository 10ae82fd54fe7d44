"""Checks of a citizen ID number against the rest of a person's identity.

A 12-digit CCCD encodes: digits 1–3 the province where the birth was registered (a code of the
63 provinces before 2025 or of the current 34), digit 4 sex and century (0/1 a man/woman born
1900–1999, 2/3 in 2000–2099, 4/5 in 2100–2199), digits 5–6 the last two digits of the birth
year. A 9-digit number is an old identity card (CMND), which encodes none of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from donghanh.people.choices import IdKind, Sex

CENTURY_DIGITS = {1900: (0, 1), 2000: (2, 3), 2100: (4, 5)}


@dataclass(frozen=True)
class IdCheck:
    kind: str
    errors: dict[str, list[str]]


def check_citizen_id(
    number: str, *, sex: str, birth_year: int | None, province_codes: set[str] | frozenset[str]
) -> IdCheck:
    """The kind of the number and, per form field, what disagrees. No errors means it fits."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    number = number.strip()
    if not (number.isascii() and number.isdigit()) or len(number) not in (9, 12):
        add("citizen_id", _("A citizen ID has 12 digits (an old identity card 9 digits), and only digits."))
        return IdCheck("", errors)
    if len(number) == 9:
        return IdCheck(IdKind.CMND, errors)

    province, sex_century, year_digits = number[:3], int(number[3]), number[4:6]
    if province not in province_codes:
        add(
            "citizen_id",
            _("Digits 1–3 (%(code)s) are not the code of a province of birth registration.") % {"code": province},
        )
    if sex_century > 5:
        add(
            "citizen_id",
            _("Digit 4 (%(digit)s) must be 0 to 5 (sex and century of birth).") % {"digit": sex_century},
        )
        return IdCheck(IdKind.CCCD, errors)
    id_is_female = sex_century % 2 == 1
    id_century = 1900 + 100 * (sex_century // 2)
    if sex and (sex == Sex.FEMALE) != id_is_female:
        add(
            "sex",
            _("Digit 4 of the citizen ID (%(digit)s) is for a %(id_sex)s, but the sex recorded is %(sex)s.")
            % {
                "digit": sex_century,
                "id_sex": Sex.FEMALE.label.lower() if id_is_female else Sex.MALE.label.lower(),
                "sex": Sex(sex).label.lower(),
            },
        )
    if birth_year:
        if not id_century <= birth_year < id_century + 100:
            add(
                "birth_year",
                _("Digit 4 of the citizen ID (%(digit)s) is for a birth in %(start)s–%(end)s, not %(year)s.")
                % {"digit": sex_century, "start": id_century, "end": id_century + 99, "year": birth_year},
            )
        elif f"{birth_year % 100:02d}" != year_digits:
            add(
                "birth_year",
                _("Digits 5–6 of the citizen ID (%(digits)s) do not match the year of birth %(year)s.")
                % {"digits": year_digits, "year": birth_year},
            )
    return IdCheck(IdKind.CCCD, errors)
