"""Pages of data-subject requests: the list of the user's scope (open, overdue or all), recording a request from the
person's page, its page with the acknowledgement and the answer, and "everything held about this person" as JSON
and as a PDF.

Only roles holding HANDLE_DATA_REQUESTS (the commune officer) see these pages; a request or a person outside the
user's scope answers 404. A refused form comes back with what was typed and the service's messages on its fields.
The request's page and both downloads write the access log (the downloads as exports).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.downloads import logged_download
from donghanh.audit.services import access_log_record
from donghanh.core.forms import AppForm, apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.pdf import PdfUnavailable, pdf_unavailable
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user
from donghanh.privacy import export, requests
from donghanh.privacy.forms_requests import STATES, RequestAcknowledgeForm, RequestAnswerForm, RequestRecordForm
from donghanh.privacy.models import DataSubjectRequest

# What the access log says: stable English words, whatever the viewer's language.
SEEN_REQUEST = "data-subject request"
EXPORTED = "everything held about the person"
SECTION_ROWS = 5


def _person_for(request: AppRequest, pk: int) -> Person:
    """A person the user sees (404 otherwise) and whose requests they handle at their commune (403)."""
    person: Person = get_object_or_404(people_for_user(request.user).select_related("unit__parent"), pk=pk)
    if not scope_for(request.user).can_at(Capability.HANDLE_DATA_REQUESTS, person.unit.path):
        raise PermissionDenied(_("Your role does not allow this for people of %(unit)s.") % {"unit": person.unit.name})
    return person


def _request_for(request: AppRequest, pk: int) -> DataSubjectRequest:
    data_request: DataSubjectRequest = get_object_or_404(
        requests.requests_for_user(request.user).select_related("person__unit__parent"), pk=pk
    )
    return data_request


def requests_section(request: AppRequest, person: Person) -> SectionContext | None:
    """The person's latest requests on their page, with the button to record one, for those who handle them."""
    if not scope_for(request.user).can_at(Capability.HANDLE_DATA_REQUESTS, person.unit.path):
        return None
    today = timezone.localdate()
    rows = list(person.data_requests.order_by("-received_on", "-pk")[: SECTION_ROWS + 1])
    return SectionContext(
        {
            "dsr_rows": [
                (r, requests.request_state(r), requests.request_is_overdue(r, today)) for r in rows[:SECTION_ROWS]
            ],
            "dsr_more": len(rows) > SECTION_ROWS,
            "dsr_can_record": person.merged_into_id is None,
        }
    )


@scoped(Capability.HANDLE_DATA_REQUESTS)
def request_list(request: AppRequest) -> HttpResponse:
    """The requests of the user's scope: open ones by deadline (the default), overdue ones, or all, newest first."""
    today = timezone.localdate()
    state = request.GET.get("state", "open")
    if state not in dict(STATES):
        state = "open"
    rows = {
        "open": lambda: requests.requests_open(request.user),
        "overdue": lambda: requests.requests_overdue(request.user, today),
        "all": lambda: requests.requests_for_user(request.user),
    }[state]()
    page = paginate(request, rows.select_related("person__unit"))
    context = {
        "page": page,
        "rows": [(r, requests.request_state(r), requests.request_is_overdue(r, today)) for r in page.object_list],
        "state": state,
        "states": STATES,
    }
    template = "privacy/requests.html#table" if request.htmx else "privacy/requests.html"
    return render(request, template, context)


@scoped(Capability.HANDLE_DATA_REQUESTS)
def request_add(request: AppRequest, person_pk: int) -> HttpResponse:
    """Record a request received from the person, their guardian or representative."""
    person = _person_for(request, person_pk)
    form = RequestRecordForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            data_request = requests.request_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Request recorded: acknowledge it by %(ack)s and answer it by %(answer)s.")
                % {
                    "ack": f"{data_request.acknowledge_by:%d/%m/%Y}",
                    "answer": f"{data_request.answer_by:%d/%m/%Y}",
                },
            )
            return redirect("privacy:request_detail", pk=data_request.pk)
    context = {"form": form, "person": person}
    return render(request, "privacy/request_form.html", context, status=400 if form.is_bound else 200)


