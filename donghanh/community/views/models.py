"""Community pages: the model directory with roadmap progress, a model's page, and the forms that set a model up,
change its status, name its board and enrol or let go of its members.

Reads start from the user's scope, so a model outside it (for a board member: a model whose board they do not
sit on) answers 404; writes go through the services and need MANAGE_COMMUNITY at the model's unit (403 otherwise).
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedQuerySet, scope_for
from donghanh.audit.downloads import list_file_download
from donghanh.casework.models import Volunteer
from donghanh.community import exports, services
from donghanh.community.choices import ModelStatus
from donghanh.community.forms.models import (
    BoardSeatForm,
    CommunityModelForm,
    DirectoryFilterForm,
    MemberJoinForm,
    MemberLeaveForm,
    ModelPageForm,
    StatusForm,
)
from donghanh.community.models import Attendance, BoardMember, CommunityModel, Membership, ModelType, Session
from donghanh.community.selectors import attendance_rates, members_on, model_types, models_for_user, roadmap_progress
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.text import fold
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version
from donghanh.core.xlsx import xlsx_url
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.selectors import (
    acting_units,
    broadest_unit,
    filter_by_name,
    unit_asked_within,
    units_to_pick_from,
)
from donghanh.people.models import Person

CALENDAR_MONTHS = 12
PEOPLE_SHOWN = 200  # in the enrolment list; a search narrows it


def _counted(rows: QuerySet[Any]) -> Coalesce:
    """A correlated subquery counting `rows` (0 when none), to annotate a list in its own query."""
    counted = rows.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _members_on_day(model_ref: str, day: Any) -> QuerySet[Membership]:
    """Memberships of the model `model_ref` points at that run on `day` (a date or an OuterRef)."""
    return Membership.objects.filter(model_id=OuterRef(model_ref), joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=day)
    )


def _form_status(request: AppRequest) -> int:
    """A form posted and shown again was refused: 400, so scripts and tests see the refusal."""
    return 400 if request.method == "POST" else 200


# --- the directory ------------------------------------------------------------------------------


@scoped(Capability.VIEW_COMMUNITY)
def model_list(request: AppRequest) -> HttpResponse:
    """The models in the user's scope, searched and filtered, with the roadmap's progress; the table alone for htmx."""
    today = timezone.localdate()
    grants = scope_for(request.user).grants_for(Capability.VIEW_COMMUNITY)
    filters = DirectoryFilterForm(request.GET)
    filters.is_valid()
    data = filters.cleaned_data
    unit = unit_asked_within(request.GET.get("unit", ""), grants)
    shown = unit or broadest_unit(grants)

    rows = models_for_user(request.user).annotate(
        members_today=_counted(_members_on_day("pk", today)),
        last_session=Subquery(Session.objects.filter(model_id=OuterRef("pk")).order_by("-date").values("date")[:1]),
    )
    rows = filter_by_name(rows, data.get("q", ""))  # without case or diacritics: "ba dinh" finds "Ba Đình"
    if data.get("model_type"):
        rows = rows.filter(model_type=data["model_type"])
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    page = paginate(request, rows.order_by("unit__path", "search_name", "pk"))
    context = {
        "filters": filters,
        "page": page,
        "filtered": any(request.GET.get(name) for name in ("q", "model_type", "status", "unit")),
        "types": model_types(),
        "statuses": ModelStatus.choices,
        "units": [(u, unit_label(u)) for u in units_to_pick_from(grants)],
        "unit": unit,
        "progress_unit": shown,
        "progress": roadmap_progress(request.user, shown, today),
        "today": today,
        "can_create": scope_for(request.user).can(Capability.MANAGE_COMMUNITY),
    }
    template = "community/model_list.html#table" if request.htmx else "community/model_list.html"
    return render(request, template, context)


# --- a model's page -----------------------------------------------------------------------------


def _model_for(request: AppRequest, pk: int, capability: Capability | None = None) -> CommunityModel:
    """A model in the user's scope (404 otherwise) the user may act on with `capability` (403 otherwise)."""
    model: CommunityModel = get_object_or_404(models_for_user(request.user), pk=pk)
    if capability is not None and not scope_for(request.user).can_at(capability, model.unit.path):
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model.name})
    return model


