"""A person's file as a PDF ("In hồ sơ"): the record laid out as an official document, A4 portrait, page numbers.

The file holds what the person's page shows the viewer and nothing more: identity and residence, then the parts the
apps above register (`people.extensions.person_file_part_register`: legal measures, case work, services), each asking
the right its section of the page asks, and the registry's own sensitive records (`people.sensitive`) at
50. The words of what was seen go into the download's access-log entry, written by the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.http import AppRequest
from donghanh.core.pdf import html_to_pdf
from donghanh.people.extensions import person_file_parts
from donghanh.people.models import Person
from donghanh.people.sensitive import sensitive_records

PDF_CONTENT_TYPE = "application/pdf"
# What the access log says was exported: stable English words, whatever the viewer's language.
EXPORTED = "person file (PDF)"
OWN_SENSITIVE_ORDER = 50  # where the registry's drug use and health come among the parts, as on the page
OWN_SENSITIVE_TEMPLATE = "people/file/_sensitive.html"


@dataclass
class PersonFile:
    """What the file shows and the words of the sensitive parts it holds."""

    context: dict[str, Any]
    seen: list[str] = field(default_factory=list)


def file_name(person: Person) -> str:
    """`ho-so-DH0000123.pdf`: the person's code only, ASCII, never their name."""
    return f"ho-so-{person.code}.pdf"


def person_file(request: AppRequest, person: Person) -> PersonFile:
    """The file of `person` as `request.user` may see it on the person's page."""
    user = request.user
    now = timezone.localtime()
    context: dict[str, Any] = {
        "person": person,
        "age": person.age_on(now.date()),
        "whereabouts_now": person.whereabouts_records.order_by("-since", "-pk").first(),
        "printed_on": f"{now:%d/%m/%Y}",
        "printed_at": f"{now:%H:%M}",
        "printed_by": getattr(user, "full_name", "") or user.get_username(),
        # Inside CSS strings (the page's margins): no backslash or quote.
        "page_label": _("Page").replace("\\", "").replace('"', ""),
        "confidential": _("Personal data: keep confidential").replace("\\", "").replace('"', ""),
        "parts": [],
    }
    shown: list[tuple[int, str, list[str]]] = []
    for part in person_file_parts():
        values = part.context(request, person)
        if values is not None:
            context.update(values.values)
            shown.append((part.order, part.template, values.seen))
    own = sensitive_records(user, person)
    context.update(own.values)
    if own.seen:
        shown.append((OWN_SENSITIVE_ORDER, OWN_SENSITIVE_TEMPLATE, own.seen))
    shown.sort(key=lambda s: s[0])
    context["parts"] = [template for _order, template, _seen in shown]
    return PersonFile(context=context, seen=[word for _order, _template, words in shown for word in words])


def person_file_pdf(made: PersonFile) -> bytes:
    """The file as an A4 portrait PDF with page numbers; PdfUnavailable on a machine that cannot make one."""
    return html_to_pdf(
        render_to_string("people/file/person_file.html", made.context),
        render_to_string("people/file/person_file.css", made.context),
    )
