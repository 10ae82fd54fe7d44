"""The auditor's page: who viewed or exported sensitive records."""

from django.http import HttpResponse
from django.shortcuts import render

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.audit.filters import AccessLogFilter
from donghanh.audit.selectors import access_log_for_user
from donghanh.core.pagination import paginate


@scoped(Capability.VIEW_ACCESS_LOG)
def access_log(request: AppRequest) -> HttpResponse:
    filterset = AccessLogFilter(request.GET or None, queryset=access_log_for_user(request.user))
    page = paginate(request, filterset.qs)
    template = "audit/access_log.html#table" if request.htmx else "audit/access_log.html"
    return render(request, template, {"filter": filterset, "page": page})
