"""A person's support tab: the services they received, their referrals with every change, treatment follow-ups,
and one timeline of it all; and the forms that record them.

Reads start from the user's scope, so a person or referral outside it answers 404 and a health or
drug-treatment referral stays invisible to a role that may not see it. Showing such a referral
leaves one access-log entry for the page. Writes go through the services and need RECORD_SUPPORT at
the person's commune.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.services import access_log_record
from donghanh.core.dates import month_end
from donghanh.core.forms import apply_service_errors
from donghanh.core.versions import Conflict, StaleVersion, edited_fields, loaded_version, version_conflict, with_version
from donghanh.people.models import Person
from donghanh.support import services
from donghanh.support.choices import (
    DRUG_USE_REFERRALS,
    HEALTH_REFERRALS,
    REFERRAL_TRANSITIONS,
    TREATMENT_REFERRALS,
    ReferralKind,
    ReferralStatus,
    ServiceCategory,
)
from donghanh.support.forms.person import FollowUpForm, ReferralChangeForm, ReferralForm, ServiceForm
from donghanh.support.models import AdherenceFollowUp, Referral, ReferralEvent, ServiceRecord, ServiceType
from donghanh.support.selectors import is_stable_job, partners_for_user
from donghanh.support.templatetags.support_format import vnd_text

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_DRUG_TREATMENT_REFERRALS = "drug-treatment referrals"
SEEN_HEALTH_REFERRALS = "health referrals"


def _person(request: AppRequest, pk: int) -> Person:
    people = Person.objects.accessible_to(request.user, Capability.VIEW_SUPPORT).select_related("unit__parent")
    person: Person = get_object_or_404(people, pk=pk, merged_into__isnull=True)
    return person


def _require_recording(request: AppRequest, person: Person) -> None:
    if not scope_for(request.user).can_at(Capability.RECORD_SUPPORT, person.unit.path):
        raise PermissionDenied(_("Your role does not allow recording support for %(unit)s.") % {"unit": person.unit})


def _status(request: AppRequest) -> int:
    return 400 if request.method == "POST" else 200


def referral_kinds_for(request: AppRequest, person: Person) -> list[tuple[str, Any]]:
    """The referrals this user may send for `person`: drug treatment and health ones need the right to see them."""
    scope = scope_for(request.user)
    path = person.unit.path
    hidden: set[str] = set()
    if not scope.can_at(Capability.VIEW_DRUG_USE, path):
        hidden |= DRUG_USE_REFERRALS
    if not scope.can_at(Capability.VIEW_HEALTH, path):
        hidden |= HEALTH_REFERRALS
    return [(value, text) for value, text in ReferralKind.choices if value not in hidden]


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    icon: str
    text: str
    detail: str
    tone: str  # a Bootstrap colour name
    anchor: str
    whole_month: bool = False  # a month's follow-up: shown as mm/yyyy, placed at the month's end


_STATUS_TONES: dict[str, str] = {
    ReferralStatus.SENT: "primary",
    ReferralStatus.ACCEPTED: "info",
    ReferralStatus.COMPLETED: "success",
    ReferralStatus.DECLINED: "secondary",
    ReferralStatus.LOST: "danger",
}


def _timeline(
    services_given: list[ServiceRecord], referrals: list[Referral], today: datetime.date
) -> list[TimelineEntry]:
    """Every dated step of the person's support, newest first."""
    entries: list[TimelineEntry] = []
    for record in services_given:
        provider = str(record.provider or record.provider_name or "")
        detail = " · ".join(part for part in (provider, vnd_text(record.amount) if record.amount else "") if part)
        entries.append(
            TimelineEntry(
                day=record.start_date,
                icon="bi-gift",
                text=_("%(service)s began") % {"service": record.service_type},
                detail=detail,
                tone="success",
                anchor=f"service-{record.pk}",
            )
        )
        if record.end_date:
            entries.append(
                TimelineEntry(
                    day=record.end_date,
                    icon="bi-flag",
                    text=_("%(service)s ended") % {"service": record.service_type},
                    detail=record.outcome,
                    tone="secondary",
                    anchor=f"service-{record.pk}",
                )
            )
    for referral in referrals:
        for event in referral.events.all():
            if event.status == ReferralStatus.SENT:
                text = _("Referred to %(partner)s for %(kind)s") % {
                    "partner": referral.partner,
                    "kind": referral.get_kind_display().lower(),
                }
            else:
                text = _("Referral to %(partner)s: %(status)s") % {
                    "partner": referral.partner,
                    "status": event.get_status_display().lower(),
                }
            by = str(event.by)
            detail = " · ".join(part for part in (by, event.note) if part)
            entries.append(
                TimelineEntry(event.on, "bi-send", text, detail, _STATUS_TONES[event.status], f"referral-{referral.pk}")
            )
        for follow_up in referral.follow_ups.all():
            entries.append(
                TimelineEntry(
                    min(month_end(follow_up.month), today),
                    "bi-calendar-check",
                    _("Treatment in %(month)s: %(attendance)s")
                    % {"month": f"{follow_up.month:%m/%Y}", "attendance": follow_up.get_attendance_display().lower()},
                    _("according to %(source)s") % {"source": follow_up.get_source_display().lower()},
                    "warning" if follow_up.attendance != "regular" else "info",
                    f"referral-{referral.pk}",
                    whole_month=True,
                )
            )
    # Newest first; steps of one day keep the order they happened in, the last on top.
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].day, pair[0]), reverse=True)
    return [entry for _index, entry in ordered]


