"""The site search page (`/search/?q=`), which the search box of the menu opens."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from donghanh.accounts.access import login_only
from donghanh.accounts.http import AppRequest
from donghanh.audit.services import access_log_record_many
from donghanh.people.filters import FOUND_BY_NUMBER, searches_by_number
from donghanh.search.forms import SearchForm
from donghanh.search.selectors import PEOPLE, search_targets, searchable, site_search

# The access-log entry of each person a search by their CCCD or phone number finds: which number is not written.
FOUND_IN_SEARCH = f"site search: {FOUND_BY_NUMBER}"


@login_only
def results(request: AppRequest) -> HttpResponse:
    """What the query finds, grouped by kind of record, each group limited to what the user may see.

    Open to a user who may see at least one kind of record (the menu shows the box to them only); 403 otherwise.
    """
    if not search_targets(request.user):
        raise PermissionDenied
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    groups = site_search(request, query) if searchable(query) else []
    people = next((group.rows for group in groups if group.key == PEOPLE), [])
    if people and searches_by_number(query):
        records = [(person, person.unit) for person in people]
        access_log_record_many(actor=request.user, records=records, detail=FOUND_IN_SEARCH, request=request)
    context = {
        "form": form,
        "query": query,
        "too_short": bool(query) and not searchable(query),
        "groups": [group for group in groups if group.rows],
        "searched": bool(groups),
    }
    return render(request, "search/results.html", context)
