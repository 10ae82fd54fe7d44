"""Reads of the people registry; every one starts from the user's scope."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from donghanh.core.crypto import digits_only, lookup_hash, lookup_hash_of, phone_digits
from donghanh.core.text import fold
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person, WhereaboutsRecord


def people_for_user(user: Any) -> QuerySet[Person]:
    """People the user may see now (managed by a commune in their scope), merged records left out."""
    return Person.objects.accessible_to(user).filter(merged_into__isnull=True).select_related("unit")


def with_current_whereabouts(people: QuerySet[Person]) -> QuerySet[Person]:
    latest = WhereaboutsRecord.objects.filter(person=OuterRef("pk")).order_by("-since", "-pk")
    return people.annotate(
        whereabouts=Subquery(latest.values("status")[:1]),
        whereabouts_since=Subquery(latest.values("since")[:1]),
    )


def whereabouts_on(day: datetime.date, statuses: Iterable[str]) -> Exists:
    """For a queryset of people: those whose whereabouts on `day` (their latest record by then) is one of `statuses`.

    Said as "a record with one of them and none after it", not as a comparison with the latest record's status:
    PostgreSQL estimates the first from its statistics and plans a country's list to stop once a page is full,
    where it took the second for a rare match and read everyone's whereabouts first.
    """
    later = WhereaboutsRecord.objects.filter(person=OuterRef("person"), since__lte=day).filter(
        Q(since__gt=OuterRef("since")) | Q(since=OuterRef("since"), pk__gt=OuterRef("pk"))
    )
    return Exists(
        WhereaboutsRecord.objects.filter(person=OuterRef("pk"), since__lte=day, status__in=list(statuses)).exclude(
            Exists(later)
        )
    )


def filter_by_name(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People any of whose names contains every word typed, with or without diacritics."""
    for word in fold(query).split():
        people = people.filter(search_name__contains=word)
    return people


PERSON_CODE = re.compile(r"dh\s*-?\s*(\d{1,12})", re.IGNORECASE)


def person_code_of(query: str) -> str | None:
    """The person code typed ("DH0000123", "dh 123"), as it is kept; None when the query is not one."""
    match = PERSON_CODE.fullmatch(query.strip())
    return f"DH{int(match.group(1)):07d}" if match else None


def is_identifier(query: str) -> bool:
    """Whether what was typed is a number (a CCCD, an old CMND, a phone) rather than a name."""
    return bool(digits_only(query)) and not re.sub(r"[\d\s.+\-()]", "", query)


def phone_spellings(query: str) -> set[str]:
    """The national numbers a typed phone number may be: +84 912…, 84912…, 0084 912… and 912… (the leading 0
    dropped, as after +84) all mean 0912…."""
    digits = phone_digits(query)
    spellings = {digits}
    if digits.startswith("0084"):
        spellings.add("0" + digits[4:])
    if len(digits) == 9 and not digits.startswith("0"):
        spellings.add("0" + digits)
    return {spelling for spelling in spellings if spelling}


def filter_by_identifier(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People whose CCCD or old CMND, or phone number, is the number typed (with spaces, dots or +84 as typed).

    Both are encrypted: the match is on their keyed hashes (donghanh.core.crypto), indexed, so it is exact, never
    partial, and no row is decrypted to find it.
    """
    if not digits_only(query):
        return people.none()  # an empty hash is every record without a number
    phones = [lookup_hash(spelling) for spelling in phone_spellings(query)]
    return people.filter(Q(citizen_id_hash=lookup_hash_of(query, "digits")) | Q(phone_hash__in=phones))


def likely_duplicates(full_name: str, *, birth_year: int | None = None) -> QuerySet[Person]:
    """Registered people whose names contain every typed word, born within two years (search-before-register).

    The search covers the whole registry, not only the user's communes: a person registered
    elsewhere must be found before a second record is made. Only name, birth year and commune
    are shown for people outside the user's scope.
    """
    if len(fold(full_name)) < 3:
        return Person.objects.none()
    people = filter_by_name(Person.objects.filter(merged_into__isnull=True), full_name).select_related("unit")
    if birth_year:
        people = people.filter(birth_year__range=(birth_year - 2, birth_year + 2))
    return people.order_by("search_name", "birth_year")[:10]


def birth_registration_province_codes() -> frozenset[str]:
    """Three-digit province codes valid in a CCCD: the 63 before 2025 and the current 34."""
    codes = OrgUnit.objects.filter(level=OrgUnit.Level.PROVINCE).values_list("code", flat=True)
    return frozenset(f"{int(code):03d}" for code in codes)