def _detail(request: AppRequest, data_request: DataSubjectRequest, refused: AppForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    forms: dict[str, AppForm] = {}
    if data_request.answered_on is None:
        if data_request.acknowledged_on is None:
            forms["acknowledge"] = RequestAcknowledgeForm(initial={"on": today})
        forms["answer"] = RequestAnswerForm(initial={"on": today})
    if isinstance(refused, RequestAcknowledgeForm):
        forms["acknowledge"] = refused
    elif isinstance(refused, RequestAnswerForm):
        forms["answer"] = refused
    person = data_request.person
    access_log_record(actor=request.user, obj=data_request, detail=SEEN_REQUEST, unit=person.unit, request=request)
    context: dict[str, Any] = {
        "data_request": data_request,
        "person": person,
        "state": requests.request_state(data_request),
        "overdue": requests.request_is_overdue(data_request, today),
        "ack_late": data_request.acknowledged_on is None and data_request.acknowledge_by < today,
        "answer_late": data_request.answered_on is None and data_request.answer_by < today,
        "forms": forms,
    }
    return render(request, "privacy/request_detail.html", context, status=400 if refused is not None else 200)


@scoped(Capability.HANDLE_DATA_REQUESTS)
@require_GET
def request_detail(request: AppRequest, pk: int) -> HttpResponse:
    return _detail(request, _request_for(request, pk))


@scoped(Capability.HANDLE_DATA_REQUESTS)
@require_POST
def request_acknowledge(request: AppRequest, pk: int) -> HttpResponse:
    data_request = _request_for(request, pk)
    form = RequestAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            requests.request_acknowledge(actor=request.user, data_request=data_request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Acknowledgement recorded."))
            return redirect("privacy:request_detail", pk=data_request.pk)
    return _detail(request, data_request, form)


@scoped(Capability.HANDLE_DATA_REQUESTS)
@require_POST
def request_answer(request: AppRequest, pk: int) -> HttpResponse:
    data_request = _request_for(request, pk)
    form = RequestAnswerForm(request.POST)
    if form.is_valid():
        try:
            requests.request_answer(actor=request.user, data_request=data_request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Answer recorded: the request is closed."))
            return redirect("privacy:request_detail", pk=data_request.pk)
    return _detail(request, data_request, form)


def _export(request: AppRequest, pk: int, file_format: str) -> HttpResponse:
    """Everything held about the request's person, as a download logged as an export (at most
    THROTTLE_RATES["download"] files a user)."""
    refused = throttled(request, DownloadThrottle())
    if refused is not None:
        return refused
    data_request = _request_for(request, pk)
    person = data_request.person
    data = export.personal_data(person, actor=request.user)
    if file_format == "pdf":
        try:
            content = export.personal_data_pdf(data)
        except PdfUnavailable:  # no Pango on this machine: the JSON still works
            context = {"data_request": data_request, "person": person, "reason": pdf_unavailable()}
            return render(request, "privacy/export_unavailable.html", context, status=503)
        content_type = export.PDF_CONTENT_TYPE
    else:
        content = export.personal_data_json(data)
        content_type = export.JSON_CONTENT_TYPE
    filename = export.export_filename(person, file_format)
    return logged_download(
        request,
        obj=person,
        unit=person.unit,
        detail=f"{EXPORTED} ({file_format.upper()}), request {data_request.pk}: {filename}, {len(content)} bytes",
        content=content,
        content_type=content_type,
        filename=filename,
    )


@scoped(Capability.HANDLE_DATA_REQUESTS)
@require_GET
def request_export_json(request: AppRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "json")


@scoped(Capability.HANDLE_DATA_REQUESTS)
@require_GET
def request_export_pdf(request: AppRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "pdf")


urlpatterns: list[URLPattern] = [
    path("requests/", request_list, name="requests"),
    path("people/<int:person_pk>/requests/new/", request_add, name="request_add"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/acknowledge/", request_acknowledge, name="request_acknowledge"),
    path("requests/<int:pk>/answer/", request_answer, name="request_answer"),
    path("requests/<int:pk>/export.json", request_export_json, name="request_export_json"),
    path("requests/<int:pk>/export.pdf", request_export_pdf, name="request_export_pdf"),
]
