"""Pages to open, correct and close a person's legal measures, and the rule hint shown while typing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.services import access_log_record
from donghanh.core.dates import term_end
from donghanh.core.forms import apply_service_errors
from donghanh.core.versions import StaleVersion, edited, loaded_version, version_conflict, with_version
from donghanh.episodes import services
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.forms import EpisodeCloseForm, EpisodeDecisionForm, EpisodeOpenForm
from donghanh.episodes.models import Episode, EpisodeRule
from donghanh.episodes.rules import rule_for
from donghanh.people.models import Person
from donghanh.people.roster import current_period
from donghanh.people.selectors import people_for_user

FORM_TEMPLATE = "episodes/episode_form.html"
CLOSE_TEMPLATE = "episodes/episode_close.html"


def _require_manage(request: AppRequest, person: Person) -> None:
    """A user may see a person through one role and manage measures only elsewhere: refuse before the form."""
    if not scope_for(request.user).can_at(Capability.MANAGE_EPISODES, person.unit.path):
        raise PermissionDenied(_("Your role does not allow this for people of %(unit)s.") % {"unit": person.unit.name})


def _episode_for(request: AppRequest, pk: int) -> Episode:
    """The episode, if the user may see legal measures of its person (404 otherwise) and manage them (403)."""
    episodes = Episode.objects.accessible_to(request.user, Capability.VIEW_EPISODES).filter(
        person__merged_into__isnull=True
    )
    episode: Episode = get_object_or_404(episodes.select_related("rule", "person__unit"), pk=pk)
    _require_manage(request, episode.person)
    return episode


def _log_view(request: AppRequest, episode: Episode, detail: str) -> None:
    """The edit and close pages show the decision of a measure: legal history, so every showing is logged."""
    access_log_record(actor=request.user, obj=episode, detail=detail, unit=episode.person.unit, request=request)


# --- the rule in force ---------------------------------------------------------------------------


@dataclass
class RuleHint:
    """What the rule in force allows for a type of measure starting on a day, for this person."""

    person: Person
    episode_type: str = ""
    start: datetime.date | None = None
    rule: EpisodeRule | None = None
    age: int | None = None
    earliest_end: datetime.date | None = None
    latest_end: datetime.date | None = None
    usual_end: datetime.date | None = None
    conflicts: list[str] = field(default_factory=list)
    error: str = ""
    prompt: str = ""


def rule_hint_for(person: Person, episode_type: str, start: Any) -> RuleHint:
    """`start` as typed (dd/mm/yyyy) or a date."""
    hint = RuleHint(person=person, episode_type=episode_type)
    if episode_type not in EpisodeType.values:
        hint.prompt = _("Choose the type of measure and its start to see the rule in force.")
        return hint
    try:
        start = forms.DateField().clean(start.strip() if isinstance(start, str) else start)
    except ValidationError:
        hint.prompt = _("Type the start as dd/mm/yyyy to see the rule in force.")
        return hint
    hint.start = start
    hint.age = person.age_on(start)
    try:
        rule = rule_for(episode_type, start, hint.age)
    except ValidationError as error:
        hint.error = " ".join(error.messages)
        return hint
    hint.rule = rule
    if rule.min_months:
        hint.earliest_end = term_end(start, rule.min_months)
    if rule.max_months:
        hint.latest_end = term_end(start, rule.max_months)
    if rule.default_months:
        hint.usual_end = term_end(start, rule.default_months)
    hint.conflicts = [str(EpisodeType(code).label) for code in rule.conflicts_with if code in EpisodeType.values]
    return hint


@scoped(Capability.VIEW_EPISODES)
def rule_hint(request: AppRequest) -> HttpResponse:
    """The rule in force for the type and start typed in the form (htmx: the hint alone)."""
    try:
        person_pk = int(request.GET.get("person", ""))
    except ValueError:
        raise Http404 from None
    person = get_object_or_404(people_for_user(request.user), pk=person_pk)
    hint = rule_hint_for(person, request.GET.get("episode_type", ""), request.GET.get("start_date", ""))
    return render(request, f"{FORM_TEMPLATE}#rule_hint", {"hint": hint})


# --- open, correct, close ------------------------------------------------------------------------


@scoped(Capability.MANAGE_EPISODES)
def episode_open(request: AppRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(people_for_user(request.user), pk=person_pk)
    _require_manage(request, person)
    # A link may propose the type (a confirmed relapse's follow-up); the officer can change it.
    proposed = request.GET.get("episode_type", "")
    form = EpisodeOpenForm(
        request.POST or None, initial={"episode_type": proposed} if proposed in EpisodeType.values else {}
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_open(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(measure)s” recorded for %(person)s, planned to end on %(end)s.")
                % {
                    "measure": episode.get_episode_type_display(),
                    "person": person.full_name,
                    "end": episode.planned_end_date.strftime("%d/%m/%Y") if episode.planned_end_date else "—",
                },
            )
            return redirect("people:detail", pk=person.pk)
    hint = rule_hint_for(person, str(form["episode_type"].value() or ""), form["start_date"].value())
    context = {"form": form, "person": person, "hint": hint, "title": _("New legal measure")}
    return render(request, FORM_TEMPLATE, context)


@scoped(Capability.MANAGE_EPISODES)
def episode_edit(request: AppRequest, pk: int) -> HttpResponse:
    episode = _episode_for(request, pk)
    initial = {name: getattr(episode, name) for name in EpisodeDecisionForm.base_fields}
    form = with_version(EpisodeDecisionForm(request.POST or None, initial=initial), episode)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_update(
                actor=request.user, episode=episode, expected_version=loaded_version(form), **edited(form)
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            episode.refresh_from_db()  # the service set the refused values on it
        else:
            messages.success(request, _("Changes to “%(measure)s” saved.") % {"measure": episode})
            return redirect("people:detail", pk=episode.person_id)
    _log_view(request, episode, "edit form")
    hint = rule_hint_for(episode.person, episode.episode_type, form["start_date"].value())
    context = {
        "form": form,
        "person": episode.person,
        "episode": episode,
        "hint": hint,
        "title": _("Correct “%(measure)s”") % {"measure": episode.get_episode_type_display()},
        "version_conflict": conflict,
    }
    return render(request, FORM_TEMPLATE, context, status=409 if conflict else 200)


# --- closing, and what it does to the roster ------------------------------------------------------


@dataclass
class CloseOutcome:
    """What closing the measure as typed would do to the person's place on the roster."""

    state: str  # prompt | leaves | held | not_completed | off_roster
    leaves_on: datetime.date | None = None


