"""Pages to browse and search the organisation tree."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from donghanh.accounts.access import login_only
from donghanh.accounts.http import AppRequest
from donghanh.core.pagination import paginate
from donghanh.orgunits.filters import OrgUnitFilter
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import (
    children_with_commune_counts,
    top_units_for_user,
    unit_search,
    units_for_user,
)


@login_only
def unit_list(request: AppRequest) -> HttpResponse:
    """The user's top units, or search results when a name is typed (the table alone for htmx).

    Filtering goes through OrgUnitFilter, the same definition the API uses.
    """
    data = request.GET.copy()
    data.setdefault("era", OrgUnit.Era.CURRENT)  # the current tree unless the user asks otherwise
    filterset = OrgUnitFilter(data, queryset=units_for_user(request.user).select_related("parent"))
    query = data.get("q", "").strip()
    page = None
    if query and filterset.is_valid():
        results = filterset.qs.order_by("level", "search_name", "path")
        page = paginate(request, results)
    context = {
        "query": query,
        "era": data.get("era"),
        "eras": OrgUnit.Era.choices,
        "page": page,
        "top_units": [] if query else top_units_for_user(request.user),
    }
    template = "orgunits/unit_list.html#results" if request.htmx else "orgunits/unit_list.html"
    return render(request, template, context)


@login_only
def unit_detail(request: AppRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(units_for_user(request.user).select_related("parent"), pk=pk)
    visible = units_for_user(request.user)
    ancestors = list(visible.filter(path__in=unit.ancestor_paths()))
    children = paginate(request, children_with_commune_counts(request.user, unit), 100)
    successors = unit.successions.filter(successor__in=visible).select_related("successor")
    predecessors = unit.predecessions.filter(predecessor__in=visible).select_related("predecessor__parent")
    return render(
        request,
        "orgunits/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "successors": successors,
            "predecessors": predecessors,
        },
    )


@login_only
def unit_picker(request: AppRequest) -> HttpResponse:
    """A short list of current units matching a name, as radio buttons for a form field (htmx)."""
    # The search box of a form may carry its own name (e.g. unit_query on the role form).
    query = (request.GET.get("q") or request.GET.get("unit_query") or "").strip()
    field = request.GET.get("field", "unit")
    units = unit_search(request.user, query)[:15] if len(query) >= 2 else []
    return render(request, "orgunits/unit_picker.html", {"units": units, "field": field, "query": query})
