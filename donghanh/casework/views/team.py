"""The commune officer's desktop pages: volunteer teams, volunteers, coverage, assignments and overdue
assessments (the quarter's sign-off and the rating scale are in `quarter.py`).

Who may open them is in `office.py`. Reads start from the user's scope, so a team, volunteer or
person outside it answers 404; writes go through the services and need the capability at the
commune concerned (403 otherwise).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.audit.downloads import list_file_download
from donghanh.casework import exports, services
from donghanh.casework.filters import VolunteerTeamFilter
from donghanh.casework.forms_team import (
    AssignForm,
    AssignmentEndForm,
    TeamForm,
    VolunteerForm,
)
from donghanh.casework.models import Assignment, Contact, Volunteer, VolunteerTeam
from donghanh.casework.selectors import (
    assignments_active_on,
    coverage,
    in_casework,
    team_volunteers,
    teams_for_user,
    teams_with_figures,
)
from donghanh.casework.views.office import (
    current_day,
    form_status,
    office_scope,
    require_at,
    unit_asked,
    unit_choices,
)
from donghanh.casework.worklist import overdue_assessments
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version
from donghanh.core.xlsx import xlsx_url
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

RECENT_CONTACT_DAYS = 90


# --- teams --------------------------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def team_list(request: AppRequest) -> HttpResponse:
    """The teams in the user's scope with today's coverage; the table alone for htmx."""
    scope = office_scope(request)
    filterset = VolunteerTeamFilter(request.GET, queryset=teams_with_figures(request.user, current_day()))
    teams = filterset.qs.order_by("unit__path")
    page = paginate(request, teams)
    context = {
        "filterset": filterset,
        "page": page,
        "filtered": bool(request.GET.get("q")),
        "can_create": scope.can(Capability.MANAGE_VOLUNTEERS),
        "tab": "teams",
    }
    template = "casework/team/team_list.html#table" if request.htmx else "casework/team/team_list.html"
    return render(request, template, context)


def _team_for(request: AppRequest, pk: int, capability: Capability | None = None) -> VolunteerTeam:
    """A team in the user's scope (404 otherwise) whose commune the user may act on with `capability` (403)."""
    team: VolunteerTeam = get_object_or_404(teams_for_user(request.user), pk=pk)
    if capability is not None:
        require_at(request, capability, team.unit)
    return team


@scoped(Capability.MANAGE_VOLUNTEERS)
def team_create(request: AppRequest) -> HttpResponse:
    office_scope(request)
    communes = (
        OrgUnit.objects.accessible_to(request.user, Capability.MANAGE_VOLUNTEERS)
        .filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE)
        .exclude(Exists(VolunteerTeam.objects.filter(unit=OuterRef("pk"))))
        .select_related("parent")
        .order_by("search_name", "path")
    )
    offered = list(communes[:2])
    only_commune = offered[0] if len(offered) == 1 else None
    initial = {}
    if only_commune is not None:
        initial = {"unit": only_commune.pk, "name": _("Volunteer team of %(unit)s") % {"unit": only_commune.name}}
    form = TeamForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.team_fields()
        try:
            team = services.team_create(actor=request.user, unit=form.cleaned_data["unit"], **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("The team %(name)s is set up.") % {"name": team.name})
            return redirect("casework:team_detail", pk=team.pk)
    context = {
        "form": form,
        "title": _("New volunteer team"),
        "only_commune": only_commune,
        "no_commune": not offered,
        "tab": "teams",
    }
    return render(request, "casework/team/team_form.html", context, status=form_status(request))


@scoped(Capability.MANAGE_VOLUNTEERS)
def team_edit(request: AppRequest, pk: int) -> HttpResponse:
    office_scope(request)
    team = _team_for(request, pk, Capability.MANAGE_VOLUNTEERS)
    form = with_version(TeamForm(request.POST or None, initial=TeamForm.initial_from(team)), team)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                actor=request.user, team=team, expected_version=loaded_version(form), **form.team_fields()
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            team.refresh_from_db()
        else:
            messages.success(request, _("Changes saved."))
            return redirect("casework:team_detail", pk=team.pk)
    context = {"form": form, "team": team, "title": _("Edit the team"), "tab": "teams", "version_conflict": conflict}
    return render(request, "casework/team/team_form.html", context, status=409 if conflict else form_status(request))


