"""The auditor's page: who viewed or exported sensitive records."""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.audit.filters import AccessLogFilter
from donghanh.audit.forms import AccessReviewForm
from donghanh.audit.selectors import access_log_for_user, access_review_for_user
from donghanh.core.pagination import paginate


@scoped(Capability.VIEW_ACCESS_LOG)
def access_log(request: AppRequest) -> HttpResponse:
    filterset = AccessLogFilter(request.GET or None, queryset=access_log_for_user(request.user))
    page = paginate(request, filterset.qs)
    template = "audit/access_log.html#table" if request.htmx else "audit/access_log.html"
    return render(request, template, {"filter": filterset, "page": page})


# The rows each list of the access review shows before "see more" opens that list alone, page by page.
REVIEW_PREVIEW_ROWS = 20
REVIEW_LISTS = ("busy_hours", "after_hours", "exports")


@scoped(Capability.VIEW_ACCESS_LOG)
def access_review(request: AppRequest) -> HttpResponse:
    """Unusual access in the user's units: busy hours, views outside working hours, and every export."""
    form = AccessReviewForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    days = form.cleaned_data if valid and form.is_bound else {}
    review = access_review_for_user(request.user, since=days.get("since"), until=days.get("until"))
    alone = request.GET.get("list")
    lists: dict[str, dict[str, Any]] = {}
    for name in REVIEW_LISTS:
        if alone in REVIEW_LISTS and name != alone:
            continue
        rows = getattr(review, name)
        if alone == name:
            page = paginate(request, rows)
            lists[name] = {"page": page, "rows": page.object_list, "more": False}
        else:
            preview = list(rows[: REVIEW_PREVIEW_ROWS + 1])
            lists[name] = {"rows": preview[:REVIEW_PREVIEW_ROWS], "more": len(preview) > REVIEW_PREVIEW_ROWS}
    context = {
        "form": form,
        "review": review,
        "lists": lists,
        "alone": alone if alone in REVIEW_LISTS else None,
        "threshold": settings.ACCESS_REVIEW_RECORDS_PER_HOUR,
        "working_hours": settings.ACCESS_REVIEW_WORKING_HOURS,
    }
    return render(request, "audit/access_review.html", context, status=200 if valid else 400)
