"""Pages of a person's place on the roster: leaving and coming back, death, moves between communes.

A person outside the user's scope answers 404; a user who sees the person but may not make the change
gets 403. Each write is one service call; its refusals come back on the fields they name, with what
was typed kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import Scope, scope_for
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import TransferStatus
from donghanh.people.forms import current_communes
from donghanh.people.models import Person
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.people.selectors import people_for_user
from donghanh.roster import death, transfers
from donghanh.roster.forms_movement import (
    DeathCorrectForm,
    DeathForm,
    LeaveForm,
    RejoinForm,
    TransferArrivalForm,
    TransferProposeForm,
    TransferRefuseForm,
)
from donghanh.roster.models import TransferRequest

PERSON_FORM = "roster/person_form.html"
TRANSFERS_PER_PAGE = 30


def _person_for(request: AppRequest, pk: int, capability: Capability) -> Person:
    """A person in the user's scope (404 otherwise) whose commune the user may act on with `capability` (403)."""
    person = get_object_or_404(people_for_user(request.user).select_related("unit__parent"), pk=pk)
    if not scope_for(request.user).can_at(capability, person.unit.path):
        raise PermissionDenied
    return person


def _submit(request: AppRequest, form: Form, write: Callable[[dict[str, Any]], object]) -> bool:
    """On a POST, the service called with the form's values; its refusals go onto the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


def _person_page(request: AppRequest, person: Person, form: Form, title: str, **extra: Any) -> HttpResponse:
    """The page of one small form about a person; a refused form comes back with status 400."""
    context = {"person": person, "form": form, "title": title, **extra}
    return render(request, PERSON_FORM, context, status=400 if request.method == "POST" else 200)


def _to_person(request: AppRequest, person: Person, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("people:detail", pk=person.pk)


# --- death ---------------------------------------------------------------------------------------


@scoped(Capability.MANAGE_PEOPLE)
def death_record(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = DeathForm(request.POST or None)
    if _submit(request, form, lambda data: death.death_record(actor=request.user, person=person, **data)):
        return _to_person(request, person, _("The death is recorded; the person left the roster that day."))
    intro = _("The measures, the volunteer's assignment and any move waiting for an answer end on that day.")
    return _person_page(
        request, person, form, _("Record a death"), submit=_("Record the death"), danger=True, intro=intro
    )


@scoped(Capability.CORRECT_DEATH)
def death_correct(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.CORRECT_DEATH)
    form = DeathCorrectForm(request.POST or None)
    if _submit(request, form, lambda data: death.death_correct(actor=request.user, person=person, **data)):
        return _to_person(request, person, _("The death is corrected; what it had closed is open again."))
    return _person_page(request, person, form, _("Correct the death"), submit=_("Correct the death"), death=True)


# --- leaving and coming back ---------------------------------------------------------------------


@scoped(Capability.MANAGE_PEOPLE)
def leave(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = LeaveForm(request.POST or None)
    if _submit(request, form, lambda data: roster_leave(actor=request.user, person=person, **data)):
        return _to_person(request, person, _("The person is off the roster."))
    intro = _(
        "For a person who moved abroad, or whom a decision removes. When the last measure is completed, the person "
        "leaves the roster by itself."
    )
    return _person_page(request, person, form, _("Take off the roster"), submit=_("Take off the roster"), intro=intro)


@scoped(Capability.MANAGE_PEOPLE)
def rejoin(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = RejoinForm(request.POST or None)
    if _submit(request, form, lambda data: roster_rejoin(actor=request.user, person=person, **data)):
        return _to_person(request, person, _("The person is back on the roster."))
    intro = _("A new period on the roster begins; the earlier ones stay in the history.")
    return _person_page(
        request, person, form, _("Put back on the roster"), submit=_("Put back on the roster"), intro=intro
    )


# --- moves between communes ----------------------------------------------------------------------


def _picked(form: Form) -> OrgUnit | None:
    """The commune the picker holds (typed or refused), to show it chosen when the form comes back."""
    value = str(form["to_unit"].value() or "")
    pk = as_id(value)
    return current_communes().filter(pk=pk).first() if pk is not None else None


@scoped(Capability.MANAGE_PEOPLE)
def transfer_propose(request: AppRequest, pk: int) -> HttpResponse:
    """The commune the person leaves proposes the move; the other commune must accept it."""
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = TransferProposeForm(request.POST or None)
    proposed: list[TransferRequest] = []

    def propose(data: dict[str, Any]) -> None:
        proposed.append(transfers.transfer_propose(actor=request.user, person=person, **data))

    if _submit(request, form, propose):
        messages.success(
            request,
            _("The move to %(unit)s is proposed: the person moves when that commune accepts it.")
            % {"unit": proposed[0].to_unit.name},
        )
        return redirect("people:detail", pk=person.pk)
    return _person_page(
        request,
        person,
        form,
        _("Propose a move to another commune"),
        submit=_("Propose the move"),
        picked=_picked(form),
        intro=_("The person stays on your roster until the other commune accepts the move."),
    )


def _managed_communes(request: AppRequest) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.accessible_to(request.user, Capability.MANAGE_PEOPLE)
        .filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE)
        .select_related("parent")
        .order_by("search_name", "path")
    )


@scoped(Capability.MANAGE_PEOPLE)
def transfer_arrival(request: AppRequest) -> HttpResponse:
    """Someone arrived in the user's commune: found by exact code or citizen ID; the commune they left must accept."""
    form = TransferArrivalForm(request.POST or None, communes=_managed_communes(request))
    reported: list[TransferRequest] = []

    def report(data: dict[str, Any]) -> None:
        try:
            person = transfers.person_to_receive(code=data["code"], citizen_id=data["citizen_id"])
        except ValidationError as error:
            # The message goes on the field that was typed.
            typed = "code" if data["code"].strip() else "citizen_id"
            raise ValidationError({typed: error.messages}) from error
        reported.append(
            transfers.transfer_report_arrival(
                actor=request.user,
                person=person,
                to_unit=data["to_unit"],
                move_date=data["move_date"],
                note=data["note"],
            )
        )

    if _submit(request, form, report):
        messages.success(
            request,
            _("The arrival is reported: %(unit)s must accept the move.") % {"unit": reported[0].from_unit.name},
        )
        return redirect("roster:transfer_detail", pk=reported[0].pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "roster/transfer_arrival.html", {"form": form}, status=status)


