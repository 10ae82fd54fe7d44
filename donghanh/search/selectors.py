"""The site search: what one box finds across the apps, each group read through its app's own filter and scope.

People are found as the people list finds them (`people.filters.PersonFilter`, on and off the roster: a name
without diacritics, a person code, a CCCD or old CMND, a phone number), partners and community models by name
without diacritics. A group appears only for a user who may see its kind of record, and holds at most
`GROUP_SIZE` rows, with the address of the list that shows them all. A fixed number of queries, whatever the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.community.selectors import models_for_user
from donghanh.core.text import fold
from donghanh.orgunits.selectors import filter_by_name
from donghanh.people.filters import ALL, QUERY_MAX_LENGTH, PersonFilter
from donghanh.support.filters import PartnerFilter
from donghanh.support.selectors import partners_for_user

GROUP_SIZE = 10
QUERY_MIN_LENGTH = 2  # letters or digits: one alone would match half the registry
PEOPLE, PARTNERS, MODELS = "people", "partners", "models"
# The capability each group needs, in the order the page shows them.
SEARCH_TARGETS: dict[str, Capability] = {
    PEOPLE: Capability.VIEW_PEOPLE,
    PARTNERS: Capability.VIEW_SUPPORT,
    MODELS: Capability.VIEW_COMMUNITY,
}
TITLES: dict[str, Promise] = {
    PEOPLE: _("People supported"),
    PARTNERS: _("Support partners"),
    MODELS: _("Models"),
}


@dataclass(frozen=True)
class Group:
    key: str
    title: Promise
    rows: list[Any]
    more: bool  # more than GROUP_SIZE found: the list shows them all
    see_all: str  # the list's address, with the search


def search_targets(user: Any) -> list[str]:
    """The groups the user may search; none means no search box."""
    scope = scope_for(user)
    return [key for key, capability in SEARCH_TARGETS.items() if scope.can(capability)]


def searchable(query: str) -> bool:
    """Whether the query is long enough to search and short enough to be a name or a number."""
    letters = fold(query).replace(" ", "")
    return len(letters) >= QUERY_MIN_LENGTH and len(query) <= QUERY_MAX_LENGTH


def _group(key: str, rows: QuerySet[Any], list_url: str, params: dict[str, str]) -> Group:
    found = list(rows[: GROUP_SIZE + 1])
    see_all = f"{list_url}?{urlencode(params)}"
    return Group(key, TITLES[key], found[:GROUP_SIZE], len(found) > GROUP_SIZE, see_all)


def site_search(request: HttpRequest, query: str) -> list[Group]:
    """The groups of what `query` finds for the request's user, in `SEARCH_TARGETS` order; one query a group."""
    user = request.user
    groups: list[Group] = []
    for key in search_targets(user):
        if key == PEOPLE:
            params = {"q": query, "roster": ALL}
            # Only the people themselves are shown: not the legal measures the list attaches to them.
            people = PersonFilter(params, request=request).qs.prefetch_related(None)
            groups.append(_group(key, people, reverse("people:list"), params))
        elif key == PARTNERS:
            partners = PartnerFilter({"q": query}, queryset=partners_for_user(user)).qs.order_by("search_name", "pk")
            groups.append(_group(key, partners, reverse("support:partners"), {"q": query}))
        elif key == MODELS:
            models = filter_by_name(models_for_user(user), query).order_by("search_name", "unit__path", "pk")
            groups.append(_group(key, models, reverse("community:models"), {"q": query}))
    return groups
