"""Pages of retention: who is anonymised next month (a dry run), legal holds placed and lifted, and the retention
section of a person's page.

For the holders of `privacy.manage_retention` (national programme manager, province officers, commune police), on
the people of their units; a person or a hold outside them answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.dates import add_months_civil
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import CappedPaginator, paginate
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person
from donghanh.privacy import kinds, retention
from donghanh.privacy.forms_retention import HoldLiftForm, HoldPlaceForm

PEOPLE_PER_PAGE = 30
HOLDS_PER_PAGE = 20
HOLD_FORM = "privacy/holds_form.html"


@scoped(Capability.MANAGE_RETENTION)
def retention_due(request: AppRequest) -> HttpResponse:
    """Who would be anonymised within a month (a dry run: nothing is changed here), and the standing holds."""
    today = timezone.localdate()
    until = add_months_civil(today, retention.LOOKAHEAD_MONTHS)
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds.KIND_LABELS else ""
    rows = retention.retention_due_for(request.user, until=until, kind=kind or None)
    page = paginate(request, rows.select_related("unit__parent"), PEOPLE_PER_PAGE)
    counts = retention.retention_counts(retention.retention_due_for(request.user, until=until))
    holds = CappedPaginator(retention.legal_holds_for(request.user), HOLDS_PER_PAGE).get_page(
        request.GET.get("holds_page")
    )
    context = {
        "page": page,
        "rows": retention.due_rows(page.object_list, today),
        "until": until,
        "kind": kind,
        "kinds": [
            (code, label, counts[code], kinds.retention_years(code)) for code, label in kinds.KIND_LABELS.items()
        ],
        "holds": holds,
    }
    template = "privacy/retention.html#results" if request.htmx else "privacy/retention.html"
    return render(request, template, context)


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


def _back(request: AppRequest, person: Person, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.POST.get("next") == "retention":
        return redirect("privacy:retention")
    return redirect("people:detail", pk=person.pk)


def _form_page(request: AppRequest, person: Person, form: Form, **extra: Any) -> HttpResponse:
    context = {"person": person, "form": form, "next": request.GET.get("next", request.POST.get("next", "")), **extra}
    return render(request, HOLD_FORM, context, status=400 if request.method == "POST" else 200)


@scoped(Capability.MANAGE_RETENTION)
def hold_place(request: AppRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.accessible_to(request.user, Capability.MANAGE_RETENTION)
        .filter(merged_into__isnull=True)
        .select_related("unit"),
        pk=pk,
    )
    form = HoldPlaceForm(request.POST or None)
    if _submit(request, form, lambda data: retention.legal_hold_place(actor=request.user, person=person, **data)):
        return _back(
            request, person, _("The legal hold is placed: nothing of the person is anonymised until it is lifted.")
        )
    return _form_page(
        request,
        person,
        form,
        title=_("Place a legal hold"),
        submit=_("Place the hold"),
        intro=_("While the hold stands, none of the person's records is anonymised, whatever their retention."),
    )


@scoped(Capability.MANAGE_RETENTION)
def hold_lift(request: AppRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(retention.legal_holds_for(request.user), pk=pk)
    person = hold.person
    form = HoldLiftForm(request.POST or None)
    if _submit(
        request, form, lambda data: retention.legal_hold_lift(actor=request.user, hold=hold, reason=data["lift_reason"])
    ):
        return _back(request, person, _("The legal hold is lifted."))
    return _form_page(
        request,
        person,
        form,
        title=_("Lift the legal hold"),
        submit=_("Lift the hold"),
        hold=hold,
        danger=True,
    )


def retention_section(request: AppRequest, person: Person) -> SectionContext | None:
    """The retention section of the person page, for the holders of `privacy.manage_retention` at their commune."""
    if person.merged_into_id is not None:
        return None
    if not scope_for(request.user).can_at(Capability.MANAGE_RETENTION, person.unit.path):
        return None
    return SectionContext({"retention": retention.person_retention(person)})


urlpatterns: list[URLPattern] = [
    path("retention/", retention_due, name="retention"),
    path("people/<int:pk>/hold/", hold_place, name="hold_place"),
    path("holds/<int:pk>/lift/", hold_lift, name="hold_lift"),
]