@scoped(Capability.VIEW_CASEWORK)
def team_detail(request: AppRequest, pk: int) -> HttpResponse:
    scope = office_scope(request)
    team = _team_for(request, pk)
    today = current_day()
    context = {
        "team": team,
        "volunteers": team_volunteers(request.user, team, today),
        "today": today,
        "can_manage": scope.can_at(Capability.MANAGE_VOLUNTEERS, team.unit.path),
        "tab": "teams",
        "xlsx_url": xlsx_url(request, "casework:team_xlsx", team.pk),
    }
    return render(request, "casework/team/team_detail.html", context)


@scoped(Capability.VIEW_CASEWORK)
@require_GET
def team_xlsx(request: AppRequest, pk: int) -> HttpResponse:
    """The team's volunteers as an Excel file; logged as an export."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    office_scope(request)
    team = _team_for(request, pk)
    return list_file_download(request, exports.team_file(request.user, team, current_day()), exports.EXPORTED_TEAM)


# --- volunteers ---------------------------------------------------------------------------------


def _logins(team: VolunteerTeam, volunteer: Volunteer | None = None) -> QuerySet[User]:
    """Accounts holding the volunteer role at the team's commune, not linked to another volunteer."""
    free = Q(volunteer__isnull=True) | Q(volunteer=volunteer) if volunteer else Q(volunteer__isnull=True)
    logins: QuerySet[User] = (
        User.objects.filter(is_active=True, role_assignments__role=Role.VOLUNTEER, role_assignments__unit=team.unit)
        .filter(free)
        .distinct()
        .order_by("full_name", "username")
    )
    return logins


def _volunteer_page(request: AppRequest, form: VolunteerForm, team: VolunteerTeam, **extra: Any) -> HttpResponse:
    context = {"form": form, "team": team, "tab": "teams", **extra}
    status = 409 if extra.get("version_conflict") else form_status(request)
    return render(request, "casework/team/volunteer_form.html", context, status=status)


