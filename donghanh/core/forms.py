"""Form pieces shared by every app: Bootstrap rendering, dates typed dd/mm/yyyy (or picked on a calendar), searchable
multiple choices, the count of a list's filters in use, texts bounded as their model field, service refusals on
fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Field, Model
from django.forms.boundfield import BoundField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class BootstrapBoundField(BoundField):
    """Renders its widget with Bootstrap's classes, marked invalid when the field has errors."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.HiddenInput):
            return attrs
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), css]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(name for name in classes if name))
        return attrs


class AppForm(forms.Form):
    """A form that only parses what was typed; the services decide what is valid."""

    bound_field_class = BootstrapBoundField


class DatePickerInput(forms.DateInput):
    """A date typed on a phone's number pad (`inputmode="numeric"`: 06122026 is read as 06/12/2026), with a calendar
    button beside it that `donghanh/inputs.js` adds to every field marked `data-datepicker` (its value labels the
    button). The calendar only writes dd/mm/yyyy into the field; what was typed is read by the server."""

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "autocomplete": "off",
            "inputmode": "numeric",
            "data-datepicker": _("Choose on a calendar"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format)


class SearchableSelectMultiple(forms.SelectMultiple):
    """A list of choices to pick several from, searched by typing (Tom Select, started by `donghanh/inputs.js` on
    `data-searchable-select`); without JavaScript, the browser's own list."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        defaults = {
            "data-searchable-select": "",
            "data-placeholder": _("Type to choose"),
            "data-no-results": _("No match"),
            "data-remove-label": _("Remove"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, choices=choices)


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    """A date typed as dd/mm/yyyy, or as the other DATE_INPUT_FORMATS allow (ddmmyyyy, d/m/yy…), or picked on a
    calendar."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DatePickerInput(),
        error_messages={"invalid": _("Type the date as dd/mm/yyyy.")},
        **kwargs,
    )


def filters_in_use(form: forms.BaseForm, names: Iterable[str], *, defaults: Mapping[str, str] | None = None) -> int:
    """How many of a list's filters (`names`, fields of the bound `form`) hold a value other than their default: the
    count on the "Filters" button of a folded filter panel. A multiple choice counts once."""
    if not form.is_bound:
        return 0
    defaults = defaults or {}
    used = 0
    for name in names:
        values = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name)]
        chosen = [str(value).strip() for value in values if value is not None and str(value).strip()]
        if chosen and chosen != [defaults.get(name)]:
            used += 1
    return used


def text_area(model: type[Model], name: str, *, rows: int = 3, **kwargs: Any) -> forms.CharField:
    """A text the model keeps (notes, a reason), typed in a text area: labelled, required and bounded as the model
    field is, so that a text too long is refused on the field with the limit (and the browser stops at it)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.max_length, f"{model.__name__}.{name} needs a max_length"
    kwargs.setdefault("required", not field.blank)
    kwargs.setdefault("label", capfirst(field.verbose_name))
    return forms.CharField(max_length=field.max_length, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal onto the form: messages on the fields they name, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
