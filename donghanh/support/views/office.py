"""The commune's support page: referrals still open, and the support given in a period with its totals.

The unit is any the user sees support in (`?unit=`, their own by default) and the period a month,
quarter or year (`?period=2025-04|2025Q2|2025`, the current quarter by default). Figures and rows come
from the user's scope, so health and drug-treatment referrals count only for roles that may see them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.downloads import list_file_download
from donghanh.core.pagination import paginate
from donghanh.core.periods import QUARTER, Period, parse_period, period_choices, period_of
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.core.xlsx import xlsx_url
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import broadest_unit, unit_asked_within
from donghanh.support import exports
from donghanh.support.choices import ReferralStatus
from donghanh.support.models import Referral, ServiceRecord
from donghanh.support.selectors import of_people_in, services_given, stable_jobs_on, support_totals

OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


def _unit(request: AppRequest) -> OrgUnit:
    """The unit of `?unit=` if the user sees support there (404 otherwise); their broadest unit without it."""
    grants = scope_for(request.user).grants_for(Capability.VIEW_SUPPORT)
    return unit_asked_within(request.GET.get("unit", ""), grants) or broadest_unit(grants)


def _period(request: AppRequest, today: datetime.date, *, warn: bool = True) -> Period:
    """The period of `?period=`, the current quarter without it (or, said on the next page, for one not a period)."""
    raw = request.GET.get("period", "")
    period = parse_period(raw) if raw else None
    if raw and period is None and warn:
        messages.warning(request, _("“%(period)s” is not a period; showing the current quarter.") % {"period": raw})
    return period or period_of(QUARTER, today)


@scoped(Capability.VIEW_SUPPORT)
def overview(request: AppRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = _unit(request)
    period = _period(request, today)
    grants = scope_for(request.user).grants_for(Capability.VIEW_SUPPORT)
    parent = unit.parent if unit.parent and any(g.covers_path(unit.parent.path) for g in grants) else None
    sub_units = OrgUnit.objects.filter(parent=unit, era=OrgUnit.Era.CURRENT).order_by("search_name", "path")

    totals = support_totals(request.user, unit, period.first, period.last)
    given = services_given(request.user, unit, period.first, period.last)
    overall = given.aggregate(people=Count("person", distinct=True), amount=Sum("amount"))
    stable_on = min(period.last, today)
    stable = (
        stable_jobs_on(stable_on) & ServiceRecord.objects.accessible_to(request.user).filter(of_people_in(unit))
    ).aggregate(people=Count("person", distinct=True))["people"]

    answer_by = today - datetime.timedelta(days=settings.SUPPORT_REFERRAL_ANSWER_DAYS)
    open_referrals = (
        Referral.objects.accessible_to(request.user)
        .filter(of_people_in(unit), status__in=OPEN_STATUSES)
        .select_related("person", "partner", "referred_by")
        .order_by("sent_on", "pk")
    )
    page = paginate(request, open_referrals)
    context: dict[str, Any] = {
        "unit": unit,
        "parent_unit": parent,
        "sub_units": list(sub_units),
        "period": period,
        "periods": period_choices(today, period),
        "previous": period.shifted(-1),
        "next": period.shifted(1) if period.shifted(1).first <= today else None,
        "totals": totals,
        "overall_people": overall["people"],
        "overall_amount": overall["amount"] or 0,
        "stable_jobs": stable,
        "stable_on": stable_on,
        "page": page,
        "answer_by": answer_by,
        "answer_days": settings.SUPPORT_REFERRAL_ANSWER_DAYS,
        "today": today,
        "xlsx_url": xlsx_url(request, "support:overview_xlsx"),
    }
    return render(request, "support/overview.html", context)


@scoped(Capability.VIEW_SUPPORT)
@require_GET
def overview_xlsx(request: AppRequest) -> HttpResponse:
    """The support given in the unit and period of the page, each service and the totals, as an Excel file; logged
    as an export."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    unit = _unit(request)
    made = exports.services_file(request.user, unit, _period(request, timezone.localdate(), warn=False))
    return list_file_download(request, made, exports.EXPORTED)
