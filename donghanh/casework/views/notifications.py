"""Notifications beyond the list of them (`field.notifications`): the count in the menu and each user's settings
of the daily summary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.casework.forms_notifications import CHANNEL_FIELDS, NotificationSettingsForm
from donghanh.casework.notifications import (
    last_deliveries,
    notification_preference_save,
    preference_of,
    work_counts_cached,
)
from donghanh.core.forms import apply_service_errors


@scoped(Capability.VIEW_CASEWORK)
@require_GET
def notification_count(request: AppRequest) -> HttpResponse:
    """The menu's badge: how many items of the user's work list are due and overdue (htmx, after the page)."""
    counts = work_counts_cached(request.user, timezone.localdate())
    return render(request, "casework/notifications/count.html", {"counts": counts})


@scoped(Capability.VIEW_CASEWORK)
def notification_settings(request: AppRequest) -> HttpResponse:
    """The user's own choice: the daily summary or not, by which channels, to which mobile number."""
    user = request.user
    preference = preference_of(user)
    initial = {name: getattr(preference, name) for name in ("digest_daily", *CHANNEL_FIELDS)}
    initial["phone"] = preference.phone or user.phone
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preference_save(actor=user, user=user, **form.preference_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("casework:notification_settings")
    deliveries = last_deliveries(user)
    channels = [(field, deliveries.get(CHANNEL_FIELDS[field.name])) for field in form.channel_fields()]
    context = {"form": form, "channels": channels}
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/notifications/settings.html", context, status=status)
