"""Pages of reintegration plans and the scored instruments (BARC-10, WHO ASSIST).

A person is looked up in the user's case-work scope (404 outside it; a volunteer reaches only the
people assigned to them); acting needs the capability at the person's commune (403 otherwise),
and the services check it again. ASSIST records drug use: only roles that record drug use give it. The health
text of plans and goals (`casework.health_text`) is shown, and logged, only to roles that may see health; others
see it masked and cannot change it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework import instruments, services
from donghanh.casework.choices import Instrument, PlanDomain, PlanStatus
from donghanh.casework.forms_plans import (
    AssistForm,
    Barc10Form,
    GoalEditForm,
    GoalForm,
    PlanCloseForm,
    PlanForm,
)
from donghanh.casework.health_access import health_log, health_reveal, may_read_health
from donghanh.casework.models import InstrumentRecord, PlanGoal, ReintegrationPlan
from donghanh.casework.person_section import review_due
from donghanh.casework.services import GOAL_HEALTH_FIELDS
from donghanh.core.forms import AppForm, apply_service_errors
from donghanh.core.versions import StaleVersion, edited, loaded_version, version_conflict, with_version
from donghanh.people.models import Person


def _person(request: AppRequest, pk: int) -> Person:
    """A person whose case work the user may see (404 otherwise)."""
    people = Person.objects.accessible_to(request.user, Capability.VIEW_CASEWORK).filter(merged_into__isnull=True)
    person: Person = get_object_or_404(people.select_related("unit__parent"), pk=pk)
    return person


def _require(request: AppRequest, person: Person, capability: Capability) -> None:
    """The user holds `capability` at the person's commune (403 otherwise)."""
    if not scope_for(request.user).can_at(capability, person.unit.path):
        raise PermissionDenied


def _plan_of(request: AppRequest, pk: int) -> ReintegrationPlan:
    plans = ReintegrationPlan.objects.accessible_to(request.user).select_related("person__unit__parent")
    plan: ReintegrationPlan = get_object_or_404(plans, pk=pk)
    return plan


def _plan_url(person: Person) -> str:
    return reverse("casework:plan", args=[person.pk])


# --- the plan page ------------------------------------------------------------------------------


@dataclass
class GoalRow:
    goal: PlanGoal
    review_due: bool


@dataclass
class PlanView:
    plan: ReintegrationPlan
    domains: list[tuple[str, str, list[GoalRow]]]  # (domain, label, goals), in the vocabulary's order
    goals: int


def _plan_view(plan: ReintegrationPlan, today: datetime.date) -> PlanView:
    goals: list[PlanGoal] = list(plan.goals.all())
    domains = []
    for value, text in PlanDomain.choices:
        rows = [GoalRow(g, review_due(g.status, g.review_date, today)) for g in goals if g.domain == value]
        if rows:
            domains.append((value, str(text), rows))
    return PlanView(plan=plan, domains=domains, goals=len(goals))


def _plan_page(
    request: AppRequest,
    person: Person,
    *,
    plan_form: PlanForm | None = None,
    goal_form: GoalForm | None = None,
    close_form: PlanCloseForm | None = None,
) -> HttpResponse:
    """The person's plans; a refused form comes back (status 400) with what was typed."""
    today = timezone.localdate()
    plans = list(
        ReintegrationPlan.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("created_by")
        .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.order_by("pk")))
        .order_by("-start_date", "-pk")
    )
    active = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    shown = [(record, person) for plan in plans for record in [plan, *plan.goals.all()]]
    health_log(request, health_reveal(request.user, shown))
    can_act = scope_for(request.user).can_at(Capability.RECORD_CASEWORK, person.unit.path)
    if can_act and active is None:
        plan_form = plan_form or PlanForm()
    if can_act and active is not None:
        goal_form = goal_form or GoalForm()
        close_form = close_form or PlanCloseForm()
    forms = {
        "plan_form": plan_form if active is None else None,
        "goal_form": goal_form if active is not None else None,
        "close_form": close_form if active is not None else None,
    }
    # A form refused because the plan changed meanwhile (made or closed in another tab) is not shown:
    # its refusal is, above the page.
    refusals = [
        str(message)
        for form in (plan_form, goal_form, close_form)
        if form is not None and form.is_bound and form not in forms.values()
        for message in form.non_field_errors()
    ]
    context = {
        "person": person,
        "today": today,
        "active": _plan_view(active, today) if active else None,
        "closed": [_plan_view(p, today) for p in plans if p is not active],
        "can_act": can_act,
        "refusals": refusals,
        **forms,
    }
    refused = request.method == "POST"
    return render(request, "casework/plans/plan.html", context, status=400 if refused else 200)


def _save_or_refuse(form: AppForm, write: Any) -> bool:
    """Call the service; its refusal goes onto the form."""
    try:
        write()
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


@scoped(Capability.VIEW_CASEWORK)
def plan_page(request: AppRequest, pk: int) -> HttpResponse:
    """The active plan with its goals by domain, the closed plans below; a new plan when none is active."""
    person = _person(request, pk)
    if request.method != "POST":
        return _plan_page(request, person)
    _require(request, person, Capability.RECORD_CASEWORK)
    form = PlanForm(request.POST)
    if form.is_valid() and _save_or_refuse(
        form, lambda: services.plan_create(actor=request.user, person=person, **form.cleaned_data)
    ):
        messages.success(request, _("The plan is made: now add its goals."))
        return redirect(_plan_url(person))
    return _plan_page(request, person, plan_form=form)


