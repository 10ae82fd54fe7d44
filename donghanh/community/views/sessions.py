"""Sessions of a model, made for a phone: today's session in one tap, the tick list of who came, recording a
session after the fact, correcting one; and a member's history on the person's page.

Models and sessions are read through the user's scope (a board member: the models whose board they
sit on today), so anything else answers 404; writes go through the services and need
RECORD_COMMUNITY on the model (403 otherwise). Only the members of the model on the session's date
are listed; the service refuses anyone else, whatever the form sent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.community import services
from donghanh.community.choices import SessionKind
from donghanh.community.forms.sessions import AttendanceForm, NewSessionForm, SessionForm
from donghanh.community.models import CommunityModel, Membership, Session
from donghanh.community.selectors import MemberRate, attendance_rates, members_on, models_for_user
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person

# Memberships are measured from joining: any day before every membership does as the start of the period.
SINCE_EVER = datetime.date(1900, 1, 1)


def _model_for(request: AppRequest, pk: int) -> CommunityModel:
    """A model in the user's scope; 404 otherwise."""
    model: CommunityModel = get_object_or_404(models_for_user(request.user), pk=pk)
    return model


def _session_for(request: AppRequest, pk: int) -> Session:
    """A session of a model in the user's scope; 404 otherwise."""
    sessions = Session.objects.accessible_to(request.user).select_related(
        "model__unit__parent", "model__model_type", "recorded_by"
    )
    session: Session = get_object_or_404(sessions, pk=pk)
    return session


def _may_record(request: AppRequest, model: CommunityModel) -> bool:
    """The user records sessions of this model (a board member: of the models whose board they sit on)."""
    if not scope_for(request.user).can(Capability.RECORD_COMMUNITY):
        return False
    return CommunityModel.objects.filter(pk=model.pk).accessible_to(request.user, Capability.RECORD_COMMUNITY).exists()


def _require_record(request: AppRequest, model: CommunityModel) -> None:
    if not _may_record(request, model):
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model})


def _tick_list(request: AppRequest, model: CommunityModel, day: datetime.date, may_record: bool) -> list[Membership]:
    """The members of the model on `day`; someone who only reads sees just the members they may see."""
    members = members_on(model, day)
    if not may_record:
        members = members.filter(pk__in=Membership.objects.accessible_to(request.user).values("pk"))
    return list(members)


def _ticked(data: QueryDict) -> set[int]:
    """The membership ids ticked in the data sent (numbers only), to tick them again on a refused form."""
    return {pk for value in data.getlist("present") if (pk := as_id(value)) is not None}


def _saved_message(present: int, members: int) -> str:
    return ngettext(
        "Attendance saved: %(present)d of %(members)d member present.",
        "Attendance saved: %(present)d of %(members)d members present.",
        members,
    ) % {"present": present, "members": members}


# --- today's session ------------------------------------------------------------------------------


@scoped(Capability.RECORD_COMMUNITY)
def session_today(request: AppRequest, pk: int) -> HttpResponse:
    """Today's session of the model, to tick attendance: opened if it was recorded, otherwise created (on POST)."""
    model = _model_for(request, pk)
    _require_record(request, model)
    today = timezone.localdate()
    existing = model.sessions.filter(date=today).order_by("pk").first()
    if existing is not None:
        return redirect("community:session", pk=existing.pk)
    if request.method != "POST":
        return render(request, "community/session_today.html", {"model": model, "today": today})
    try:
        session = services.session_record(
            actor=request.user, model=model, date=today, kind=SessionKind.REGULAR, place=model.meeting_place
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("community:model", pk=model.pk)
    return redirect("community:session", pk=session.pk)


# --- the tick list --------------------------------------------------------------------------------


@scoped(Capability.VIEW_COMMUNITY)
def session_detail(request: AppRequest, pk: int) -> HttpResponse:
    """The session and its tick list: the members on its date, those present ticked; saving replaces who came."""
    session = _session_for(request, pk)
    model = session.model
    may_record = _may_record(request, model)
    if request.method == "POST" and not may_record:
        raise PermissionDenied(_("Your role does not allow this for %(model)s.") % {"model": model})
    members = _tick_list(request, model, session.date, may_record)
    ticked = set(session.attendance.values_list("membership_id", flat=True))
    initial = {"family_count": session.family_count, "guest_count": session.guest_count}
    form = AttendanceForm(request.POST if request.method == "POST" else None, model=model, initial=initial)
    with_version(form, session)
    conflict = None
    if request.method == "POST":
        ticked = _ticked(request.POST)
        if form.is_valid():
            present = list(form.cleaned_data["present"])
            try:
                services.session_update(
                    actor=request.user,
                    session=session,
                    present=present,
                    expected_version=loaded_version(form),
                    **form.counts(),
                )
            except StaleVersion as stale:
                conflict = version_conflict(form, stale)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _saved_message(len(present), len(members)))
                return redirect("community:model", pk=model.pk)
    context = {
        "session": session,
        "model": model,
        "members": members,
        "ticked": ticked,
        "form": form,
        "may_record": may_record,
        "version_conflict": conflict,
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "community/session_detail.html", context, status=status)


