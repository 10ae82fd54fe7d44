"""What the OpenAPI schema says of a field where drf-spectacular, left alone, would say less than the API answers.

- A read-only field over a model field that may be blank (a choice not made, an email not given) answers "": DRF
  drops `allow_blank` from the read-only fields of a ModelSerializer, so the schema would refuse the blank. These
  extensions document it as the field's own `allow_blank` would (`BlankEnum` beside a choice set, `maxLength: 0`
  beside an email or a link).
- A field left out of some rows (drug use, for a role that may not see it) is marked with `MAY_BE_ABSENT`; the
  `may_be_absent` hook then takes it out of the answer's `required`, where spectacular puts every read-only field.

The extensions register when this module is imported (`CoreConfig.ready`).
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

MAY_BE_ABSENT = "x-may-be-absent"


def blank_in_model(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    """Whether a read-only field shows a model field that may be blank (so may answer "")."""
    if not field.read_only or getattr(field, "allow_blank", False) or "." in (field.source or ""):
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class BlankChoiceSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = serializers.ChoiceField
    match_subclasses = True
    priority = -1  # a field's own extension (NamedChoiceField) comes first

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        if blank_in_model(field) and not isinstance(field, serializers.MultipleChoiceField):
            field = copy.copy(field)
            field.allow_blank = True
        return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)


class BlankFormattedTextSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = serializers.CharField  # emails and links: a format "" does not meet
    match_subclasses = True
    priority = -1

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if blank_in_model(self.target) and "format" in schema:
            outer = {"readOnly", "writeOnly", "nullable", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema


def may_be_absent(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A postprocessing hook: properties marked MAY_BE_ABSENT are not required in the components that have them."""
    for component in result.get("components", {}).get("schemas", {}).values():
        properties = component.get("properties", {})
        marked = {name for name, prop in properties.items() if prop.pop(MAY_BE_ABSENT, False)}
        if marked and "required" in component:
            component["required"] = [name for name in component["required"] if name not in marked]
            if not component["required"]:
                del component["required"]
    return result