@dataclass
class ServiceRow:
    record: ServiceRecord
    is_job: bool
    stable: bool


@scoped(Capability.VIEW_SUPPORT)
def person_support(request: AppRequest, pk: int) -> HttpResponse:
    """The support tab of a person's page."""
    person = _person(request, pk)
    today = timezone.localdate()
    records = list(
        ServiceRecord.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("service_type", "provider", "recorded_by")
        .order_by("-start_date", "-pk")
    )
    referrals = list(
        Referral.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("partner", "referred_by")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.select_related("by").order_by("on", "pk")),
            Prefetch("follow_ups", queryset=AdherenceFollowUp.objects.order_by("-month")),
        )
        .order_by("-sent_on", "-pk")
    )
    seen = []
    if any(r.kind in DRUG_USE_REFERRALS for r in referrals):
        seen.append(SEEN_DRUG_TREATMENT_REFERRALS)
    if any(r.kind in HEALTH_REFERRALS for r in referrals):
        seen.append(SEEN_HEALTH_REFERRALS)
    if seen:
        access_log_record(actor=request.user, obj=person, detail=", ".join(seen), unit=person.unit, request=request)
    scope = scope_for(request.user)
    jobs = (ServiceCategory.JOB_PLACEMENT,)
    context = {
        "person": person,
        "today": today,
        "services": [ServiceRow(r, r.service_type.category in jobs, is_stable_job(r, today)) for r in records],
        "referrals": referrals,
        "sensitive_kinds": DRUG_USE_REFERRALS | HEALTH_REFERRALS,
        "treatment_kinds": TREATMENT_REFERRALS,
        "timeline": _timeline(records, referrals, today),
        "can_record": scope.can_at(Capability.RECORD_SUPPORT, person.unit.path),
        "tab": "support",
    }
    return render(request, "support/person_support.html", context)


def _service_choices(request: AppRequest, record: ServiceRecord | None = None) -> dict[str, QuerySet[Any]]:
    types = ServiceType.objects.filter(is_active=True)
    partners = partners_for_user(request.user).filter(is_active=True)
    if record is not None:  # a record keeps its type and provider even once they are retired
        types = ServiceType.objects.filter(pk=record.service_type_id) | types
        if record.provider_id:
            partners = partners_for_user(request.user).filter(pk=record.provider_id) | partners
    return {"types": types.order_by("position", "code"), "partners": partners.order_by("search_name", "pk")}


def _service_page(
    request: AppRequest,
    person: Person,
    form: ServiceForm,
    record: ServiceRecord | None,
    conflict: Conflict | None = None,
) -> HttpResponse:
    types = form.fields["service_type"].queryset  # type: ignore[attr-defined]
    context = {
        "person": person,
        "form": form,
        "record": record,
        "title": _("Change a service given") if record else _("Record a service given"),
        "categories": {str(t.pk): {"category": t.category, "money": t.involves_money} for t in types},
        "version_conflict": conflict,
    }
    return render(request, "support/service_form.html", context, status=409 if conflict else _status(request))


