"""The volunteer's pages, made for a phone: the work list, my people, a person at a glance, a contact, the
monthly assessment, and notifications.

People are read through the case-work scope (a volunteer: the people assigned to them now), so
anyone else answers 404; writes go through the services, and a refused form keeps what was typed.
The monthly drug-use answer and the month's drug tests are shown only to roles that may see drug
use at the person's commune, and a page that shows them writes an access-log entry. The same goes for the
health text of contacts, goals and assessments (`casework.health_text`) and roles that may see health.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from donghanh.accounts.access import login_only, scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import scope_for
from donghanh.audit.downloads import list_file_download
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.casework import exports, services
from donghanh.casework.choices import GoalStatus, PlanStatus
from donghanh.casework.forms_field import AssessmentForm, ContactForm
from donghanh.casework.health_access import SEEN_HEALTH_TEXT, health_log, health_reveal, may_read_health
from donghanh.casework.models import Contact, MonthlyAssessment, Notification, ReintegrationPlan
from donghanh.casework.notifications import notification_mark_read, unread_count
from donghanh.casework.selectors import assessments_for, assignments_active_on, in_casework, rating_levels_for
from donghanh.casework.worklist import WorkItem, health_text_people, with_next, work_list
from donghanh.core.dates import month_end, month_start
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.core.xlsx import xlsx_url
from donghanh.people.models import DrugTest, Person

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_MONTHLY_DRUG_USE = "monthly drug use"
SEEN_TESTS = "drug tests"

MONTH_PARAM = re.compile(r"^(\d{4})-(\d{2})$")
RECENT_CONTACTS = 5
RECENT_ASSESSMENTS = 6


def _casework_people(user: Any) -> QuerySet[Person]:
    """People the user may see case work of (for a volunteer: those assigned to them now)."""
    return (
        Person.objects.accessible_to(user, Capability.VIEW_CASEWORK)
        .filter(merged_into__isnull=True)
        .select_related("unit__parent")
    )


def _person_for(request: AppRequest, pk: int, capability: Capability) -> Person:
    """A person in the user's case-work scope (404 otherwise) whom the user may act on with `capability` (403)."""
    person = get_object_or_404(_casework_people(request.user), pk=pk)
    if not scope_for(request.user).can_at(capability, person.unit.path):
        raise PermissionDenied
    return person


def _local(request: AppRequest, target: str) -> bool:
    """The address is a page of this site (a path, not another host)."""
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _safe_next(request: AppRequest) -> str | None:
    """The `next` page asked for, if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if _local(request, target) else None


# --- the work list ------------------------------------------------------------------------------


@dataclass
class WorkGroup:
    title: str
    tone: str
    testid: str
    items: list[tuple[WorkItem, str]] = field(default_factory=list)


def _grouped(items: list[WorkItem], back_to: str) -> list[WorkGroup]:
    """Overdue first, then what falls due on a date, then one group per kind of standing task."""
    overdue = WorkGroup(_("Overdue"), "danger", "overdue")
    due = WorkGroup(_("Due"), "warning", "due")
    others: dict[str, WorkGroup] = {}
    for item in items:
        if item.overdue:
            group = overdue
        elif item.due_date is not None:
            group = due
        else:
            group = others.setdefault(item.kind, WorkGroup(item.kind_label, "secondary", item.kind))
        group.items.append((item, item.link(back_to)))
    return [g for g in (overdue, due, *others.values()) if g.items]


@scoped(Capability.VIEW_CASEWORK)
def work_list_page(request: AppRequest) -> HttpResponse:
    """What the user should do now, most urgent first, each item a link to where it is done."""
    today = timezone.localdate()
    items = work_list(request.user, today)
    page = paginate(request, items)
    health_log(request, health_text_people(list(page.object_list)))
    context = {
        "page": page,
        "groups": _grouped(list(page.object_list), request.get_full_path()),
        "total": len(items),
        "today": today,
        "unread": unread_count(request.user),
        "xlsx_url": xlsx_url(request, "casework:worklist_xlsx"),
    }
    return render(request, "casework/field/work_list.html", context)


@scoped(Capability.VIEW_CASEWORK)
@require_GET
def work_list_xlsx(request: AppRequest) -> HttpResponse:
    """The whole work list as an Excel file, its health texts masked as on the page; logged as an export, with an
    entry for each person whose health text it holds."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    made, health_people = exports.work_list_file(request.user, timezone.localdate())
    response = list_file_download(request, made, exports.EXPORTED_WORK_LIST)
    health_log(request, health_people, action=AccessLogEntry.Action.EXPORT)
    return response


