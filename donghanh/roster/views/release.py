"""Pages of the path out of a facility (notice, release, post-rehab decision) and of possible relapses.

Release notices are legal history (VIEW_EPISODES to see, MANAGE_EPISODES to act); possible relapses
are drug use (VIEW_DRUG_USE to see, RECORD_DRUG_USE for a police report, MANAGE_EPISODES to decide).
Records outside the user's scope answer 404, actions the user's role does not allow there 403; a
refused form comes back with what was typed and the service's messages on its fields. Every page
that shows these records writes the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.services import access_log_record, access_log_record_many
from donghanh.core.forms import AppForm, apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.episodes.choices import FACILITY_TYPES, EpisodeType
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user
from donghanh.roster import relapse, release
from donghanh.roster.choices import NoticeState, RelapseFollowUp, RelapseState
from donghanh.roster.dues import decision_dues, decision_start_expression, overdue_cutoff
from donghanh.roster.forms_release import (
    RelapseReportForm,
    RelapseResolveForm,
    ReleaseCloseForm,
    ReleaseDecideForm,
    ReleaseNoticeForm,
    ReleaseRecordForm,
)
from donghanh.roster.models import RelapseSignal, ReleaseNotice
from donghanh.roster.selectors import notice_state, open_relapse_signals, pending_notices

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_RELEASE = "release notice"
SEEN_RELAPSES = "possible relapses"
FORM_TEMPLATE = "roster/release_form.html"
DETAIL_TEMPLATE = "roster/release_detail.html"


def _person_for(request: AppRequest, pk: int, capability: Capability) -> Person:
    """A person the user sees (404 otherwise) and may act on with `capability` at their commune (403)."""
    person: Person = get_object_or_404(people_for_user(request.user).select_related("unit__parent"), pk=pk)
    if not scope_for(request.user).can_at(capability, person.unit.path):
        raise PermissionDenied(_("Your role does not allow this for people of %(unit)s.") % {"unit": person.unit.name})
    return person


def _status(form: AppForm) -> int:
    return 400 if form.is_bound else 200


def follow_up_url(signal: RelapseSignal, follow_up: str) -> str:
    """Where a confirmed relapse's follow-up is done: the determination form, or opening the measure."""
    if follow_up == RelapseFollowUp.DETERMINATION:
        return reverse("people:determination_add", args=[signal.person_id])
    measure = EpisodeType.VOLUNTARY_COMMUNITY_REHAB
    if follow_up == RelapseFollowUp.COMPULSORY_PROPOSAL:
        measure = EpisodeType.COMPULSORY_REHAB
    return reverse("episodes:open", args=[signal.person_id]) + f"?episode_type={measure}"


# --- release notices -----------------------------------------------------------------------------


@scoped(Capability.MANAGE_EPISODES)
def release_notice_add(request: AppRequest, person_pk: int) -> HttpResponse:
    """A facility's notice of a coming release; the facility defaults to the open facility measure's."""
    person = _person_for(request, person_pk, Capability.MANAGE_EPISODES)
    measure = person.episodes.filter(episode_type__in=FACILITY_TYPES, actual_end_date__isnull=True).first()
    initial = {"notice_date": timezone.localdate(), "facility": measure.facility if measure else ""}
    form = ReleaseNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = release.release_notice_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Release notice recorded."))
            return redirect("roster:release_detail", pk=notice.pk)
    context = {"form": form, "person": person, "title": _("Record a release notice"), "testid": "notice-form"}
    return render(request, FORM_TEMPLATE, context, status=_status(form))


def _notice_for(request: AppRequest, pk: int) -> ReleaseNotice:
    notices = ReleaseNotice.objects.accessible_to(request.user, Capability.VIEW_EPISODES)
    notice: ReleaseNotice = get_object_or_404(
        notices.select_related("person__unit__parent", "decision_episode", "facility_episode"), pk=pk
    )
    return notice