def _percent(attended: int, held: int) -> int:
    """attended / held as a whole percentage, halves rounded up."""
    return (attended * 200 + held) // (2 * held)


def _calendar(model: CommunityModel, today: datetime.date) -> list[tuple[datetime.date, list[Session]]]:
    """The model's sessions of the latest months of its life, newest first, grouped by month."""
    end = min(model.ended_on or today, today)
    since = shift_month_start(end, -(CALENDAR_MONTHS - 1))
    sessions = (
        model.sessions.filter(date__gte=since)
        .annotate(
            present=_counted(Attendance.objects.filter(session_id=OuterRef("pk"))),
            members=_counted(_members_on_day("model_id", OuterRef("date"))),
        )
        .order_by("-date", "-pk")
    )
    months: list[tuple[datetime.date, list[Session]]] = []
    for session in sessions:
        first = month_start(session.date)
        if not months or months[-1][0] != first:
            months.append((first, []))
        months[-1][1].append(session)
    return months


def _page_dates(
    request: AppRequest, today: datetime.date
) -> tuple[ModelPageForm, datetime.date, datetime.date, datetime.date]:
    """The dates of the model's page: members on `on` (today), attendance from `first` (1 January) to `last` (today)."""
    dates = ModelPageForm(request.GET)
    on = dates.day("on", today)
    first, last = dates.day("from", datetime.date(today.year, 1, 1)), dates.day("to", today)
    if first > last:
        dates.add_error("to", _("The period ends before it begins."))
        first, last = datetime.date(today.year, 1, 1), today
    return dates, on, first, last


@scoped(Capability.VIEW_COMMUNITY)
def model_detail(request: AppRequest, pk: int) -> HttpResponse:
    """A model: its decision, status history, board, members on a day with their attendance, and its sessions."""
    model = _model_for(request, pk)
    today = timezone.localdate()
    scope = scope_for(request.user)
    dates, on, first, last = _page_dates(request, today)

    # Narrowed to the members the user may see (a volunteer, their own people).
    members = cast(ScopedQuerySet, members_on(model, on)).accessible_to(request.user)
    rates = {rate.membership.pk: rate for rate in attendance_rates(members, first, last)}
    member_rows: list[dict[str, Any]] = [{"membership": m, "rate": rates.get(m.pk), "percent": None} for m in members]
    for row in member_rows:
        rate = row["rate"]
        if rate is not None and rate.held:
            row["percent"] = _percent(rate.attended, rate.held)

    seats = list(model.board.select_related("user", "volunteer").order_by("role", "start_date", "pk"))
    current_seats = [s for s in seats if s.start_date <= today and (s.end_date is None or s.end_date >= today)]
    can_record = (
        model.runs_on(today)
        and scope.can(Capability.RECORD_COMMUNITY)
        and CommunityModel.objects.filter(pk=model.pk).accessible_to(request.user, Capability.RECORD_COMMUNITY).exists()
    )
    context = {
        "model": model,
        "unit_label": unit_label(model.unit),
        "status_changes": list(model.status_changes.select_related("by").order_by("-on", "-pk")),
        "current_seats": current_seats,
        "past_seats": [s for s in seats if s not in current_seats],
        "dates": dates,
        "on": on,
        "first": first,
        "last": last,
        "members": member_rows,
        "regular_percent": settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT,
        "months": _calendar(model, today),
        "calendar_months": CALENDAR_MONTHS,
        "today": today,
        "can_manage": scope.can_at(Capability.MANAGE_COMMUNITY, model.unit.path),
        "can_record": can_record,
        "can_see_people": scope.can(Capability.VIEW_PEOPLE),
        "can_see_users": scope.can(Capability.VIEW_USERS),
        "can_see_volunteers": scope.can(Capability.VIEW_CASEWORK),
        "xlsx_url": xlsx_url(request, "community:model_xlsx", model.pk),
    }
    return render(request, "community/model_detail.html", context)