# --- my people ----------------------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def my_people(request: AppRequest) -> HttpResponse:
    """A volunteer's people now; for other roles, the people case work follows in their communes."""
    today = timezone.localdate()
    this_month = month_start(today)
    scope = scope_for(request.user)
    is_volunteer = Role.VOLUNTEER in scope.roles
    current = assignments_active_on(today).filter(person=OuterRef("pk"))
    people = (
        in_casework(_casework_people(request.user), today)
        .annotate(
            last_contact=Subquery(
                Contact.objects.filter(person=OuterRef("pk")).order_by("-date", "-pk").values("date")[:1]
            ),
            assessed_this_month=Exists(MonthlyAssessment.objects.filter(person=OuterRef("pk"), month=this_month)),
            volunteer_name=Subquery(current.values("volunteer__full_name")[:1]),
        )
        # Commune by commune (one for a volunteer or a commune's officer), then by hamlet and name: the database
        # reads a country's list commune after commune and stops at the end of the page.
        .order_by("unit__path", "current_hamlet", "search_name", "pk")
    )
    page = paginate(request, people)
    context = {
        "page": page,
        "people": [(p, scope.can_at(Capability.RECORD_CASEWORK, p.unit.path)) for p in page.object_list],
        "is_volunteer": is_volunteer,
        "this_month": this_month,
        "month_param": f"{this_month:%Y-%m}",
        "back_to": request.get_full_path(),
    }
    return render(request, "casework/field/my_people.html", context)


# --- a person at a glance -----------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def person_quick_view(request: AppRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(_casework_people(request.user), pk=pk)
    today = timezone.localdate()
    scope = scope_for(request.user)
    path = person.unit.path
    contacts = list(
        Contact.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("volunteer")
        .order_by("-date", "-pk")[:RECENT_CONTACTS]
    )
    assessments = list(assessments_for(request.user, person)[:RECENT_ASSESSMENTS])
    show_drug_use = scope.can_at(Capability.VIEW_DRUG_USE, path)
    plan = (
        ReintegrationPlan.objects.accessible_to(request.user)
        .filter(person=person, status=PlanStatus.ACTIVE)
        .annotate(
            goals_open=Count("goals", filter=Q(goals__status__in=[GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS])),
            goals_achieved=Count("goals", filter=Q(goals__status=GoalStatus.ACHIEVED)),
        )
        .first()
    )
    goals = list(plan.goals.exclude(status=GoalStatus.DROPPED).order_by("target_date", "pk")) if plan else []
    health_seen = health_reveal(request.user, [(record, person) for record in [*contacts, *goals]])
    assignment = assignments_active_on(today).filter(person=person).select_related("volunteer").first()
    context = {
        "person": person,
        "age": person.age_on(today),
        "volunteer": assignment.volunteer if assignment else None,
        "assigned_since": assignment.start_date if assignment else None,
        "next_contact": next((c for c in contacts if c.next_step or c.next_step_date), None),
        "contacts": contacts,
        "assessments": assessments,
        "show_drug_use": show_drug_use,
        "plan": plan,
        "goals": goals,
        "can_record": scope.can_at(Capability.RECORD_CASEWORK, path),
        "can_assign": scope.can_at(Capability.MANAGE_VOLUNTEERS, path),
        "can_view_person": scope.can_at(Capability.VIEW_PEOPLE, path),
        "month_param": f"{month_start(today):%Y-%m}",
    }
    seen = [SEEN_MONTHLY_DRUG_USE] if show_drug_use and assessments else []
    if health_seen:
        seen.append(SEEN_HEALTH_TEXT)
    if seen:
        access_log_record(actor=request.user, obj=person, detail=", ".join(seen), unit=person.unit, request=request)
    return render(request, "casework/field/person.html", context)


# --- a contact ----------------------------------------------------------------------------------


