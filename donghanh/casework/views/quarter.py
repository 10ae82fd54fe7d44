"""The quarter's sign-off (the commune confirms each person's classification) and the province's rating scale.

A classification is derived from the quarter's three monthly ratings (`selectors.quarter_rows`),
confirmed with one click or overridden with a reason (`services.classification_confirm`). The
scale is the province officer's: the default until the province sets its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework import services
from donghanh.casework.forms_team import ClassificationForm, RatingLevelFormSet, ScaleForm
from donghanh.casework.selectors import (
    QuarterRow,
    classification_summary,
    quarter_people,
    quarter_rows,
    rating_scale_for,
)
from donghanh.casework.views.office import current_day, form_status, office_scope, require_at, unit_asked, unit_choices
from donghanh.core.dates import month_start, previous_quarter, quarter_months, quarter_of, shift_month_start
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person

# --- the quarter's sign-off ---------------------------------------------------------------------


@scoped(Capability.VIEW_CASEWORK)
def quarter_latest(request: AppRequest) -> HttpResponse:
    office_scope(request)
    year, quarter = previous_quarter(*quarter_of(current_day()))
    return redirect("casework:quarter", year=year, quarter=quarter)


@dataclass
class SignoffRow:
    row: QuarterRow
    form: ClassificationForm | None


def _classification_form(row: QuarterRow, data: Any = None) -> ClassificationForm:
    confirmed = row.classification
    initial = {
        "person": row.person.pk,
        "level": confirmed.level_id if confirmed else (row.derived.pk if row.derived else None),
        "override_reason": confirmed.override_reason if confirmed else "",
    }
    return ClassificationForm(data, initial=initial, levels=row.levels, auto_id=f"p{row.person.pk}-%s")


def _confirm_posted(
    request: AppRequest, people: QuerySet[Person], rows: list[QuarterRow], year: int, quarter: int
) -> tuple[QuarterRow, ClassificationForm | None]:
    """Confirm the classification of the person posted: (their row, the form if it was refused)."""
    posted_pk = request.POST.get("person", "")
    person = get_object_or_404(people, pk=as_id(posted_pk) or 0)
    require_at(request, Capability.CONFIRM_CLASSIFICATION, person.unit)
    row = (
        next((r for r in rows if r.person.pk == person.pk), None)
        or quarter_rows(request.user, year, quarter, [person])[0]
    )
    form = _classification_form(row, request.POST)
    if form.is_valid():
        try:
            services.classification_confirm(
                actor=request.user,
                person=person,
                year=year,
                quarter=quarter,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Classification of %(name)s confirmed.") % {"name": person.full_name})
            return row, None
    return row, form


@scoped(Capability.VIEW_CASEWORK)
def quarter_signoff(request: AppRequest, year: int, quarter: int) -> HttpResponse:
    """The quarter's people with their three monthly ratings, what they give, and the commune's confirmation."""
    scope = office_scope(request)
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404
    if request.method == "POST" and not scope.can(Capability.CONFIRM_CLASSIFICATION):
        raise PermissionDenied
    today = current_day()
    unit = unit_asked(request, default_first_grant=False)
    people = quarter_people(request.user, year, quarter)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    page = paginate(request, people)
    rows = quarter_rows(request.user, year, quarter, page.object_list)
    confirmable = quarter_months(year, quarter)[-1] <= month_start(today)

    refused: ClassificationForm | None = None
    if request.method == "POST":
        row, refused = _confirm_posted(request, people, rows, year, quarter)
        if refused is None:
            return redirect(f"{request.get_full_path()}#person-{row.person.pk}")
        if row not in rows:
            rows.append(row)  # the row acted on stays visible with its errors, even if the page moved

    signoff = []
    for row in rows:
        form = None
        if refused is not None and refused.initial["person"] == row.person.pk:
            form = refused
        elif confirmable and scope.can_at(Capability.CONFIRM_CLASSIFICATION, row.person.unit.path):
            form = _classification_form(row)
        signoff.append(SignoffRow(row=row, form=form))

    summary = classification_summary(request.user, people, year, quarter)
    confirmed = sum(n for _level, n in summary)
    months = quarter_months(year, quarter)
    prev_year, prev_quarter = previous_quarter(year, quarter)
    next_year, next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    context = {
        "year": year,
        "quarter": quarter,
        "months": months,
        "page": page,
        "rows": signoff,
        "summary": summary,
        "confirmed": confirmed,
        "unconfirmed": page.paginator.count - confirmed,
        "confirmable": confirmable,
        "previous": (prev_year, prev_quarter),
        "next": (next_year, next_quarter) if shift_month_start(months[-1], 1) <= month_start(today) else None,
        "tab": "quarter",
        **unit_choices(request, unit),
    }
    return render(request, "casework/team/quarter.html", context, status=400 if refused else 200)


# --- the province's rating scale ----------------------------------------------------------------


@scoped(Capability.CONFIGURE_RATING_SCALE)
def rating_scale(request: AppRequest) -> HttpResponse:
    """The scale in force in the officer's province (the default until the province sets its own)."""
    scope = scope_for(request.user)
    unit_ids = [g.unit_id for g in scope.grants_for(Capability.CONFIGURE_RATING_SCALE) if g.unit_id is not None]
    provinces = list(
        OrgUnit.objects.filter(pk__in=unit_ids, level=OrgUnit.Level.PROVINCE).order_by("search_name", "path")
    )
    if not provinces:
        raise PermissionDenied
    raw = request.GET.get("unit", "")
    province = next((p for p in provinces if str(p.pk) == raw), None) if raw else provinces[0]
    if province is None:
        raise Http404
    scale = rating_scale_for(province)
    own = scale.unit_id == province.pk
    levels = list(scale.levels.order_by("rank"))
    if request.method == "POST":
        form = ScaleForm(request.POST)
        formset = RatingLevelFormSet(request.POST, prefix="levels")
        if form.is_valid() and formset.is_valid():
            try:
                services.rating_scale_set(
                    actor=request.user, province=province, name=form.cleaned_data["name"], levels=formset.levels()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The rating scale of %(province)s is saved.") % {"province": province.name})
                return redirect(f"{reverse('casework:scale')}?unit={province.pk}")
    else:
        name = scale.name if own else _("Rating scale of %(province)s") % {"province": province.name}
        form = ScaleForm(initial={"name": name})
        formset = RatingLevelFormSet(
            prefix="levels",
            initial=[
                {
                    "code": level.code,
                    "label_vi": level.label_vi,
                    "label_en": level.label_en,
                    "counts_as_progress": level.counts_as_progress,
                }
                for level in levels
            ],
        )
    context = {
        "province": province,
        "provinces": provinces,
        "scale": scale,
        "own": own,
        "levels": levels,
        "form": form,
        "formset": formset,
        "tab": "scale",
    }
    return render(request, "casework/team/scale.html", context, status=form_status(request))
