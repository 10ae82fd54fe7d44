"""The partner directory: search, filters, a partner's page, and creating or editing a partner.

Reads start from the user's scope (a province's partners serve its communes), so a partner outside
it answers 404; writes go through the services and need MANAGE_PARTNERS at the partner's unit (403
otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.selectors import acting_units
from donghanh.support import services
from donghanh.support.choices import REFERRAL_TRANSITIONS
from donghanh.support.filters import PartnerFilter
from donghanh.support.forms.partners import PartnerForm
from donghanh.support.models import Partner, Referral, ServiceRecord
from donghanh.support.selectors import partners_for_user

FILTERS = ("q", "kind", "offers", "active")
OPEN_STATUSES = [status for status, onward in REFERRAL_TRANSITIONS.items() if onward]


@scoped(Capability.VIEW_SUPPORT)
def partner_list(request: AppRequest) -> HttpResponse:
    """Partners in the user's scope, searched and filtered; the table alone for htmx."""
    filterset = PartnerFilter(request.GET, queryset=partners_for_user(request.user))
    page = paginate(request, filterset.qs.order_by("search_name", "pk"))
    context = {
        "filterset": filterset,
        "page": page,
        "filtered": any(request.GET.get(name) not in (None, "", "unknown") for name in FILTERS),
        "can_create": scope_for(request.user).can(Capability.MANAGE_PARTNERS),
    }
    template = "support/partner_list.html#table" if request.htmx else "support/partner_list.html"
    return render(request, template, context)


def _partner_for(request: AppRequest, pk: int) -> Partner:
    """A partner in the user's scope; 404 otherwise."""
    partner: Partner = get_object_or_404(partners_for_user(request.user).select_related("unit__parent"), pk=pk)
    return partner


@scoped(Capability.VIEW_SUPPORT)
def partner_detail(request: AppRequest, pk: int) -> HttpResponse:
    """Everything about a partner, and how much it helped: only services and referrals the viewer may see count."""
    partner = _partner_for(request, pk)
    referrals = (
        Referral.objects.accessible_to(request.user)
        .filter(partner=partner)
        .aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
    )
    context = {
        "partner": partner,
        "unit_label": unit_label(partner.unit),
        "services_count": ServiceRecord.objects.accessible_to(request.user).filter(provider=partner).count(),
        "referrals_count": referrals["total"],
        "referrals_open": referrals["open"],
        "can_manage": scope_for(request.user).can_at(Capability.MANAGE_PARTNERS, partner.unit.path),
    }
    return render(request, "support/partner_detail.html", context)


@scoped(Capability.MANAGE_PARTNERS)
def partner_create(request: AppRequest) -> HttpResponse:
    units = acting_units(request.user, Capability.MANAGE_PARTNERS)
    offered = list(units[:2])
    only_unit = offered[0] if len(offered) == 1 else None
    initial = {"unit": only_unit.pk} if only_unit else {}
    form = PartnerForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_add(actor=request.user, unit=form.cleaned_data["unit"], **form.partner_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("%(name)s is added to the partner directory.") % {"name": partner.name})
            return redirect("support:partner", pk=partner.pk)
    context = {
        "form": form,
        "title": _("Add a partner"),
        "only_unit": only_unit,
        "only_unit_label": unit_label(only_unit) if only_unit else "",
        "no_unit": not offered,
    }
    return render(request, "support/partner_form.html", context, status=400 if request.method == "POST" else 200)


@scoped(Capability.MANAGE_PARTNERS)
def partner_edit(request: AppRequest, pk: int) -> HttpResponse:
    partner = _partner_for(request, pk)
    if not scope_for(request.user).can_at(Capability.MANAGE_PARTNERS, partner.unit.path):
        raise PermissionDenied(_("Your role does not allow this for %(unit)s.") % {"unit": partner.unit.name})
    form = with_version(PartnerForm(request.POST or None, initial=PartnerForm.initial_from(partner)), partner)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                actor=request.user, partner=partner, expected_version=loaded_version(form), **form.partner_fields()
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
            partner.refresh_from_db()  # the refused values stay in the form, not on the partner shown
        else:
            messages.success(request, _("Changes saved."))
            return redirect("support:partner", pk=partner.pk)
    context = {
        "form": form,
        "partner": partner,
        "title": _("Edit %(name)s") % {"name": partner.name},
        "version_conflict": conflict,
    }
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(request, "support/partner_form.html", context, status=status)
