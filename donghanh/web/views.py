"""The home page, the user's profile, the health check and the language switch."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.i18n import set_language as django_set_language

from donghanh.accounts.access import login_only, public
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import CAPABILITY_LABELS, Capability
from donghanh.accounts.scope import scope_for
from donghanh.orgunits.selectors import top_units_for_user
from donghanh.reports.selectors import report_grants
from donghanh.web.home import home_parts


@login_only
def home(request: AppRequest) -> HttpResponse:
    """Each role's work first (`web.home`); for those who read reports, a place where the key indicators of their
    unit this quarter and the targets at risk are loaded."""
    scope = scope_for(request.user)
    context = home_parts(request, scope, timezone.localdate())
    context["assignments"] = request.user.role_assignments.select_related("unit").order_by("unit__path", "role")
    # The dashboard's figures are loaded after the page (`reports:dashboard`).
    context["dashboard_url"] = reverse("reports:dashboard") if report_grants(request.user) else None
    return render(request, "web/home.html", context)


@login_only
def profile(request: AppRequest) -> HttpResponse:
    """Who the user is: the roles they hold, the units they act in, what they may do, and their keys."""
    scope = scope_for(request.user)
    assignments = request.user.role_assignments.select_related("unit__parent").order_by("unit__path", "role")
    return render(
        request,
        "web/profile.html",
        {
            "assignments": assignments,
            "top_units": top_units_for_user(request.user),
            "capabilities": [CAPABILITY_LABELS[c] for c in Capability if scope.can(c)],
        },
    )


@public
def healthz(request: AppRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


set_language = public(django_set_language)
