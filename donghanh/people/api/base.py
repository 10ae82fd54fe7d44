"""API building blocks shared by every app's viewsets: capability-declared viewsets, sensitive reads that
write the access log, a person field limited to the people the user sees, service refusals as 400s.

Three rules hold for every `CapabilityViewSet`, so for the whole API:

- a write (POST, PUT, PATCH) names only the fields its request body documents: any other field,
  read-only ones included, answers 400 on that field ("this endpoint does not write this field"),
  pointing to the endpoint that writes it where there is one (`fields_written_elsewhere`);
- a wrong code (a choice field of a body, or of a filter) answers 400 naming the accepted codes;
- a text field given a number, a boolean, a list or an object answers 400 on that field (`core.api.non_text_errors`).

And one for every record that carries a version (`core.versions.Versioned`), so that no update is lost: its read
answers `ETag: "<version>"` and shows `version`; a PATCH or PUT names the version it read, in `If-Match` or as
`version` in the body. Without either it answers 428; with an older one, 412 and the record as it is now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, ErrorDetail
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.access import HasCapability
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.audit.services import access_log_record, access_log_record_many
from donghanh.core.api import IdRelatedField, non_text_errors
from donghanh.core.filters import MAX_ID
from donghanh.core.versions import StaleVersion, Versioned
from donghanh.people.models import Person
from donghanh.people.selectors import people_for_user

# Building blocks shared with the episodes API ---------------------------------------------------

READ_ACTIONS = frozenset({"list", "retrieve", "metadata"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Keys a browser form adds to a body, which no endpoint writes.
FORM_KEYS = frozenset({"csrfmiddlewaretoken"})


def user_of(request: Request) -> User:
    return cast(User, request.user)


def shared(context: Mapping[str, Any]) -> dict[str, Any]:
    """A serializer's context, which a list serializer and its rows share: where a page's reads are kept."""
    return cast(dict[str, Any], context)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's ValidationError becomes the API's 400 {field: [messages]}."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


def log_people_seen(request: Request, people: Iterable[Person], detail: str) -> None:
    """One access-log entry per person whose sensitive records the response shows."""
    access_log_record_many(
        actor=user_of(request), records=[(person, person.unit) for person in people], detail=detail, request=request
    )


class VisiblePersonField(IdRelatedField[Person]):
    """A person's id; only people in the user's scope are found."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Person]:
        return people_for_user(self.context["request"].user)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is the schema component `enum_name`, wherever it is used.

    The schema otherwise names a choice set after the fields that carry it, which clashes when one set
    is behind fields of different names (`death_source`, `source`) or one name is behind different sets
    (`end_reason` of a measure and of a roster period).
    """

    def __init__(self, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = cast(NamedChoiceField, self.target)
        choices = [(code, label) for code, label in field.choices.items() if code not in ("", None)]
        enum = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "enum": [code for code, _label in choices],
                "type": "string",
                "description": "\n".join(f"* `{code}` - {label}" for code, label in choices),
            },
        )
        auto_schema.registry.register_on_missing(enum)
        if not field.allow_blank:
            return enum.ref
        blank = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="BlankEnum", type=ResolvedComponent.SCHEMA, object="BlankEnum", schema={"enum": [""]}
        )
        auto_schema.registry.register_on_missing(blank)
        return {"oneOf": [enum.ref, blank.ref]}


# Versions: the precondition of an update ------------------------------------------------------

UPDATE_ACTIONS = frozenset({"update", "partial_update"})
# Actions whose answer is the record itself, with its version as the ETag.
RECORD_ACTIONS = frozenset({"retrieve", "create", *UPDATE_ACTIONS})
QUOTED_VERSION = re.compile(r'(?:W/)?"([0-9]{1,10})"')


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Say which version of the record you changed: send If-Match with the ETag your read returned, "
        "or `version` in the body."
    )
    default_code = "precondition_required"


def etag(version: int) -> str:
    return f'"{version}"'


def requested_version(request: Request) -> int:
    """The version an update was read at: If-Match (an ETag of a read) or the body's `version`."""
    header = request.headers.get("If-Match")
    body = request.data.get("version") if isinstance(request.data, Mapping) else None
    if header is None and body is None:
        raise PreconditionRequired
    from_header = from_body = None
    if header is not None:
        match = QUOTED_VERSION.fullmatch(header.strip())
        if match is None or not 0 < int(match.group(1)) <= MAX_ID:
            raise serializers.ValidationError(
                {"If-Match": [_('Send the ETag a read of this record returned, such as "3".')]}
            )
        from_header = int(match.group(1))
    if body is not None:
        try:
            from_body = serializers.IntegerField(min_value=1, max_value=MAX_ID).run_validation(body)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"version": error.detail}) from error
    if from_header is not None and from_body is not None and from_header != from_body:
        raise serializers.ValidationError({"version": [_("The version differs from the one in If-Match.")]})
    return cast(int, from_header if from_header is not None else from_body)


