"""Pages of a person's sensitive records: drug-use history, addiction determinations, drug tests, health.

Each needs its own capability at the person's commune; showing a recorded history writes the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.audit.services import access_log_record
from donghanh.core.forms import apply_service_errors
from donghanh.core.versions import StaleVersion, edited, loaded_version, version_conflict, with_version
from donghanh.people import services
from donghanh.people.forms import DeterminationForm, DrugTestForm, DrugUseForm, HealthForm
from donghanh.people.models import DrugUseHistory, HealthStatus
from donghanh.people.sensitive import SEEN_DRUG_USE, SEEN_HEALTH
from donghanh.people.views.registry import _person_for, _record_page


@scoped(Capability.RECORD_DRUG_USE)
def drug_use_edit(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.RECORD_DRUG_USE)
    existing = DrugUseHistory.objects.filter(person=person).first()
    initial = model_to_dict(existing, fields=list(DrugUseForm.base_fields)) if existing else {}
    form = with_version(DrugUseForm(request.POST or None, initial=initial), existing)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.drug_use_record(
                actor=request.user, person=person, expected_version=loaded_version(form), **edited(form)
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Drug-use history saved."))
            return redirect("people:detail", pk=person.pk)
    if existing and request.method == "GET":  # the form shows the recorded history
        access_log_record(actor=request.user, obj=person, detail=SEEN_DRUG_USE, unit=person.unit, request=request)
    return _record_page(request, person, form, _("Drug-use history"), version_conflict=conflict)


@scoped(Capability.RECORD_DRUG_USE)
def determination_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.RECORD_DRUG_USE)
    form = DeterminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            determination = services.determination_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Determination recorded: %(result)s.") % {"result": determination.get_result_display()}
            )
            return redirect("people:detail", pk=person.pk)
    return _record_page(request, person, form, _("Add an addiction determination"))


@scoped(Capability.RECORD_DRUG_USE)
def drug_test_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.RECORD_DRUG_USE)
    form = DrugTestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.drug_test_add(
                actor=request.user,
                person=person,
                date=data["date"],
                sample=data["sample"],
                tested_by=data["tested_by"],
                note=data["note"],
                results=form.results(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Drug test recorded."))
            return redirect("people:detail", pk=person.pk)
    groups = [
        (None, [form[name] for name in ("date", "sample", "tested_by", "note")]),
        (_("Result for each substance tested"), form.result_fields()),
    ]
    return _record_page(request, person, form, _("Add a drug test"), groups=groups)


@scoped(Capability.RECORD_HEALTH)
def health_edit(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.RECORD_HEALTH)
    existing = HealthStatus.objects.filter(person=person).first()
    initial = model_to_dict(existing, fields=list(HealthForm.base_fields)) if existing else {}
    form = with_version(HealthForm(request.POST or None, initial=initial), existing)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.health_record(
                actor=request.user, person=person, expected_version=loaded_version(form), **edited(form)
            )
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Health status saved."))
            return redirect("people:detail", pk=person.pk)
    if existing and request.method == "GET":  # the form shows the recorded status
        access_log_record(actor=request.user, obj=person, detail=SEEN_HEALTH, unit=person.unit, request=request)
    return _record_page(request, person, form, _("Health status"), version_conflict=conflict)
