"""Community activities (campaigns, trainings, reviews, events) and the roadmap of community models.

Reads start from the user's scope; writes go through `services.activity_record` and
`services.roadmap_target_set`, which decide what is valid and who may do it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.community import services
from donghanh.community.forms.sessions import (
    ACTIVITY_COUNTS,
    ActivityFilterForm,
    ActivityForm,
    RoadmapTargetForm,
)
from donghanh.community.models import Activity, CommunityModel, RoadmapTarget
from donghanh.community.selectors import model_types, roadmap_progress
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import acting_units, units_to_pick_from

# --- activities -------------------------------------------------------------------------------------


@scoped(Capability.VIEW_COMMUNITY)
def activity_list(request: AppRequest) -> HttpResponse:
    """Activities in the user's scope, filtered by kind, unit and year, with the participants added up."""
    units = units_to_pick_from(scope_for(request.user).grants_for(Capability.VIEW_COMMUNITY))
    filters = ActivityFilterForm(request.GET, units=units)
    activities = filters.filter(Activity.objects.accessible_to(request.user))
    totals = activities.aggregate(activities=Count("pk"), **{name: Sum(name) for name in ACTIVITY_COUNTS})
    participants = sum(totals[name] or 0 for name in ACTIVITY_COUNTS)
    rows = activities.select_related("unit__parent", "model").order_by("-date", "-pk")
    page = paginate(request, rows)
    context = {
        "filters": filters,
        "units": list(units),
        "page": page,
        "totals": {name: totals[name] or 0 for name in ACTIVITY_COUNTS},
        "total_activities": totals["activities"],
        "participants": participants,
        "filtered": filters.filtered,
        "can_create": scope_for(request.user).can(Capability.RECORD_COMMUNITY),
    }
    template = "community/activity_list.html#table" if request.htmx else "community/activity_list.html"
    return render(request, template, context)


@scoped(Capability.RECORD_COMMUNITY)
def activity_create(request: AppRequest) -> HttpResponse:
    units = acting_units(request.user, Capability.RECORD_COMMUNITY)
    models = (
        CommunityModel.objects.accessible_to(request.user, Capability.RECORD_COMMUNITY)
        .exclude(status="dissolved")
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )
    offered = list(units[:2])
    only_unit = offered[0] if len(offered) == 1 else None
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if only_unit:
        initial["unit"] = only_unit.pk
    chosen = request.GET.get("model", "")
    if (chosen_id := as_id(chosen)) is not None:
        model = models.filter(pk=chosen_id).first()
        if model is not None:
            initial.update(model=model.pk, unit=model.unit_id)
    form = ActivityForm(request.POST or None, units=units, models=models, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_record(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                **form.activity_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(
                request,
                _("%(title)s is recorded, with %(count)s participants.")
                % {"title": activity.title, "count": activity.participants},
            )
            return redirect("community:activities")
    context = {
        "form": form,
        "only_unit": only_unit,
        "only_unit_label": unit_label(only_unit) if only_unit else "",
        "no_unit": not offered,
    }
    return render(request, "community/activity_form.html", context, status=400 if form.errors else 200)


# --- the roadmap ------------------------------------------------------------------------------------


@scoped(Capability.VIEW_COMMUNITY)
def roadmap(request: AppRequest) -> HttpResponse:
    """The targets of the user's units (and of units under them that have some), each against the models
    operating; a form to set a target for those who set roadmaps."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    can_set = scope.can(Capability.SET_ROADMAP)
    if request.method == "POST" and not can_set:
        raise PermissionDenied(_("Your role does not set roadmap targets."))
    form = None
    if can_set:
        form = RoadmapTargetForm(
            request.POST or None,
            units=units_to_pick_from(scope_for(request.user).grants_for(Capability.SET_ROADMAP)),
            types=model_types(),
            initial={"year": today.year},
        )
        if request.method == "POST" and form.is_valid():
            try:
                target = services.roadmap_target_set(actor=request.user, **form.target_fields())
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error("unit", str(error))
            else:
                messages.success(
                    request,
                    _("The target of %(unit)s for %(year)s is set.") % {"unit": target.unit.name, "year": target.year},
                )
                return redirect("community:roadmap")
    own = [g.unit_id for g in scope.grants_for(Capability.VIEW_COMMUNITY) if g.unit_id is not None]
    with_targets = RoadmapTarget.objects.accessible_to(request.user).values("unit_id")
    units = OrgUnit.objects.filter(Q(pk__in=own) | Q(pk__in=with_targets)).select_related("parent").order_by("path")
    sections = [(unit, unit_label(unit), roadmap_progress(request.user, unit, today)) for unit in units]
    context = {"sections": sections, "form": form, "today": today}
    return render(request, "community/roadmap.html", context, status=400 if form is not None and form.errors else 200)