@dataclass
class TransferItem:
    """A move and what the user may do with it."""

    transfer: TransferRequest
    person_visible: bool
    may_answer: bool
    may_withdraw: bool
    may_complete: bool
    province_from: datetime.date | None  # when a province officer may complete it, if the user is one


def _item(scope: Scope, transfer: TransferRequest, person_visible: bool, today: datetime.date) -> TransferItem:
    pending = transfer.status == TransferStatus.PENDING
    answering, proposer = transfer.answering_unit, transfer.proposing_unit
    province = scope.can_at(Capability.COMPLETE_TRANSFERS, transfer.from_unit.path) and scope.can_at(
        Capability.COMPLETE_TRANSFERS, transfer.to_unit.path
    )
    waited_from = timezone.localdate(transfer.proposed_at) + datetime.timedelta(
        days=settings.ROSTER_TRANSFER_ANSWER_DAYS
    )
    return TransferItem(
        transfer=transfer,
        person_visible=person_visible,
        may_answer=pending and scope.can_at(Capability.MANAGE_PEOPLE, answering.path),
        may_withdraw=pending and scope.can_at(Capability.MANAGE_PEOPLE, proposer.path),
        may_complete=pending and province and transfers.transfer_province_may_complete(transfer, today),
        province_from=waited_from if pending and province else None,
    )


def _items(request: AppRequest, rows: list[TransferRequest]) -> list[TransferItem]:
    """Each move with the user's actions; one query says which people the user may open."""
    scope, today = scope_for(request.user), timezone.localdate()
    visible = set(people_for_user(request.user).filter(pk__in={t.person_id for t in rows}).values_list("pk", flat=True))
    return [_item(scope, t, t.person_id in visible, today) for t in rows]


def _transfers_for(request: AppRequest) -> QuerySet[TransferRequest]:
    return TransferRequest.objects.accessible_to(request.user, Capability.VIEW_PEOPLE).select_related(
        "person", "from_unit__parent", "to_unit__parent", "proposed_by", "answered_by"
    )