@scoped(Capability.MANAGE_VOLUNTEERS)
def volunteer_add(request: AppRequest, pk: int) -> HttpResponse:
    office_scope(request)
    team = _team_for(request, pk, Capability.MANAGE_VOLUNTEERS)
    form = VolunteerForm(request.POST or None, logins=_logins(team))
    if request.method == "POST" and form.is_valid():
        fields = form.volunteer_fields()
        try:
            volunteer = services.volunteer_add(actor=request.user, team=team, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s joins the team.") % {"name": volunteer.full_name})
            return redirect("casework:volunteer_detail", pk=volunteer.pk)
    return _volunteer_page(request, form, team, title=_("Add a volunteer"))


def _volunteer_for(request: AppRequest, pk: int, capability: Capability | None = None) -> Volunteer:
    volunteer: Volunteer = get_object_or_404(
        Volunteer.objects.accessible_to(request.user).select_related("team__unit", "user"), pk=pk
    )
    if capability is not None:
        require_at(request, capability, volunteer.team.unit)
    return volunteer


@scoped(Capability.MANAGE_VOLUNTEERS)
def volunteer_edit(request: AppRequest, pk: int) -> HttpResponse:
    office_scope(request)
    volunteer = _volunteer_for(request, pk, Capability.MANAGE_VOLUNTEERS)
    team = volunteer.team
    form = VolunteerForm(
        request.POST or None, logins=_logins(team, volunteer), initial=VolunteerForm.initial_from(volunteer)
    )
    with_version(form, volunteer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        open_before = volunteer.assignments.filter(end_date__isnull=True).count()
        try:
            services.volunteer_update(
                actor=request.user,
                volunteer=volunteer,
                expected_version=loaded_version(form),
                **form.volunteer_fields(),
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            volunteer.refresh_from_db()  # the refused values stay in the form, not on the record shown
        else:
            messages.success(request, _("Changes saved."))
            ended = open_before - volunteer.assignments.filter(end_date__isnull=True).count()
            if ended:
                messages.info(
                    request,
                    _("%(count)d assignment(s) ended with the volunteer: assign those people again.")
                    % {"count": ended},
                )
            return redirect("casework:volunteer_detail", pk=volunteer.pk)
    title = _("Edit %(name)s") % {"name": volunteer}
    return _volunteer_page(request, form, team, volunteer=volunteer, title=title, version_conflict=conflict)


def _unassigned_people(user: Any, unit: OrgUnit, day: datetime.date) -> QuerySet[Person]:
    """People case work follows in the commune on `day` who have no volunteer then."""
    people = Person.objects.accessible_to(user, Capability.VIEW_CASEWORK).filter(unit=unit)
    return (
        in_casework(people, day)
        .exclude(Exists(assignments_active_on(day).filter(person=OuterRef("pk"))))
        .order_by("search_name", "pk")
    )


@scoped(Capability.VIEW_CASEWORK)
def volunteer_detail(request: AppRequest, pk: int) -> HttpResponse:
    scope = office_scope(request)
    volunteer = _volunteer_for(request, pk)
    today = current_day()
    assignments = (
        Assignment.objects.accessible_to(request.user)
        .filter(volunteer=volunteer)
        .select_related("person", "assigned_by")
        .order_by("-start_date", "-pk")
    )
    can_manage = scope.can_at(Capability.MANAGE_VOLUNTEERS, volunteer.team.unit.path)
    active = volunteer.is_active_on(today)
    context = {
        "volunteer": volunteer,
        "team": volunteer.team,
        "active": active,
        "current": assignments.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)),
        "history": assignments.filter(end_date__lt=today),
        "recent_contacts": Contact.objects.accessible_to(request.user)
        .filter(volunteer=volunteer, date__gt=today - datetime.timedelta(days=RECENT_CONTACT_DAYS), date__lte=today)
        .count(),
        "recent_days": RECENT_CONTACT_DAYS,
        "can_manage": can_manage,
        "to_assign": _unassigned_people(request.user, volunteer.team.unit, today) if can_manage and active else [],
        "tab": "teams",
    }
    return render(request, "casework/team/volunteer_detail.html", context)


def _share(part: int, whole: int) -> float | None:
    """A percentage (62.5), shown with the decimal comma by the template; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


# --- coverage -----------------------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def coverage_page(request: AppRequest) -> HttpResponse:
    """Both sides of the rule in a unit on a day: volunteers helping nobody, people without a volunteer."""
    scope = office_scope(request)
    unit = unit_asked(request, default_first_grant=True)
    assert unit is not None
    today = current_day()
    figures = coverage(request.user, unit, today)
    shown = settings.LIST_PAGE_SIZE  # a province's lists can be long: the first ones, then choose a commune
    context = {
        "figures": figures,
        "today": today,
        "helping_share": _share(figures.volunteers_helping, figures.volunteers),
        "covered_share": _share(figures.people_with_volunteer, figures.people),
        "idle": figures.idle_volunteers[:shown],
        "idle_more": max(figures.idle_count - shown, 0),
        "unassigned": [
            (person, scope.can_at(Capability.MANAGE_VOLUNTEERS, person.unit.path))
            for person in figures.people_without_volunteer[:shown]
        ],
        "unassigned_more": max(figures.unassigned_count - shown, 0),
        "tab": "coverage",
        "xlsx_url": xlsx_url(request, "casework:coverage_xlsx"),
        **unit_choices(request, unit),
    }
    return render(request, "casework/team/coverage.html", context)


@scoped(Capability.VIEW_CASEWORK)
@require_GET
def coverage_xlsx(request: AppRequest) -> HttpResponse:
    """Coverage in the unit asked for, with everyone on both of its lists, as an Excel file; logged as an export."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    office_scope(request)
    unit = unit_asked(request, default_first_grant=True)
    assert unit is not None
    return list_file_download(
        request, exports.coverage_file(request.user, unit, current_day()), exports.EXPORTED_COVERAGE
    )


# --- assignments --------------------------------------------------------------------------------


def _assign_page(
    request: AppRequest,
    person: Person,
    *,
    form: AssignForm | None = None,
    end_form: AssignmentEndForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = list(
        Assignment.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("volunteer", "assigned_by")
        .order_by("-start_date", "-pk")
    )
    current = _current_of(history)
    team = VolunteerTeam.objects.filter(unit=person.unit).first()
    if form is None:
        form = AssignForm(volunteers=_assignable(request, team, current), initial=_preselected(request))
    context = {
        "person": person,
        "current": current,
        "history": [a for a in history if a is not current],
        "form": form,
        "end_form": end_form or AssignmentEndForm(),
        "team": team,
        "tab": "coverage",
    }
    return render(request, "casework/team/assign.html", context, status=status)


def _current_of(assignments: Iterable[Assignment]) -> Assignment | None:
    """The assignment running today or later (a person has at most one)."""
    today = current_day()
    return next((a for a in assignments if a.end_date is None or a.end_date >= today), None)


def _assignable(request: AppRequest, team: VolunteerTeam | None, current: Assignment | None) -> QuerySet[Volunteer]:
    """Volunteers of the person's commune who have not stopped (not the one helping now), with how many they help."""
    if team is None:
        return Volunteer.objects.none()
    today = current_day()
    volunteers = team_volunteers(request.user, team, today).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return volunteers.exclude(pk=current.volunteer_id) if current else volunteers


def _preselected(request: AppRequest) -> dict[str, Any]:
    raw = request.GET.get("volunteer", "")
    pk = as_id(raw)
    return {"volunteer": pk} if pk is not None else {}


def _person_to_assign(request: AppRequest, pk: int) -> Person:
    person: Person = get_object_or_404(
        Person.objects.accessible_to(request.user, Capability.VIEW_CASEWORK)
        .filter(merged_into__isnull=True)
        .select_related("unit__parent"),
        pk=pk,
    )
    require_at(request, Capability.MANAGE_VOLUNTEERS, person.unit)
    return person


@scoped(Capability.MANAGE_VOLUNTEERS)
def assign(request: AppRequest, pk: int) -> HttpResponse:
    """Who helps the person, who did before, and a new assignment (which ends the current one the day before)."""
    office_scope(request)
    person = _person_to_assign(request, pk)
    if request.method != "POST":
        return _assign_page(request, person)
    current = _current_of(Assignment.objects.filter(person=person))
    team = VolunteerTeam.objects.filter(unit=person.unit).first()
    form = AssignForm(request.POST, volunteers=_assignable(request, team, current))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_make(
                actor=request.user,
                person=person,
                volunteer=data["volunteer"],
                start_date=data["start_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(volunteer)s now helps %(person)s.") % {"volunteer": data["volunteer"], "person": person.full_name},
            )
            return redirect("casework:assign", pk=person.pk)
    return _assign_page(request, person, form=form, status=400)


@scoped(Capability.MANAGE_VOLUNTEERS)
@require_POST
def assignment_end(request: AppRequest, pk: int) -> HttpResponse:
    office_scope(request)
    assignment: Assignment = get_object_or_404(
        Assignment.objects.accessible_to(request.user).select_related("person__unit__parent", "volunteer"), pk=pk
    )
    person = assignment.person
    require_at(request, Capability.MANAGE_VOLUNTEERS, person.unit)
    form = AssignmentEndForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                actor=request.user,
                assignment=assignment,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(volunteer)s no longer helps %(person)s.")
                % {"volunteer": assignment.volunteer, "person": person.full_name},
            )
            return redirect("casework:assign", pk=person.pk)
    return _assign_page(request, person, end_form=form, status=400)


# --- overdue assessments ------------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def overdue(request: AppRequest) -> HttpResponse:
    """The monthly assessments overdue across the user's communes, oldest month first."""
    scope = office_scope(request)
    rows = overdue_assessments(request.user, current_day())
    # Counted to a fifth of the usual cap: the country has one overdue month among twenty people it reads.
    page = paginate(request, rows, cap=settings.LIST_COUNT_CAP // 5)
    context = {
        "page": page,
        "rows": [(row, scope.can_at(Capability.RECORD_CASEWORK, row.person.unit.path)) for row in page.object_list],
        "tab": "overdue",
    }
    return render(request, "casework/team/overdue.html", context)