def _detail(request: AppRequest, notice: ReleaseNotice, refused: AppForm | None = None) -> HttpResponse:
    """The notice, its state and deadline, and the forms its state calls for (the refused one as typed)."""
    today = timezone.localdate()
    state = notice_state(notice)
    due = decision_dues([notice]).get(notice.pk) if notice.is_pending else None
    can_manage = scope_for(request.user).can_at(Capability.MANAGE_EPISODES, notice.person.unit.path)
    forms: dict[str, AppForm] = {}
    if can_manage and notice.is_pending:
        if notice.released_on is None:
            forms["record"] = ReleaseRecordForm()
        else:
            forms["decide"] = ReleaseDecideForm(initial={"decision_date": today})
        forms["close"] = ReleaseCloseForm(initial={"on": today})
    for name, form_class in (("record", ReleaseRecordForm), ("decide", ReleaseDecideForm), ("close", ReleaseCloseForm)):
        if isinstance(refused, form_class):
            forms[name] = refused
    access_log_record(actor=request.user, obj=notice, detail=SEEN_RELEASE, unit=notice.person.unit, request=request)
    context: dict[str, Any] = {
        "notice": notice,
        "person": notice.person,
        "state": state,
        "state_label": NoticeState(state).label,
        "due": due,
        "overdue": due is not None and due < today,
        "forms": forms,
        "can_manage": can_manage,
    }
    return render(request, DETAIL_TEMPLATE, context, status=400 if refused is not None else 200)


@scoped(Capability.VIEW_EPISODES)
def release_detail(request: AppRequest, pk: int) -> HttpResponse:
    return _detail(request, _notice_for(request, pk))


def _notice_to_act_on(request: AppRequest, pk: int) -> ReleaseNotice:
    notice = _notice_for(request, pk)
    if not scope_for(request.user).can_at(Capability.MANAGE_EPISODES, notice.person.unit.path):
        raise PermissionDenied
    return notice