# Fields a write does not take, and codes that are not accepted -------------------------------


def written_fields(serializer: serializers.BaseSerializer[Any]) -> set[str] | None:
    """The fields a request body may name for this serializer (None: not an object serializer)."""
    fields = getattr(serializer, "fields", None)
    if fields is None:
        return None
    return {
        name for name, field in fields.items() if not field.read_only and not isinstance(field, serializers.HiddenField)
    }


def unwritten_field_errors(
    data: Any, writable: set[str], elsewhere: Mapping[str, str], pk: str | None
) -> dict[str, list[str]]:
    """{field: [message]} for each key of the body that the endpoint does not write."""
    if not isinstance(data, Mapping):
        return {}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(data) - writable - FORM_KEYS):
        endpoint = elsewhere.get(key)
        if endpoint:
            message = _("This endpoint does not write this field; use %(endpoint)s.") % {
                "endpoint": endpoint.replace("{id}", pk or "{id}")
            }
        elif writable:
            message = _("This endpoint does not write this field. It writes: %(fields)s.") % {
                "fields": ", ".join(sorted(writable))
            }
        else:
            message = _("This endpoint does not write this field: it takes no fields.")
        errors[str(key)] = [message]
    return errors


def accepted_codes(field: Any) -> list[str] | None:
    """The codes a choice field (of a serializer or of a filter's form) accepts; None for other fields."""
    if isinstance(field, serializers.ChoiceField):
        return [str(code) for code in field.choices if code not in ("", None)]
    if isinstance(field, forms.ChoiceField):
        codes: list[str] = []
        for code, label in cast(Iterable[tuple[Any, Any]], field.choices):
            if isinstance(label, (list, tuple)):  # a group of choices
                codes += [str(inner) for inner, _label in label]
            elif code not in ("", None):
                codes.append(str(code))
        return codes
    return None


def _sent(data: Any, key: Any) -> Any:
    """What the body or the query string gave for `key` (a list when a form or query string repeats it)."""
    if hasattr(data, "getlist"):
        values = data.getlist(key)
        return values[0] if len(values) == 1 else values
    return data.get(key) if isinstance(data, Mapping) else None


def explain_codes(detail: Any, field: Any, sent: Any) -> Any:
    """The error `detail` with each "invalid choice" of a choice field saying which codes are accepted.

    `field` is the serializer field (or form field) the detail is about, `sent` what was sent for it.
    """
    if isinstance(detail, list) and all(isinstance(item, ErrorDetail) for item in detail):
        codes = accepted_codes(field)
        if codes is None:
            return detail
        values = sent if isinstance(sent, (list, tuple)) else [sent]
        wrong = next((value for value in values if str(value) not in codes), values[0] if values else "")
        message = _("“%(value)s” is not a valid choice. Accepted: %(codes)s.") % {
            "value": wrong,
            "codes": ", ".join(codes),
        }
        return [ErrorDetail(message, code=item.code) if item.code == "invalid_choice" else item for item in detail]
    if isinstance(detail, dict) and isinstance(field, serializers.Serializer):
        return {key: explain_codes(sub, field.fields.get(key), _sent(sent, key)) for key, sub in detail.items()}
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if child is not None and isinstance(sent, list):  # rows of a list: errors by index, or a list of them
        rows = detail.items() if isinstance(detail, dict) else enumerate(detail)
        explained = {
            index: explain_codes(sub, child, sent[index] if isinstance(index, int) and index < len(sent) else None)
            for index, sub in rows
        }
        return explained if isinstance(detail, dict) else list(explained.values())
    return detail


class WriteRulesSchema(AutoSchema):
    """Says, on every write, that fields other than those of the body are refused, and where they are written."""

    def get_description(self) -> str:  # type: ignore[override]
        description = super().get_description()
        if self.method not in WRITE_METHODS:
            return description
        notes = [_("Fields other than those of the request body (read-only ones included) are refused with 400.")]
        elsewhere = getattr(self.view, "fields_written_elsewhere", {})
        if elsewhere:
            notes += [
                _("%(field)s: use %(endpoint)s.") % {"field": name, "endpoint": endpoint}
                for name, endpoint in sorted(elsewhere.items())
            ]
        return "\n\n".join([description, " ".join(notes)]) if description else " ".join(notes)

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        view = self.view
        if self.method in ("PUT", "PATCH") and isinstance(view, CapabilityViewSet) and view.versioned():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=gettext_lazy(
                        'The ETag a read of the record returned, such as "3" (or send `version` in the body). '
                        "An older version answers 412 with the record as it is now; neither answers 428."
                    ),
                )
            )
        return parameters