@scoped(Capability.RECORD_CASEWORK)
def goal_add(request: AppRequest, pk: int) -> HttpResponse:
    plan = _plan_of(request, pk)
    person = plan.person
    _require(request, person, Capability.RECORD_CASEWORK)
    if request.method != "POST":
        return redirect(_plan_url(person) + "#goal-form")
    form = GoalForm(request.POST)
    if form.is_valid() and _save_or_refuse(
        form, lambda: services.goal_add(actor=request.user, plan=plan, **form.cleaned_data)
    ):
        messages.success(request, _("Goal added."))
        return redirect(_plan_url(person))
    return _plan_page(request, person, goal_form=form)


@scoped(Capability.RECORD_CASEWORK)
def goal_edit(request: AppRequest, pk: int) -> HttpResponse:
    """Change a goal and record its review."""
    goals = PlanGoal.objects.accessible_to(request.user).select_related("plan__person__unit__parent")
    goal: PlanGoal = get_object_or_404(goals, pk=pk)
    person = goal.plan.person
    _require(request, person, Capability.RECORD_CASEWORK)
    # A goal about health is reviewed by a role that may not see health without its texts, which stay as they are.
    hidden = goal.health_related and not may_read_health(request.user, person)
    form = with_version(GoalEditForm(request.POST or None, initial=GoalEditForm.initial_from(goal)), goal)
    if hidden:
        for name in GOAL_HEALTH_FIELDS:
            del form.fields[name]
            form.initial.pop(name, None)
    elif request.method == "GET":
        health_log(request, health_reveal(request.user, [(goal, person)]))
    conflict = None
    if request.method == "POST" and form.is_valid():
        expected = loaded_version(form)
        try:
            saved = _save_or_refuse(
                form,
                lambda: services.goal_update(
                    actor=request.user, plan_goal=goal, expected_version=expected, **edited(form)
                ),
            )
        except StaleVersion as stale:
            saved, conflict = False, version_conflict(form, stale)
            if hidden:
                labels = {str(GoalEditForm.base_fields[name].label) for name in GOAL_HEALTH_FIELDS}
                conflict = replace(conflict, changes=[c for c in conflict.changes if c[0] not in labels])
        if saved:
            messages.success(request, _("Goal saved."))
            return redirect(_plan_url(person) + f"#goal-{goal.pk}")
        goal.refresh_from_db()  # the refused values stay in the form, not on the goal shown
    context = {"person": person, "goal": goal, "form": form, "version_conflict": conflict, "hidden": hidden}
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(request, "casework/plans/goal_form.html", context, status=status)


@scoped(Capability.RECORD_CASEWORK)
@require_POST
def plan_close(request: AppRequest, pk: int) -> HttpResponse:
    plan = _plan_of(request, pk)
    person = plan.person
    _require(request, person, Capability.RECORD_CASEWORK)
    form = PlanCloseForm(request.POST)
    if form.is_valid() and _save_or_refuse(
        form, lambda: services.plan_close(actor=request.user, plan=plan, on=form.cleaned_data["on"])
    ):
        messages.success(request, _("The plan is closed."))
        return redirect(_plan_url(person))
    plan.refresh_from_db()
    return _plan_page(request, person, close_form=form)


# --- scored instruments -------------------------------------------------------------------------


def _person_page(person: Person) -> HttpResponseRedirect:
    return redirect(reverse("people:detail", args=[person.pk]) + "#casework")


def _assist_message(record: InstrumentRecord) -> str:
    if not record.scores:
        return _("ASSIST recorded: no substance ever used.")
    substance, entry = max(record.scores.items(), key=lambda item: item[1]["score"])
    return _("ASSIST recorded: highest score %(score)s, %(substance)s (%(risk)s).") % {
        "score": entry["score"],
        "substance": instruments.AssistSubstance(substance).label,
        "risk": instruments.AssistRisk(entry["risk"]).label,
    }


@scoped(Capability.RECORD_CASEWORK)
def instrument_add(request: AppRequest, pk: int, instrument: str) -> HttpResponse:
    """Give BARC-10 (case work) or ASSIST (drug use) and keep the score; back to the person's page."""
    if instrument not in Instrument.values:
        raise Http404
    person = _person(request, pk)
    is_assist = instrument == Instrument.ASSIST
    _require(request, person, Capability.RECORD_DRUG_USE if is_assist else Capability.RECORD_CASEWORK)
    form: AssistForm | Barc10Form = AssistForm(request.POST or None) if is_assist else Barc10Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        extra = {"injection": form.injection()} if isinstance(form, AssistForm) else {}
        try:
            record = services.instrument_record(
                actor=request.user,
                person=person,
                instrument=instrument,
                date=form.cleaned_data["date"],
                answers=answers,
                **extra,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if is_assist:
                messages.success(request, _assist_message(record))
            else:
                messages.success(
                    request,
                    _("BARC-10 recorded: total %(score)s/%(max)s.")
                    % {"score": record.score, "max": instruments.BARC10_MAX_TOTAL},
                )
            return _person_page(person)
    template = "casework/plans/assist_form.html" if is_assist else "casework/plans/barc10_form.html"
    context = {"person": person, "form": form, "instrument": Instrument(instrument)}
    return render(request, template, context, status=400 if request.method == "POST" else 200)