def close_outcome_for(episode: Episode, end_date: Any, end_reason: str) -> CloseOutcome:
    """`end_date` as typed (dd/mm/yyyy) or a date; the answer of `episode_close_outcome`, in words."""
    try:
        day = forms.DateField().clean(end_date.strip() if isinstance(end_date, str) else end_date)
    except ValidationError:
        day = None
    if day is None or end_reason not in EndReason.values:
        return CloseOutcome("prompt")
    if current_period(episode.person) is None:
        return CloseOutcome("off_roster")
    if end_reason != EndReason.COMPLETED:
        return CloseOutcome("not_completed")
    leaves_on = services.episode_close_outcome(episode, day, end_reason)
    return CloseOutcome("leaves", leaves_on) if leaves_on else CloseOutcome("held")


@scoped(Capability.MANAGE_EPISODES)
def close_outcome(request: AppRequest, pk: int) -> HttpResponse:
    """htmx: what closing with the date and reason typed would do to the roster, with the keep-on choice."""
    episode = _episode_for(request, pk)
    if not episode.is_open:
        raise Http404
    form = EpisodeCloseForm(request.GET)
    outcome = close_outcome_for(episode, request.GET.get("actual_end_date", ""), request.GET.get("end_reason", ""))
    return render(request, f"{CLOSE_TEMPLATE}#outcome", {"form": form, "episode": episode, "outcome": outcome})


@scoped(Capability.MANAGE_EPISODES)
def episode_close(request: AppRequest, pk: int) -> HttpResponse:
    episode = _episode_for(request, pk)
    if not episode.is_open:
        messages.info(request, _("This measure is already closed."))
        return redirect("people:detail", pk=episode.person_id)
    form = EpisodeCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        end = form.cleaned_data["actual_end_date"]
        try:
            services.episode_close(
                actor=request.user,
                episode=episode,
                end_date=end,
                end_reason=form.cleaned_data["end_reason"],
                keep_reason=form.cleaned_data["keep_reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            episode.refresh_from_db()
        else:
            messages.success(
                request,
                _("“%(measure)s” closed on %(end)s: %(reason)s.")
                % {
                    "measure": episode.get_episode_type_display(),
                    "end": end.strftime("%d/%m/%Y"),
                    "reason": episode.get_end_reason_display(),
                },
            )
            if current_period(episode.person) is None and episode.person.periods.filter(end_date=end).exists():
                messages.info(
                    request,
                    _("%(person)s left the roster on %(day)s.")
                    % {"person": episode.person.full_name, "day": end.strftime("%d/%m/%Y")},
                )
            return redirect("people:detail", pk=episode.person_id)
    _log_view(request, episode, "close form")
    outcome = close_outcome_for(episode, form["actual_end_date"].value() or "", str(form["end_reason"].value() or ""))
    context: dict[str, Any] = {"form": form, "person": episode.person, "episode": episode, "outcome": outcome}
    return render(request, CLOSE_TEMPLATE, context)
