"""Pages of consent: recording a person's consent to a purpose, withdrawing it.

A person outside the user's scope answers 404; a user who sees the person but may not manage consent at their
commune gets 403. Each write is one service call; its refusals come back on the fields they name, with what was
typed kept. Both pages lead back to the consent section of the person's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.forms import apply_service_errors
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user
from donghanh.privacy import consent as services
from donghanh.privacy.choices import CONSENT_PURPOSES, GivenBy
from donghanh.privacy.forms_consent import ConsentForm, ConsentWithdrawForm
from donghanh.privacy.models import Consent

FORM = "privacy/consent_form.html"


def _person_for(request: AppRequest, pk: int) -> Person:
    """A person in the user's scope (404 otherwise) whose consent the user may manage (403 otherwise)."""
    person = get_object_or_404(people_for_user(request.user).select_related("unit__parent"), pk=pk)
    if not scope_for(request.user).can_at(Capability.MANAGE_CONSENT, person.unit.path):
        raise PermissionDenied
    return person


def _page(request: AppRequest, person: Person, form: Form, title: str, **extra: Any) -> HttpResponse:
    context = {"person": person, "form": form, "title": title, **extra}
    return render(request, FORM, context, status=400 if request.method == "POST" else 200)


def _back(person: Person) -> str:
    return reverse("people:detail", args=[person.pk]) + "#consent"


@scoped(Capability.MANAGE_CONSENT)
def consent_record(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    today = timezone.localdate()
    minor = person.age_on(today) < services.ADULT_AGE
    initial: dict[str, Any] = {"given_by": GivenBy.GUARDIAN if minor else GivenBy.PERSON}
    if request.GET.get("purpose") in CONSENT_PURPOSES:
        initial["purpose"] = request.GET["purpose"]
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Consent to “%(purpose)s” recorded.") % {"purpose": consent.get_purpose_display()}
            )
            return redirect(_back(person))
    intro = _("A signed form is recorded with its number; a verbal consent with the name of its witness.")
    if minor:
        intro = " ".join([intro, _("The person is a minor: their guardian gives the consent.")])
    return _page(request, person, form, _("Record consent"), submit=_("Record the consent"), intro=intro)


@scoped(Capability.MANAGE_CONSENT)
def consent_withdraw(request: AppRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.accessible_to(request.user).select_related("person"), pk=pk)
    person = _person_for(request, consent.person_id)
    if consent.withdrawn_on is not None:
        messages.info(request, _("This consent is already withdrawn."))
        return redirect(_back(person))
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Consent to “%(purpose)s” withdrawn.") % {"purpose": consent.get_purpose_display()}
            )
            return redirect(_back(person))
    intro = _("From that day on, what needs this consent is refused: %(purpose)s.") % {
        "purpose": consent.get_purpose_display().lower()
    }
    return _page(
        request, person, form, _("Withdraw consent"), submit=_("Withdraw the consent"), intro=intro, consent=consent,
        danger=True,
    )  # fmt: skip


urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/consents/new/", consent_record, name="consent_record"),
    path("consents/<int:pk>/withdraw/", consent_withdraw, name="consent_withdraw"),
]