# --- recording a session after the fact, correcting one -------------------------------------------


def _day_asked(form: SessionForm, fallback: datetime.date) -> datetime.date:
    """The date typed in the form (or in `?date=`), if it is a date; the fallback otherwise."""
    raw = form.data.get("date") if form.is_bound else None
    try:
        day = form.fields["date"].clean(raw) if raw else None
    except ValidationError:
        day = None
    return day or fallback


@scoped(Capability.RECORD_COMMUNITY)
def session_create(request: AppRequest, pk: int) -> HttpResponse:
    """A session held on some day, with its tick list; changing the date lists the members on that date."""
    model = _model_for(request, pk)
    _require_record(request, model)
    today = timezone.localdate()
    initial = {"date": today, "kind": SessionKind.REGULAR, "place": model.meeting_place}
    if request.method != "POST" and request.GET.get("date"):
        # The tick list of another date (htmx asks when the date changes); nothing is saved.
        day = _day_asked(NewSessionForm(request.GET, model=model), today)
        form = NewSessionForm(model=model, initial={**initial, **request.GET.dict(), "date": day})
        ticked = _ticked(request.GET)
    else:
        form = NewSessionForm(request.POST or None, model=model, initial=initial)
        day = _day_asked(form, today)
        ticked = _ticked(request.POST)
    members = list(members_on(model, day))
    if request.method == "POST" and form.is_valid():
        present = list(form.cleaned_data["present"])
        try:
            session = services.session_record(
                actor=request.user,
                model=model,
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                present=present,
                **form.session_fields(),
                **form.counts(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Session of %(day)s recorded.") % {"day": f"{session.date:%d/%m/%Y}"}
                + " "
                + _saved_message(len(present), len(members)),
            )
            return redirect("community:model", pk=model.pk)
    context = {"model": model, "form": form, "members": members, "ticked": ticked, "day": day, "may_record": True}
    if request.htmx and request.method != "POST":
        return render(request, "community/session_ticklist.html", context)
    return render(request, "community/session_form.html", context, status=400 if form.errors else 200)


@scoped(Capability.RECORD_COMMUNITY)
def session_edit(request: AppRequest, pk: int) -> HttpResponse:
    """Correct a session's date, kind, topic, who led it and where; who came is kept (and checked on the new date)."""
    session = _session_for(request, pk)
    model = session.model
    _require_record(request, model)
    form = with_version(SessionForm(request.POST or None, initial=SessionForm.initial_from(session)), session)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=request.user,
                session=session,
                expected_version=loaded_version(form),
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                **form.session_fields(),
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            session.refresh_from_db()  # the refused values stay in the form, not on the session shown
        else:
            messages.success(request, _("Changes saved."))
            return redirect("community:session", pk=session.pk)
    context = {"session": session, "model": model, "form": form, "version_conflict": conflict}
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "community/session_edit.html", context, status=status)


# --- a member's history on the person's page -------------------------------------------------------


def person_memberships(user: Any, person: Person) -> list[MemberRate] | None:
    """The person's memberships of the models the viewer may see, each with its attendance since joining (one
    query); None when the viewer does not see community models at all (the section is then left out)."""
    if not scope_for(user).can(Capability.VIEW_COMMUNITY):
        return None
    memberships = (
        Membership.objects.accessible_to(user).filter(person=person).select_related("model__model_type", "model__unit")
    )
    rates = attendance_rates(memberships, first=SINCE_EVER, last=timezone.localdate())
    return sorted(rates, key=lambda r: (r.membership.joined_on, r.membership.pk), reverse=True)


def memberships_section(request: AppRequest, person: Person) -> SectionContext | None:
    """The "Clubs and groups" section of the person page, for roles that see community models."""
    memberships = person_memberships(request.user, person)
    return None if memberships is None else SectionContext({"memberships": memberships})
