"""Versions of editable records, so that no one overwrites a change they have not seen (no lost update).

A record that an edit page or an API PATCH changes inherits `Versioned`: a `version` that starts at 1 and grows
by one with every save that goes through `core.history.recorded_save` (or `version_next`). Its change history
records the version of each change.

An update service takes `expected_version`, the version the caller read, and calls `version_claim` first in its
transaction: the row is locked and a different version raises `StaleVersion`. The API answers it with 412 and
the record as it is now (`people.api.base.CapabilityViewSet`); an edit page shows who changed what meanwhile
(`changes_since`, `version_conflict`) and keeps what was typed, with the form now at the current version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """An editable record: its `version` grows with every change, and an update names the version it read."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleVersion(Exception):
    """The record changed after the caller read it: `current` is its version now."""

    def __init__(self, instance: models.Model, current: int) -> None:
        super().__init__(f"{type(instance).__name__} {instance.pk}: version {current} is current")
        self.instance = instance
        self.current = current


def is_versioned(instance: Any) -> bool:
    return isinstance(instance, Versioned)


def version_claim(instance: Versioned, expected_version: int | None) -> None:
    """Lock the record's row for the transaction; StaleVersion when its version is not `expected_version`.

    None means the caller read nothing to compare with (data loads, the demo): the row is locked all the same.
    The instance takes the row's version, so the save that follows writes the next one.
    """
    current = (
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("version", flat=True)
    ).get()
    if expected_version is not None and current != expected_version:
        raise StaleVersion(instance, current)
    instance.version = current


def version_next(instance: Any) -> None:
    """Before saving a versioned record that exists already: its next version."""
    if is_versioned(instance) and not instance._state.adding:
        instance.version += 1


# Pages: who changed what since the form was loaded ----------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Changes made to a record between the version a form was loaded at and the current one."""

    version: int
    who: str
    when: datetime.datetime | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def notice(self) -> str:
        when = date_format(timezone.localtime(self.when), "d/m/Y H:i") if self.when else "—"
        return gettext("The record was changed by %(user)s at %(time)s while you were editing it.") % {
            "user": self.who,
            "time": when,
        }


def _shown(record: Any, name: str, value: Any) -> str:
    """A field's value of a history row, as a person reads it."""
    if value is None or value == "":
        return "—"
    model_field = record.instance_type._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):  # an ArrayField or a many-valued field
        return ", ".join(str(item) for item in value)
    return str(value)


def changes_since(instance: Any, loaded_version: int) -> Conflict:
    """Who changed the record after `loaded_version`, when last, and each field: (label, then, now)."""
    history = type(instance).history.filter(**{type(instance)._meta.pk.name: instance.pk})
    base = history.filter(version__lte=loaded_version).order_by("-history_date", "-history_id").first()
    later = list(
        history.filter(version__gt=loaded_version).select_related("history_user").order_by("history_date", "history_id")
    )
    if not later:
        return Conflict(version=instance.version, who="—", when=None)
    last = later[-1]
    names = list(dict.fromkeys(str(row.history_user) for row in later if row.history_user is not None))
    changes: list[tuple[str, str, str]] = []
    if base is not None:
        for change in last.diff_against(base, excluded_fields=["version"]).changes:  # not the counter itself
            label = str(instance._meta.get_field(change.field).verbose_name)
            then, now = _shown(last, change.field, change.old), _shown(last, change.field, change.new)
            changes.append((label[:1].upper() + label[1:], then, now))
    return Conflict(version=last.version, who=", ".join(names) or "—", when=last.history_date, changes=changes)


def with_version[F: forms.BaseForm](form: F, instance: Versioned | None) -> F:
    """The edit form of `instance`, carrying (hidden) the version it was loaded at: 0 for a record not made yet
    (a one-to-one record such as a person's health status, which the first save makes).

    A form posted without it counts as loaded at no version: it saves nothing and shows what changed.
    """
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    form.initial["version"] = instance.version if instance is not None else 0
    return form


def edited(form: forms.BaseForm) -> dict[str, Any]:
    """What the form cleaned, without the version it carries."""
    return edited_fields(form.cleaned_data)


def edited_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a record an edit form gives, without the version it carries."""
    return {name: value for name, value in fields.items() if name != "version"}


def loaded_version(form: forms.BaseForm) -> int:
    """The version the form was loaded at: 0 (older than any) when the form did not carry one."""
    return int(form.cleaned_data.get("version") or 0)


def version_conflict(form: forms.BaseForm, stale: StaleVersion) -> Conflict:
    """The changes the user has not seen; the form keeps what was typed and now carries the current version.

    Saving the same form again (once the user has looked) is then an update of the current version.
    """
    conflict = changes_since(stale.instance, loaded_version(form))
    data: QueryDict | dict[str, Any] = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data[form.add_prefix("version")] = str(stale.current)
    form.data = data
    return Conflict(version=stale.current, who=conflict.who, when=conflict.when, changes=conflict.changes)