@scoped(Capability.VIEW_COMMUNITY)
@require_GET
def model_xlsx(request: AppRequest, pk: int) -> HttpResponse:
    """The members on the page's day with their attendance in its period, as an Excel file; logged as an export."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    model = _model_for(request, pk)
    _dates, on, first, last = _page_dates(request, timezone.localdate())
    made = exports.members_file(request.user, model, on, first, last)
    return list_file_download(request, made, exports.EXPORTED)


# --- setting a model up, correcting it, changing its status --------------------------------------


@scoped(Capability.MANAGE_COMMUNITY)
def model_create(request: AppRequest) -> HttpResponse:
    units = acting_units(request.user, Capability.MANAGE_COMMUNITY)
    offered = list(units[:2])
    only_unit = offered[0] if len(offered) == 1 else None
    initial = {"unit": only_unit.pk} if only_unit else {}
    form = CommunityModelForm(request.POST or None, units=units, types=model_types(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            model = services.model_create(
                actor=request.user, unit=data["unit"], status=data["status"], **form.model_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("%(name)s is set up.") % {"name": model.name})
            return redirect("community:model", pk=model.pk)
    context = {
        "form": form,
        "title": _("Set up a model"),
        "only_unit": only_unit,
        "only_unit_label": unit_label(only_unit) if only_unit else "",
        "no_unit": not offered,
    }
    return render(request, "community/model_form.html", context, status=_form_status(request))


@scoped(Capability.MANAGE_COMMUNITY)
def model_edit(request: AppRequest, pk: int) -> HttpResponse:
    model = _model_for(request, pk, Capability.MANAGE_COMMUNITY)
    types = model_types() | ModelType.objects.filter(pk=model.model_type_id)  # its type, even if no longer in use
    form = CommunityModelForm(request.POST or None, types=types, initial=CommunityModelForm.initial_from(model))
    with_version(form, model)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.model_update(
                actor=request.user, model=model, expected_version=loaded_version(form), **form.model_fields()
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            model.refresh_from_db()  # the refused values stay in the form, not on the model shown
        else:
            messages.success(request, _("Changes saved."))
            return redirect("community:model", pk=model.pk)
    context = {
        "form": form,
        "model": model,
        "title": _("Edit %(name)s") % {"name": model.name},
        "version_conflict": conflict,
    }
    return render(request, "community/model_form.html", context, status=409 if conflict else _form_status(request))


@scoped(Capability.MANAGE_COMMUNITY)
def model_status(request: AppRequest, pk: int) -> HttpResponse:
    model = _model_for(request, pk, Capability.MANAGE_COMMUNITY)
    form = StatusForm(request.POST or None, current=model.status, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.model_status_change(
                actor=request.user, model=model, status=data["status"], on=data["on"], note=data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            model.refresh_from_db()
        else:
            messages.success(request, _("The status of %(name)s is changed.") % {"name": model.name})
            return redirect("community:model", pk=model.pk)
    context = {
        "form": form,
        "model": model,
        "dissolved": model.status == ModelStatus.DISSOLVED,
        "last_change": model.status_changes.order_by("-on", "-pk").first(),
    }
    return render(request, "community/model_status.html", context, status=_form_status(request))


# --- the board ----------------------------------------------------------------------------------


def _seat_choices(
    request: AppRequest, model: CommunityModel, seat: BoardMember | None = None
) -> dict[str, QuerySet[Any]]:
    """Who may fill a seat: users holding a role over the model's unit, and the volunteers of its commune's team."""
    paths = [*model.unit.ancestor_paths(), model.unit.path]
    users = (
        User.objects.filter(is_active=True, role_assignments__unit__path__in=paths)
        .distinct()
        .order_by("full_name", "username")
    )
    today = timezone.localdate()
    serving = Q(end_date__isnull=True) | Q(end_date__gte=today)
    if seat is not None and seat.volunteer_id:
        serving |= Q(pk=seat.volunteer_id)
    volunteers = (
        Volunteer.objects.accessible_to(request.user)
        .filter(team__unit__path__startswith=model.unit.path)
        .filter(serving)
        .order_by("full_name", "pk")
    )
    return {"users": users, "volunteers": volunteers}


@scoped(Capability.MANAGE_COMMUNITY)
def board_add(request: AppRequest, pk: int) -> HttpResponse:
    model = _model_for(request, pk, Capability.MANAGE_COMMUNITY)
    form = BoardSeatForm(
        request.POST or None, initial={"start_date": timezone.localdate()}, **_seat_choices(request, model)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.seat_fields()
        try:
            seat = services.board_add(
                actor=request.user, model=model, role=fields.pop("role"), full_name=fields.pop("full_name"),
                start_date=fields.pop("start_date"), **fields,
            )  # fmt: skip
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is on the board.") % {"name": seat.full_name})
            return redirect("community:model", pk=model.pk)
    context = {"form": form, "model": model, "title": _("Add a board member")}
    return render(request, "community/board_form.html", context, status=_form_status(request))


@scoped(Capability.MANAGE_COMMUNITY)
def board_edit(request: AppRequest, pk: int) -> HttpResponse:
    seat: BoardMember = get_object_or_404(
        BoardMember.objects.accessible_to(request.user).select_related("model__unit__parent", "model__model_type"),
        pk=pk,
    )
    model = seat.model
    if not scope_for(request.user).can_at(Capability.MANAGE_COMMUNITY, model.unit.path):
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model.name})
    form = BoardSeatForm(
        request.POST or None, initial=BoardSeatForm.initial_from(seat), **_seat_choices(request, model, seat)
    )
    with_version(form, seat)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.board_update(
                actor=request.user, seat=seat, expected_version=loaded_version(form), **form.seat_fields()
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("community:model", pk=model.pk)
    context = {
        "form": form,
        "model": model,
        "seat": seat,
        "title": _("Edit a board seat"),
        "version_conflict": conflict,
    }
    return render(request, "community/board_form.html", context, status=409 if conflict else _form_status(request))


# --- members ------------------------------------------------------------------------------------


def _candidates(request: AppRequest, model: CommunityModel) -> QuerySet[Person]:
    """Registered people of the model's area the user sees who are not members today."""
    today = timezone.localdate()
    current = (
        model.memberships.filter(joined_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .values("person_id")
    )
    return (
        Person.objects.accessible_to(request.user)
        .filter(unit__path__startswith=model.unit.path, merged_into__isnull=True)
        .exclude(pk__in=current)
        .order_by("search_name", "pk")
    )


@scoped(Capability.MANAGE_COMMUNITY)
def member_add(request: AppRequest, pk: int) -> HttpResponse:
    model = _model_for(request, pk, Capability.MANAGE_COMMUNITY)
    people = _candidates(request, model)
    form = MemberJoinForm(request.POST or None, people=people, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_join(
                actor=request.user, model=model, person=data["person"], joined_on=data["joined_on"], note=data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is a member of %(model)s.") % {"name": data["person"].full_name, "model": model}
            )
            return redirect("community:model", pk=model.pk)
    # The list shows the first people (those found by the search), and the one chosen whatever it is.
    q = fold(request.GET.get("q", ""))
    shown = filter_by_name(people, q)
    chosen = form["person"].value() if form.is_bound else None
    ids = list(shown.values_list("pk", flat=True)[: PEOPLE_SHOWN + 1])
    more = len(ids) > PEOPLE_SHOWN
    keep = Q(pk__in=ids[:PEOPLE_SHOWN])
    if (chosen_id := as_id(chosen)) is not None:
        keep |= Q(pk=chosen_id)
    form.fields["person"].queryset = people.filter(keep)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "model": model,
        "q": request.GET.get("q", ""),
        "more": more,
        "shown": PEOPLE_SHOWN,
        "none_found": not ids,
        "dissolved": model.status == ModelStatus.DISSOLVED,
    }
    return render(request, "community/member_form.html", context, status=_form_status(request))


@scoped(Capability.MANAGE_COMMUNITY)
def member_leave(request: AppRequest, pk: int) -> HttpResponse:
    membership: Membership = get_object_or_404(
        Membership.objects.accessible_to(request.user).select_related(
            "model__unit__parent", "model__model_type", "person"
        ),
        pk=pk,
    )
    model = membership.model
    if not scope_for(request.user).can_at(Capability.MANAGE_COMMUNITY, model.unit.path):
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model.name})
    form = MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_leave(
                actor=request.user, membership=membership, left_on=data["left_on"], reason=data["reason"],
                note=data["note"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_errors(form, error)
            membership.refresh_from_db()
        else:
            messages.success(
                request, _("%(name)s left %(model)s.") % {"name": membership.person.full_name, "model": model.name}
            )
            return redirect("community:model", pk=model.pk)
    context = {"form": form, "model": model, "membership": membership}
    return render(request, "community/member_leave.html", context, status=_form_status(request))
