"""Pages of imports: the list, uploading a file, its check's preview, decisions, applying and undoing.

The check and the writing run in the task worker; the detail page shows a panel that polls its status every
second with htmx until the preview is ready, then the counts, every error, the possible matches and the rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.http import attachment
from donghanh.core.pagination import paginate
from donghanh.imports import selectors, services
from donghanh.imports.blank import template_workbook
from donghanh.imports.choices import BUSY, ImportKind, ImportStatus, RowAction
from donghanh.imports.forms import DecisionsForm, ImportForm
from donghanh.imports.models import ImportBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = (RowAction.ERROR, RowAction.MATCH, RowAction.CREATE, RowAction.UPDATE, RowAction.UNCHANGED)
TEMPLATE_NAMES = {
    ImportKind.PEOPLE: "mau-nhap-nguoi.xlsx",
    ImportKind.VOLUNTEERS: "mau-nhap-tinh-nguyen-vien.xlsx",
    ImportKind.SERVICES: "mau-nhap-dich-vu.xlsx",
}


@scoped(Capability.IMPORT_RECORDS)
@require_GET
def import_list(request: AppRequest) -> HttpResponse:
    page = paginate(request, selectors.imports_for_user(request.user))
    return render(request, "imports/import_list.html", {"page": page, "kinds": ImportKind.choices})


@scoped(Capability.IMPORT_RECORDS)
@require_GET
def template_download(request: AppRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    return attachment(template_workbook(kind), XLSX, TEMPLATE_NAMES[ImportKind(kind)])


@scoped(Capability.IMPORT_RECORDS)
@require_http_methods(["GET", "POST"])
def import_new(request: AppRequest) -> HttpResponse:
    units = selectors.import_units(request.user)
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in ImportKind.values else ImportKind.PEOPLE}
    form = ImportForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                file_name=upload.name or "",
                content=upload.read(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "file" in error.error_dict:
                form.add_error("file", error.error_dict["file"])
            else:
                form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            return redirect("imports:detail", batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/import_new.html", {"form": form, "kinds": ImportKind.choices}, status=status)


def _detail_context(request: AppRequest, batch: ImportBatch) -> dict[str, object]:
    scope = scope_for(request.user)
    show = request.GET.get("show", "")
    if show not in SHOWN:
        show = (
            RowAction.ERROR
            if batch.count(RowAction.ERROR)
            else (RowAction.MATCH if batch.count(RowAction.MATCH) else "")
        )
    entries = [entry for entry in batch.preview if not show or entry.get("action") == show]
    matches = [entry for entry in batch.preview if entry.get("action") == RowAction.MATCH]
    return {
        "batch": batch,
        "busy": batch.status in BUSY,
        "step": batch.progress // 5 * 5,
        "show": show,
        "tabs": [(action, RowAction(action).label, batch.count(action)) for action in SHOWN],
        "page": paginate(request, entries),
        "matches": matches,
        "earlier": list(selectors.earlier_imports(batch)[:3]),
        "may_apply": batch.status == ImportStatus.CHECKED
        and not batch.count(RowAction.ERROR)
        and not batch.count(RowAction.MATCH),
        "may_undo": batch.status == ImportStatus.APPLIED
        and scope.can_at(Capability.UNDO_IMPORTS, batch.unit.path)
        and bool(batch.result.get("created") or batch.result.get("updated")),
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@scoped(Capability.IMPORT_RECORDS)
@require_GET
def import_detail(request: AppRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for_user(request.user, pk)
    template = "imports/import_detail.html#rows" if request.htmx else "imports/import_detail.html"
    return _no_store(render(request, template, _detail_context(request, batch)))


@scoped(Capability.IMPORT_RECORDS)
@require_GET
def import_status(request: AppRequest, pk: int) -> HttpResponse:
    """The status panel alone, polled while the worker checks or applies; the whole page once it is done."""
    batch = selectors.import_for_user(request.user, pk, heavy=False)
    if batch.status in BUSY:
        return _no_store(
            render(
                request,
                "imports/import_detail.html#panel",
                {"batch": batch, "busy": True, "step": batch.progress // 5 * 5},
            )
        )
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("imports:detail", args=[batch.pk])
    return response


@scoped(Capability.IMPORT_RECORDS)
@require_POST
def import_decide(request: AppRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for_user(request.user, pk)
    matches = [entry for entry in batch.preview if entry.get("action") == RowAction.MATCH and not entry.get("same_as")]
    form = DecisionsForm(request.POST, matches=matches)
    if form.is_valid() and form.decisions():
        try:
            services.import_decide(actor=request.user, batch=batch, decisions=form.decisions())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.warning(request, _("Choose the registered person or “another person” for at least one row."))
    return redirect("imports:detail", batch.pk)


@scoped(Capability.IMPORT_RECORDS)
@require_POST
def import_apply(request: AppRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for_user(request.user, pk)
    try:
        services.import_apply_request(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", batch.pk)


@scoped(Capability.UNDO_IMPORTS)
@require_POST
def import_undo(request: AppRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for_user(request.user, pk)
    try:
        services.import_undo_request(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("imports:detail", batch.pk)
