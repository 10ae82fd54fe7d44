"""Everything held about one person, for a data-subject request (Law 91/2025/QH15): as JSON and as a PDF.

The models are walked generically (`django.apps.apps.get_models()`), so a record kind added later is exported
without a change here:

- the person's own row, and the rows of duplicate records merged into it;
- every model with a foreign key (or one-to-one key) to `people.Person`: the rows pointing at the person;
- every model with a foreign key to one of those: the rows hanging off the person's rows (the results of their
  drug tests, the events of their referrals, the attendance of their memberships, the goals of their plans).

Change history (the historical models) is left out: it repeats earlier values of the same rows. The access log
is not a record about the person but about who read one: it is given as its own part, "who viewed or exported
this person's data" (the entries naming one of the rows exported).

Each part is a model's rows: its verbose plural name, each field's verbose name, and display values (a choice
as its label, a date as dd/mm/yyyy, a time in local time, a link to another record as that record's name). Keyed
hashes kept for lookups (`LookupHashField`) are not values of the person's and are left out; the key to the
person is implied.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from donghanh.core.crypto import LookupHashField
from donghanh.core.pdf import html_to_pdf
from donghanh.people.models import Person
from donghanh.privacy.kinds import KIND_LABELS, kind_of

PDF_CONTENT_TYPE = "application/pdf"
JSON_CONTENT_TYPE = "application/json"
# Models that are not records about a person even though they name one: the log of who read what.
NOT_RECORDS = frozenset({"audit.accesslogentry"})
KIND_ORDER = list(KIND_LABELS)


def is_historical(model: type[models.Model]) -> bool:
    """A change-history model of django-simple-history (its rows are earlier values of another model's)."""
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


def _links(model: type[models.Model], targets: Iterable[type[models.Model]]) -> list[models.ForeignKey[Any, Any]]:
    wanted = set(targets)
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in wanted  # OneToOneField is a ForeignKey
    ]


@dataclass(frozen=True)
class PersonalModel:
    """A model holding rows about a person, and how a row reaches the person (ORM lookups, any of them)."""

    model: type[models.Model]
    lookups: tuple[str, ...]
    parent: str = ""  # the label of the model a row hangs off (one step further), "" for the person's own rows

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def kind(self) -> str | None:
        return kind_of(self.label)

    def rows_of(self, person: Person) -> models.QuerySet[Any]:
        where = Q()
        for lookup in self.lookups:
            where |= Q(**{lookup: person.pk})
        manager = self.model._base_manager  # the person's whole record, whoever may read which part of it
        return manager.filter(where).order_by("pk")


@functools.cache
def personal_models() -> tuple[PersonalModel, ...]:
    """People, the models pointing at people, and the models pointing at those: the person's own first, then by
    kind of record (`kinds.KIND_LABELS`), then the rows worked out from the others (reports)."""
    candidates = [
        m
        for m in apps.get_models()
        if not is_historical(m) and not m._meta.proxy and m._meta.label_lower not in NOT_RECORDS
    ]
    first = [
        PersonalModel(m, tuple(f.name for f in _links(m, [Person])))
        for m in candidates
        if m is not Person and _links(m, [Person])
    ]
    by_model = {pm.model: pm for pm in first}
    further = []
    for m in candidates:
        if m is Person or m in by_model:
            continue
        links = _links(m, by_model)
        if links:
            lookups = tuple(f"{f.name}__{lookup}" for f in links for lookup in by_model[f.related_model].lookups)
            further.append(PersonalModel(m, lookups, parent=links[0].related_model._meta.label_lower))
    own = PersonalModel(Person, ("pk", "merged_into"))

    def order(pm: PersonalModel) -> tuple[int, str, bool, str]:
        """By kind, each model followed by the models hanging off it."""
        kind = pm.kind
        return (
            KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER),
            pm.parent or pm.label,
            bool(pm.parent),
            pm.label,
        )

    return (own, *sorted([*first, *further], key=order))


def exported_fields(pm: PersonalModel) -> list[models.Field[Any, Any]]:
    """The fields a part shows: every stored field but the keys to the person and the lookup hashes."""
    links = {f.name for f in _links(pm.model, [Person])} if pm.model is not Person else set()
    return [f for f in pm.model._meta.concrete_fields if f.name not in links and not isinstance(f, LookupHashField)]


