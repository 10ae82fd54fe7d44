"""Form pieces shared by every app: Bootstrap rendering, dates typed dd/mm/yyyy, texts bounded as their model field,
service refusals on fields."""

from __future__ import annotations

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


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    """A date typed as dd/mm/yyyy, or as the other DATE_INPUT_FORMATS allow (ddmmyyyy, d/m/yy…)."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"invalid": _("Type the date as dd/mm/yyyy.")},
        **kwargs,
    )


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