@scoped(Capability.RECORD_SUPPORT)
def service_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _require_recording(request, person)
    form = ServiceForm(request.POST or None, **_service_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.service_record(
                actor=request.user,
                person=person,
                service_type=form.cleaned_data["service_type"],
                start_date=form.cleaned_data["start_date"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(service)s recorded.") % {"service": record.service_type})
            return redirect(reverse("support:person", args=[person.pk]) + f"#service-{record.pk}")
    return _service_page(request, person, form, None)


@scoped(Capability.RECORD_SUPPORT)
def service_edit(request: AppRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        ServiceRecord.objects.accessible_to(request.user).select_related("person__unit__parent", "service_type"), pk=pk
    )
    person = record.person
    _require_recording(request, person)
    form = ServiceForm(
        request.POST or None, initial=ServiceForm.initial_from(record), **_service_choices(request, record)
    )
    with_version(form, record)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                actor=request.user,
                record=record,
                expected_version=loaded_version(form),
                service_type=form.cleaned_data["service_type"],
                start_date=form.cleaned_data["start_date"],
                **edited_fields(form.service_fields()),
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            record.refresh_from_db()
        else:
            messages.success(request, _("Changes saved."))
            return redirect(reverse("support:person", args=[person.pk]) + f"#service-{record.pk}")
    return _service_page(request, person, form, record, conflict)


@scoped(Capability.RECORD_SUPPORT)
def referral_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _require_recording(request, person)
    partners = partners_for_user(request.user).filter(is_active=True).order_by("search_name", "pk")
    kinds = referral_kinds_for(request, person)
    form = ReferralForm(request.POST or None, partners=partners, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Referral to %(partner)s recorded.") % {"partner": referral.partner})
            return redirect(reverse("support:person", args=[person.pk]) + f"#referral-{referral.pk}")
    context = {"person": person, "form": form, "title": _("Refer to a partner")}
    return render(request, "support/referral_form.html", context, status=_status(request))


def _referral(request: AppRequest, pk: int) -> Referral:
    referrals = Referral.objects.accessible_to(request.user).select_related("person__unit__parent", "partner")
    referral: Referral = get_object_or_404(referrals, pk=pk)
    return referral


@scoped(Capability.RECORD_SUPPORT)
def referral_change(request: AppRequest, pk: int) -> HttpResponse:
    """The next step of a referral: accepted, completed, declined or lost, dated."""
    referral = _referral(request, pk)
    person = referral.person
    _require_recording(request, person)
    back = reverse("support:person", args=[person.pk]) + f"#referral-{referral.pk}"
    if not REFERRAL_TRANSITIONS[referral.status]:
        messages.info(request, _("This referral is closed; it cannot change any more."))
        return redirect(back)
    form = ReferralChangeForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_change(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            referral.refresh_from_db()
        else:
            status = referral.get_status_display().lower()
            messages.success(request, _("The referral is now %(status)s.") % {"status": status})
            return redirect(back)
    context = {
        "person": person,
        "referral": referral,
        "form": form,
        "title": _("Update the referral to %(partner)s") % {"partner": referral.partner},
    }
    return render(request, "support/referral_change.html", context, status=_status(request))


@scoped(Capability.RECORD_SUPPORT)
def follow_up_add(request: AppRequest, pk: int) -> HttpResponse:
    """How the person attended treatment in a month; a month already followed is corrected."""
    referral = _referral(request, pk)
    person = referral.person
    _require_recording(request, person)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.follow_up_record(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up of %(month)s recorded.") % {"month": f"{follow_up.month:%m/%Y}"})
            return redirect(reverse("support:person", args=[person.pk]) + f"#referral-{referral.pk}")
    context = {
        "person": person,
        "referral": referral,
        "form": form,
        "follow_ups": referral.follow_ups.order_by("-month")[:12],
        "title": _("Treatment follow-up"),
    }
    return render(request, "support/follow_up_form.html", context, status=_status(request))
