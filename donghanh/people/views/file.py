"""The person's file as a PDF ("In hồ sơ"), from the person's page.

Scoped as the page: a person outside the user's scope answers 404, and the file holds only what the page shows
the user (`people.person_file`). Every download leaves an export entry in the access log naming the sensitive parts
it held. A machine that cannot lay out PDFs answers with a page that says so (503), never an error.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.audit.downloads import logged_download
from donghanh.core.pdf import PdfUnavailable, pdf_unavailable
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.people import person_file
from donghanh.people.selectors import people_for_user


@scoped(Capability.VIEW_PEOPLE)
@require_GET
def person_file_pdf(request: AppRequest, pk: int) -> HttpResponse:
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    people = people_for_user(request.user).select_related("unit__parent", "permanent_unit__parent")
    person = get_object_or_404(people, pk=pk)
    made = person_file.person_file(request, person)
    try:
        content = person_file.person_file_pdf(made)
    except PdfUnavailable:
        context = {"person": person, "reason": pdf_unavailable()}  # what is missing, as the report page says it
        return render(request, "people/file/unavailable.html", context, status=503)
    filename = person_file.file_name(person)
    held = f": {', '.join(made.seen)}" if made.seen else ""
    return logged_download(
        request,
        obj=person,
        unit=person.unit,
        detail=f"{person_file.EXPORTED} {filename}{held}",
        content=content,
        content_type=person_file.PDF_CONTENT_TYPE,
        filename=filename,
    )