@scoped(Capability.MANAGE_EPISODES)
@require_POST
def release_record(request: AppRequest, pk: int) -> HttpResponse:
    """The person is released; the decision stays pending, so the page comes back with its deadline."""
    notice = _notice_to_act_on(request, pk)
    form = ReleaseRecordForm(request.POST)
    if form.is_valid():
        try:
            release.release_record(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            notice.refresh_from_db()
        else:
            messages.success(request, _("Release recorded. The post-rehab decision is now due."))
            return redirect("roster:release_detail", pk=notice.pk)
    return _detail(request, notice, form)


@scoped(Capability.MANAGE_EPISODES)
@require_POST
def release_decide(request: AppRequest, pk: int) -> HttpResponse:
    """The post-rehab decision opens the measure; back to the person's page, where it shows."""
    notice = _notice_to_act_on(request, pk)
    form = ReleaseDecideForm(request.POST)
    if form.is_valid():
        try:
            release.release_decide(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            notice.refresh_from_db()
        else:
            messages.success(request, _("Post-rehab management decision recorded."))
            return redirect("people:detail", pk=notice.person_id)
    return _detail(request, notice, form)


@scoped(Capability.MANAGE_EPISODES)
@require_POST
def release_close(request: AppRequest, pk: int) -> HttpResponse:
    notice = _notice_to_act_on(request, pk)
    form = ReleaseCloseForm(request.POST)
    if form.is_valid():
        try:
            release.release_notice_close(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            notice.refresh_from_db()
        else:
            messages.success(request, _("The release notice is closed without a decision."))
            return redirect("people:detail", pk=notice.person_id)
    return _detail(request, notice, form)


@scoped(Capability.VIEW_EPISODES)
def releases(request: AppRequest) -> HttpResponse:
    """Pending notices of the user's scope: overdue decisions first, then by deadline."""
    today = timezone.localdate()
    cutoff = overdue_cutoff(today)
    start = decision_start_expression()
    late = Case(
        When(LessThanOrEqual(start, Value(cutoff)), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    notices = pending_notices(request.user).select_related("person__unit__parent").order_by(late, start, "pk")
    page = paginate(request, notices)
    rows = list(page.object_list)
    dues = decision_dues(rows)
    if rows:
        access_log_record_many(
            actor=request.user, records=[(n, n.person.unit) for n in rows], detail=SEEN_RELEASE, request=request
        )
    context = {
        "page": page,
        "rows": [
            (n, NoticeState(notice_state(n)).label, dues.get(n.pk), n.pk in dues and dues[n.pk] < today) for n in rows
        ],
        "today": today,
    }
    template = "roster/releases.html#table" if request.htmx else "roster/releases.html"
    return render(request, template, context)


# --- possible relapses ---------------------------------------------------------------------------


@scoped(Capability.RECORD_DRUG_USE)
def relapse_report(request: AppRequest, person_pk: int) -> HttpResponse:
    """The police report use by a person under post-rehab or drug-user management."""
    person = _person_for(request, person_pk, Capability.RECORD_DRUG_USE)
    form = RelapseReportForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            relapse.relapse_report(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Possible relapse recorded: it is on the work list until it is decided."))
            return redirect("people:detail", pk=person.pk)
    context = {"form": form, "person": person, "title": _("Report drug use"), "testid": "relapse-report-form"}
    return render(request, FORM_TEMPLATE, context, status=_status(form))


@scoped(Capability.MANAGE_EPISODES)
def relapse_resolve(request: AppRequest, pk: int) -> HttpResponse:
    """Confirm a possible relapse with its follow-up (then go where it is done), or dismiss it."""
    signals = RelapseSignal.objects.accessible_to(request.user, Capability.VIEW_DRUG_USE)
    signal = get_object_or_404(signals.select_related("person__unit__parent", "drug_test"), pk=pk)
    if not scope_for(request.user).can_at(Capability.MANAGE_EPISODES, signal.person.unit.path):
        raise PermissionDenied
    initial = {key: request.GET[key] for key in ("state", "follow_up") if key in request.GET}
    form = RelapseResolveForm(request.POST or None, initial=initial)
    if request.method == "POST" and signal.state == RelapseState.OPEN and form.is_valid():
        try:
            relapse.relapse_resolve(actor=request.user, signal=signal, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            signal.refresh_from_db()
        else:
            if signal.state == RelapseState.CONFIRMED:
                messages.success(request, _("Relapse confirmed. Record the follow-up now."))
                return redirect(follow_up_url(signal, signal.follow_up))
            messages.success(request, _("Recorded: not a relapse."))
            return redirect("people:detail", pk=signal.person_id)
    access_log_record(actor=request.user, obj=signal, detail=SEEN_RELAPSES, unit=signal.person.unit, request=request)
    follow_ups = [(value, label, follow_up_url(signal, value)) for value, label in RelapseFollowUp.choices]
    context = {"form": form, "signal": signal, "person": signal.person, "follow_ups": follow_ups}
    return render(request, "roster/relapse_resolve.html", context, status=_status(form))


@scoped(Capability.VIEW_DRUG_USE)
def relapses(request: AppRequest) -> HttpResponse:
    """Open possible relapses of the user's scope, oldest first."""
    current = paginate(request, open_relapse_signals(request.user).select_related("person__unit__parent"))
    rows = list(current.object_list)
    if rows:
        access_log_record_many(
            actor=request.user, records=[(s, s.person.unit) for s in rows], detail=SEEN_RELAPSES, request=request
        )
    scope = scope_for(request.user)
    context = {
        "page": current,
        "rows": [(s, scope.can_at(Capability.MANAGE_EPISODES, s.person.unit.path)) for s in rows],
        "today": timezone.localdate(),
    }
    template = "roster/relapses.html#table" if request.htmx else "roster/relapses.html"
    return render(request, template, context)


urlpatterns: list[URLPattern] = [
    path("people/<int:person_pk>/release-notice/", release_notice_add, name="release_notice_add"),
    path("releases/", releases, name="releases"),
    path("releases/<int:pk>/", release_detail, name="release_detail"),
    path("releases/<int:pk>/release/", release_record, name="release_record"),
    path("releases/<int:pk>/decision/", release_decide, name="release_decide"),
    path("releases/<int:pk>/close/", release_close, name="release_close"),
    path("people/<int:person_pk>/relapse/", relapse_report, name="relapse_report"),
    path("relapses/", relapses, name="relapses"),
    path("relapses/<int:pk>/", relapse_resolve, name="relapse_resolve"),
]