def display(obj: models.Model, f: models.Field[Any, Any]) -> str:
    """A value as a reader sees it: a choice's label, dd/mm/yyyy, local time, a linked record's name."""
    if isinstance(f, models.ForeignKey):
        related = getattr(obj, f.name)
        return "" if related is None else str(related)
    value = getattr(obj, f.attname)
    if value is None or value == "":
        return ""
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class Part:
    """One model's rows about the person."""

    label: str
    title: str
    kind: str
    fields: list[tuple[str, str]]  # (name, verbose name)
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each row as (verbose name, value) pairs, for the PDF."""
        return [[(verbose, row[name]) for name, verbose in self.fields] for row in self.rows]


@dataclass
class PersonalData:
    person: Person
    generated_at: datetime.datetime
    generated_by: str
    parts: list[Part]
    access_log: Part

    def as_json(self) -> dict[str, Any]:
        def part(p: Part) -> dict[str, Any]:
            return {"title": p.title, "kind": p.kind, "fields": dict(p.fields), "rows": p.rows}

        return {
            "person": {"id": self.person.pk, "code": self.person.code, "full_name": self.person.full_name},
            "generated_at": f"{timezone.localtime(self.generated_at):%d/%m/%Y %H:%M}",
            "generated_by": self.generated_by,
            "records": {p.label: part(p) for p in self.parts},
            "access_log": part(self.access_log),
        }


def _part(pm: PersonalModel, person: Person) -> tuple[Part, list[models.Model]]:
    chosen = exported_fields(pm)
    related = [f.name for f in chosen if isinstance(f, models.ForeignKey)]
    rows = pm.rows_of(person)
    objects = list(rows.select_related(*related) if related else rows)
    kind = pm.kind
    part = Part(
        label=pm.label,
        title=str(capfirst(pm.model._meta.verbose_name_plural)),
        kind=str(KIND_LABELS[kind]) if kind else "",
        fields=[(f.name, str(capfirst(f.verbose_name))) for f in chosen],
        rows=[{f.name: display(obj, f) for f in chosen} for obj in objects],
    )
    return part, objects


def _access_log(exported: list[tuple[type[models.Model], list[models.Model]]]) -> Part:
    from donghanh.audit.models import AccessLogEntry

    where = Q(pk__in=[])
    for model, objects in exported:
        if objects:
            content_type = ContentType.objects.get_for_model(model)
            where |= Q(content_type=content_type, object_id__in=[str(o.pk) for o in objects])
    entries = AccessLogEntry.objects.filter(where).select_related("user").order_by("at", "pk")
    columns = [
        ("at", _("Time")),
        ("by", _("By")),
        ("action", _("Action")),
        ("record", _("Record")),
        ("detail", _("What was seen")),
    ]
    rows = [
        {
            "at": f"{timezone.localtime(e.at):%d/%m/%Y %H:%M}",
            "by": (e.user.full_name or e.user.username) if e.user else e.username,
            "action": str(e.get_action_display()),
            "record": e.object_repr,
            "detail": e.detail,
        }
        for e in entries
    ]
    return Part(
        label="audit.accesslogentry",
        title=_("Who viewed or exported this person's data"),
        kind="",
        fields=[(name, str(verbose)) for name, verbose in columns],
        rows=rows,
    )


def personal_data(person: Person, *, actor: Any) -> PersonalData:
    """Everything held about `person` (and the records merged into theirs), read now."""
    parts = []
    exported: list[tuple[type[models.Model], list[models.Model]]] = []
    for pm in personal_models():
        part, objects = _part(pm, person)
        parts.append(part)
        exported.append((pm.model, objects))
    return PersonalData(
        person=person,
        generated_at=timezone.now(),
        generated_by=getattr(actor, "full_name", "") or getattr(actor, "username", ""),
        parts=parts,
        access_log=_access_log(exported),
    )


def personal_data_json(data: PersonalData) -> bytes:
    return json.dumps(data.as_json(), ensure_ascii=False, indent=2).encode("utf-8")


def personal_data_pdf(data: PersonalData) -> bytes:
    """The same as an A4 PDF: each record kind a heading, each row a table of field and value.

    Raises PdfUnavailable on a machine without Pango, which the page reports."""
    context = {
        "data": data,
        "generated_at": f"{timezone.localtime(data.generated_at):%d/%m/%Y %H:%M}",
        "page_label": _("Page").replace("\\", "").replace('"', ""),
    }
    return html_to_pdf(
        render_to_string("privacy/export_pdf.html", context), render_to_string("privacy/export_pdf.css", context)
    )


def export_filename(person: Person, extension: str) -> str:
    return f"du-lieu-ca-nhan-{person.code}-{timezone.localdate():%Y%m%d}.{extension}"