@scoped(Capability.RECORD_CASEWORK)
def contact_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.RECORD_CASEWORK)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record(actor=request.user, person=person, **form.contact_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Contact with %(name)s recorded.") % {"name": person.full_name})
            return redirect(_safe_next(request) or reverse("casework:person", args=[person.pk]))
    context = {"person": person, "form": form, "next": _safe_next(request)}
    return render(request, "casework/field/contact_form.html", context, status=400 if request.method == "POST" else 200)


# --- the monthly assessment ---------------------------------------------------------------------


class BadMonth(Exception):
    pass


def _month_asked(text: str | None, today: datetime.date) -> datetime.date:
    """The month of `?month=YYYY-MM` (this month when not given); a month not begun is refused."""
    if not text:
        return month_start(today)
    match = MONTH_PARAM.match(text.strip())
    try:
        month = datetime.date(int(match.group(1)), int(match.group(2)), 1) if match else None
    except ValueError:
        month = None
    if month is None or month.year < 1900:
        raise BadMonth(_("The month must be written as year-month, for example %(example)s.") % {"example": "2026-01"})
    if month > month_start(today):
        raise BadMonth(_("A month that has not begun cannot be assessed."))
    return month


@scoped(Capability.RECORD_CASEWORK)
def assessment_form(request: AppRequest, pk: int) -> HttpResponse:
    """Record, or correct, the assessment of one month (`?month=YYYY-MM`, this month by default)."""
    person = _person_for(request, pk, Capability.RECORD_CASEWORK)
    today = timezone.localdate()
    try:
        month = _month_asked(request.GET.get("month"), today)
    except BadMonth as error:
        back_to = _safe_next(request)
        this_month = reverse("casework:assessment", args=[person.pk])
        context = {
            "person": person,
            "message": str(error),
            "this_month": with_next(this_month, back_to) if back_to else this_month,
            "back_to": back_to or reverse("casework:worklist"),
            "came_from": back_to,
        }
        return render(request, "casework/field/bad_month.html", context, status=400)
    may_see_drug_use = scope_for(request.user).can_at(Capability.VIEW_DRUG_USE, person.unit.path)
    existing = assessments_for(request.user, person).filter(month=month).prefetch_related("drug_tests").first()
    tests = (
        DrugTest.objects.accessible_to(request.user)
        .filter(person=person, date__gte=month, date__lte=month_end(month))
        .prefetch_related("results")
        .order_by("date", "pk")
        if may_see_drug_use
        else None
    )
    # Notes about health stay hidden from a role that may not see health, and unchanged by its corrections.
    notes_hidden = existing is not None and existing.health_related and not may_read_health(request.user, person)
    initial = AssessmentForm.initial_from(existing, with_drug_use=may_see_drug_use) if existing else {}
    form = AssessmentForm(request.POST or None, initial=initial, levels=rating_levels_for(person.unit), tests=tests)
    if notes_hidden:
        del form.fields["notes"]
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit(
                actor=request.user,
                person=person,
                month=month,
                drug_tests=form.linked_tests(),
                **form.assessment_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Assessment of %(month)s saved for %(name)s.")
                % {"month": f"{month:%m/%Y}", "name": person.full_name},
            )
            return redirect(_safe_next(request) or "casework:worklist")
    if request.method == "GET":
        seen = [SEEN_MONTHLY_DRUG_USE] if may_see_drug_use and existing else []
        if may_see_drug_use and tests is not None and tests.exists():
            seen.append(SEEN_TESTS)
        if existing is not None and health_reveal(request.user, [(existing, person)]):
            seen.append(SEEN_HEALTH_TEXT)
        if seen:
            access_log_record(actor=request.user, obj=person, detail=", ".join(seen), unit=person.unit, request=request)
    context = {
        "person": person,
        "form": form,
        "month": month,
        "existing": existing,
        "notes_hidden": notes_hidden,
        "may_see_drug_use": may_see_drug_use,
        "next": _safe_next(request),
    }
    return render(
        request, "casework/field/assessment_form.html", context, status=400 if request.method == "POST" else 200
    )


# --- notifications ------------------------------------------------------------------------------


@login_only
def notifications(request: AppRequest) -> HttpResponse:
    """The user's own notifications, newest first; unread ones stand out."""
    rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = paginate(request, rows)
    return render(request, "casework/field/notifications.html", {"page": page})


@login_only
@require_POST
def notification_read(request: AppRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(actor=request.user, notification=notification)
    return redirect(notification.url if _local(request, notification.url) else "casework:notifications")