class CapabilityViewSet[M: Model](viewsets.GenericViewSet[M]):
    """`capability` declares the reads (and is what the URL walk reads); writes need `write_capability`.

    HasCapability reads `view.capability`, so the capability of the action at hand is put there
    before the permissions are checked; `action_capabilities` names the actions that need another one.
    A write body naming a field the action's serializer does not write answers 400 on that field;
    `fields_written_elsewhere` ({field: "POST /api/v1/…/{id}/…/"}) says where such a field is written.
    """

    capability: Capability
    write_capability: Capability
    action_capabilities: ClassVar[dict[str, Capability]] = {}
    fields_written_elsewhere: ClassVar[dict[str, str]] = {}
    read_serializer_class: type[serializers.BaseSerializer[Any]]
    permission_classes = [HasCapability]
    schema = WriteRulesSchema()
    # The version an update names (If-Match or the body's `version`), for the service's `expected_version`.
    expected_version: int | None = None

    @classmethod
    def versioned(cls) -> bool:
        """Whether the records of this viewset carry a version (the model of its read serializer)."""
        meta = getattr(getattr(cls, "read_serializer_class", None), "Meta", None)
        model = getattr(meta, "model", None)
        return isinstance(model, type) and issubclass(model, Versioned)

    def get_permissions(self) -> Any:
        if self.action not in READ_ACTIONS:
            self.capability = self.write_capability
        self.capability = self.action_capabilities.get(self.action or "", self.capability)
        return super().get_permissions()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in WRITE_METHODS and self.action is not None:  # no action: 405 follows
            self.refuse_unwritten_fields(request)
            self.refuse_non_text(request)

    def refuse_non_text(self, request: Request) -> None:
        """A number, a boolean, a list or an object given for a text field: 400 on the field, not turned to text."""
        errors = non_text_errors(self.get_serializer_class()(context=self.get_serializer_context()), request.data)
        if errors:
            raise serializers.ValidationError(errors)

    def get_object(self) -> M:
        """The record in the user's scope (404 otherwise); for an update, the version it names (428 without one)."""
        obj = super().get_object()
        if self.action in UPDATE_ACTIONS and self.versioned():
            self.expected_version = requested_version(self.request)
        return obj

    def body_fields(self) -> set[str] | None:
        """The fields the action's request body may name (None: the body is not an object)."""
        writable = written_fields(self.get_serializer_class()(context=self.get_serializer_context()))
        if writable is not None and self.action in UPDATE_ACTIONS and self.versioned():
            writable.add("version")  # the version read, which the precondition takes (not a field written)
        return writable

    def refuse_unwritten_fields(self, request: Request) -> None:
        writable = self.body_fields()
        if writable is None:
            return
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        errors = unwritten_field_errors(request.data, writable, self.fields_written_elsewhere, pk)
        if errors:
            raise serializers.ValidationError(errors)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, StaleVersion):  # changed since it was read: nothing written, here is what it is now
            return self.respond(cast(M, exc.instance), status.HTTP_412_PRECONDITION_FAILED)
        if isinstance(exc, serializers.ValidationError) and isinstance(exc.detail, dict):
            exc.detail = self.explain_codes(exc.detail)
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """A record's answer (read, created, updated, or refused as stale) carries its version as the ETag."""
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            getattr(self, "action", None) in RECORD_ACTIONS
            and response.status_code in (200, 201, 412)
            and isinstance(data, Mapping)
            and isinstance(data.get("version"), int)
        ):
            response["ETag"] = etag(data["version"])
        return response

    def explain_codes(self, detail: dict[str, Any]) -> Any:
        """Invalid choices of the body (writes) or of the filters (reads), with the accepted codes."""
        request = self.request
        if request.method in SAFE_METHODS:
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is None:
                return detail
            form = filterset_class(request.query_params, request=request).form
            return {
                key: explain_codes(sub, form.fields.get(key), _sent(request.query_params, key))
                for key, sub in detail.items()
            }
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        return explain_codes(detail, serializer, request.data)

    def respond(self, obj: M, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as a read shows it, fetched again through the scoped queryset."""
        fresh = self.get_queryset().get(pk=obj.pk)
        serializer = self.read_serializer_class(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


class SensitiveReadViewSet[M: Model](CapabilityViewSet[M]):
    """List and retrieve records of people, logging each person shown (Law 91/2025)."""

    access_detail: str

    def person_of(self, obj: M) -> Person:
        return cast(Person, obj.person)  # type: ignore[attr-defined]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page or [])
        log_people_seen(request, [self.person_of(row) for row in rows], self.access_detail)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        person = self.person_of(obj)
        access_log_record(
            actor=user_of(request), obj=person, detail=self.access_detail, unit=person.unit, request=request
        )
        return Response(self.get_serializer(obj).data)