@scoped(Capability.VIEW_PEOPLE)
def transfer_list(request: AppRequest) -> HttpResponse:
    """Moves into and out of the user's communes: those waiting for an answer first, then the newest."""
    rows = TransferRequest.objects.accessible_to(request.user, Capability.VIEW_PEOPLE)
    status = request.GET.get("status", "")
    if status in TransferStatus.values:
        rows = rows.filter(status=status)
    person = request.GET.get("person", "")
    if (person_id := as_id(person)) is not None:
        rows = rows.filter(person_id=person_id)
    waiting_first = Case(
        When(status=TransferStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    order = (waiting_first, "-proposed_at", "-pk")
    page = paginate(request, rows.order_by(*order).only("pk"), TRANSFERS_PER_PAGE)
    # The page's moves are ordered alone, then read with their people and communes: joined first, the whole
    # country's moves were joined to the registry before being ordered.
    shown = list(_transfers_for(request).filter(pk__in=[t.pk for t in page.object_list]).order_by(*order))
    context = {
        "page": page,
        "items": _items(request, shown),
        "status": status if status in TransferStatus.values else "",
        "statuses": TransferStatus.choices,
        "person_filter": person if as_id(person) is not None else "",
        "may_report_arrival": scope_for(request.user).can(Capability.MANAGE_PEOPLE),
    }
    template = "roster/transfer_list.html#results" if request.htmx else "roster/transfer_list.html"
    return render(request, template, context)


ANSWERS = ("accept", "refuse", "withdraw", "complete")


def _answer(request: AppRequest, transfer: TransferRequest, action: str, refuse_form: Form) -> None:
    if action == "accept":
        transfers.transfer_accept(actor=request.user, transfer=transfer)
    elif action == "refuse":
        transfers.transfer_refuse(actor=request.user, transfer=transfer, reason=refuse_form.cleaned_data["reason"])
    elif action == "withdraw":
        transfers.transfer_withdraw(actor=request.user, transfer=transfer)
    else:
        transfers.transfer_complete_by_province(actor=request.user, transfer=transfer)


@scoped(Capability.VIEW_PEOPLE)
def transfer_detail(request: AppRequest, pk: int) -> HttpResponse:
    """A move, and the answer buttons of the side that answers (POST `action`: accept, refuse, withdraw, complete)."""
    transfer = get_object_or_404(_transfers_for(request), pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    refuse_form = TransferRefuseForm(request.POST if action == "refuse" else None)
    errors: list[str] = []
    if request.method == "POST" and action not in ANSWERS:
        errors = [_("Choose an answer: accept, refuse or withdraw the move.")]
    elif action and (action != "refuse" or refuse_form.is_valid()):
        try:
            _answer(request, transfer, action, refuse_form)
        except ValidationError as error:
            if action == "refuse" and hasattr(error, "error_dict"):
                apply_service_errors(refuse_form, error)
            else:
                errors = list(error.messages)
            transfer = get_object_or_404(_transfers_for(request), pk=pk)
        else:
            return _answered(request, transfer, action)
    context = {
        "item": _items(request, [transfer])[0],
        "transfer": transfer,
        "refuse_form": refuse_form,
        "errors": errors,
    }
    return render(request, "roster/transfer_detail.html", context, status=400 if request.method == "POST" else 200)


def _answered(request: AppRequest, transfer: TransferRequest, action: str) -> HttpResponse:
    """After an answer: the person's page when the move took effect and the user sees them, else back where asked."""
    names = {"person": transfer.person.full_name, "unit": transfer.to_unit.name}
    if action in ("accept", "complete"):
        messages.success(request, _("%(person)s moves to %(unit)s.") % names)
        if people_for_user(request.user).filter(pk=transfer.person_id).exists():
            return redirect("people:detail", pk=transfer.person_id)
    elif action == "refuse":
        messages.success(request, _("The move of %(person)s is refused.") % names)
    else:
        messages.success(request, _("The move of %(person)s is withdrawn.") % names)
    if request.POST.get("next") == "list":
        return redirect("roster:transfers")
    return redirect("roster:transfer_detail", pk=transfer.pk)


urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/death/", death_record, name="death_record"),
    path("people/<int:pk>/death/correct/", death_correct, name="death_correct"),
    path("people/<int:pk>/leave/", leave, name="leave"),
    path("people/<int:pk>/rejoin/", rejoin, name="rejoin"),
    path("people/<int:pk>/move/", transfer_propose, name="transfer_propose"),
    path("transfers/", transfer_list, name="transfers"),
    path("transfers/arrival/", transfer_arrival, name="transfer_arrival"),
    path("transfers/<int:pk>/", transfer_detail, name="transfer_detail"),
]
