"""Text in request bodies is text, and bounded: every text field a write of the API takes has a max length (shown
in the schema as maxLength), and a number, a boolean, a list or an object given for one answers 400 on the field
instead of being turned into text. Every text field of a form has a max length too, with the limit in its message."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
import yaml
from django import forms
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

import donghanh
from donghanh.accounts.forms import LoginForm
from donghanh.accounts.roles import Role
from donghanh.core.api import NOT_TEXT, non_text_errors
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_access import ROUTES
from donghanh.people.api.base import CapabilityViewSet
from donghanh.people.models import Person
from donghanh.support.models import Partner
from donghanh.support.tests.test_views_partners import CREATE, field_errors, partner_post

WRITES = frozenset({"post", "put", "patch"})
PEOPLE = "/api/v1/people/"


def body_serializers() -> dict[str, tuple[type, serializers.BaseSerializer[Any]]]:
    """The view and the request body's serializer of every write of the API, by "METHOD route"."""
    found = {}
    factory = APIRequestFactory()
    for route in ROUTES:
        view_class = getattr(route.callback, "cls", None)
        actions = getattr(route.callback, "actions", None) or {}
        if "(?P<format>" in str(route.pattern):  # the same view with a format suffix
            continue
        for method, action in actions.items():
            if method not in WRITES:
                continue
            view = view_class(action=action, action_map=actions, kwargs={}, format_kwarg=None)
            view.request = view.initialize_request(factory.generic(method, "/"))
            body = view.get_serializer_class()(context=view.get_serializer_context())
            found[f"{method.upper()} {route.pattern}"] = (view_class, body)
    return found


def text_fields(field: Any, name: str = "") -> list[tuple[str, serializers.CharField]]:
    """The writable text fields of a body, nested ones included ("goals[].title")."""
    if getattr(field, "read_only", False):
        return []
    if isinstance(field, serializers.CharField):
        return [(name, field)]
    if isinstance(field, serializers.Serializer):
        return [found for key, sub in field.fields.items() for found in text_fields(sub, f"{name}.{key}".strip("."))]
    child = getattr(field, "child", None)
    return text_fields(child, f"{name}[]") if child is not None else []


BODIES = body_serializers()
TEXTS = [(where, name, field, body) for where, (_view, body) in BODIES.items() for name, field in text_fields(body)]


def test_every_text_field_of_a_request_body_is_bounded():
    assert len(BODIES) >= 40 and len(TEXTS) >= 60
    unbounded = [f"{where}: {name}" for where, name, field, _body in TEXTS if field.max_length is None]
    assert unbounded == []


def test_every_write_refuses_a_value_that_is_not_text_for_a_text_field():
    """Every write goes through CapabilityViewSet, which refuses one before the serializer turns it into text."""
    lenient = sorted({view.__name__ for view, _body in BODIES.values() if not issubclass(view, CapabilityViewSet)})
    assert lenient == []
    top_level = [(where, name, body) for where, name, _field, body in TEXTS if "." not in name and "[]" not in name]
    assert len(top_level) >= 60
    for where, name, body in top_level:
        for value in (5, 1.5, True, ["a"], {"a": "b"}):
            assert non_text_errors(body, {name: value}) == {name: [str(NOT_TEXT)]}, (where, name, value)
        assert non_text_errors(body, {name: "năm"}) is None, (where, name)


def test_nested_rows_are_checked_where_they_are():
    class Row(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=10)

    class Body(serializers.Serializer[Any]):
        rows = Row(many=True)
        tags = serializers.ListField(child=serializers.CharField(max_length=10))
        note = serializers.CharField(max_length=10, allow_null=True)

    data = {"rows": [{"title": "a"}, {"title": 7}], "tags": ["x", False], "note": None, "other": 1}
    assert non_text_errors(Body(), data) == {"rows": {1: {"title": [str(NOT_TEXT)]}}, "tags": {1: [str(NOT_TEXT)]}}


# --- through the API ---------------------------------------------------------------------------------------------


@pytest.fixture
def api(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    return client


def post(client, url, data):
    return client.post(url, data, content_type="application/json", headers={"accept-language": "vi"})


@pytest.mark.django_db
def test_a_number_for_a_name_is_400_on_the_name_and_nothing_is_registered(api, phu_thuong):
    person = {"unit": phu_thuong.pk, "full_name": "Hoàng Văn Em", "sex": "male", "birth_year": 1992}
    for value in (12345, True, ["Hoàng Văn Em"], {"ho": "Hoàng"}):
        response = post(api, PEOPLE, {**person, "full_name": value, "current_hamlet": 5})
        assert response.status_code == 400, response.content
        assert response.json() == {
            "full_name": ["Phải là chuỗi ký tự (văn bản trong dấu ngoặc kép), không phải số, true/false, danh sách "
                          "hay đối tượng."],
            "current_hamlet": [response.json()["full_name"][0]],
        }  # fmt: skip
    assert not Person.objects.exists()
    assert post(api, PEOPLE, person).status_code == 201


@pytest.mark.django_db
def test_a_note_too_long_is_400_giving_the_limit_which_the_schema_shows(api, phu_thuong):
    person = {"unit": phu_thuong.pk, "full_name": "Hoàng Văn Em", "sex": "male", "birth_year": 1992}
    response = post(api, PEOPLE, {**person, "needs": "x" * 2001})
    assert response.status_code == 400
    assert response.json() == {"needs": ["Trường này chỉ được có tối đa 2000 ký tự."]}
    assert not Person.objects.exists()
    assert post(api, PEOPLE, {**person, "needs": "x" * 2000}).status_code == 201
    schema = yaml.safe_load(api.get(reverse("api-schema")).content)["components"]["schemas"]
    assert schema["PersonCreateRequest"]["properties"]["needs"]["maxLength"] == 2000
    assert schema["ContactCreateRequest"]["properties"]["notes"]["maxLength"] == 4000


# --- forms ---------------------------------------------------------------------------------------------------------


def form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(donghanh.__path__, "donghanh."):
        if ".tests" not in module.name and ".migrations" not in module.name and "forms" in module.name:
            importlib.import_module(module.name)

    def below(cls: type) -> list[type]:
        return [found for sub in cls.__subclasses__() for found in [sub, *below(sub)]]

    return sorted(
        {cls for cls in below(forms.BaseForm) if cls.__module__.startswith("donghanh.")}, key=lambda c: c.__qualname__
    )


def test_every_text_field_of_a_form_is_bounded():
    classes = form_classes()
    assert len(classes) >= 40
    unbounded = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    # The login form's user name takes its bound from the user model when the form is made (AuthenticationForm).
    assert unbounded == ["donghanh.accounts.forms.LoginForm.username"]
    assert LoginForm().fields["username"].max_length == 150


@pytest.mark.django_db
def test_a_form_refuses_a_note_too_long_with_the_limit_and_keeps_what_was_typed(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    typed = ("Khóa may 3 tháng. " * 120).strip()  # 2,159 characters, over the 2,000 of a partner's offer
    with translation.override("vi"):
        refused = client.post(CREATE, partner_post(unit=phu_thuong.pk, offer_notes=typed))
    assert refused.status_code == 400
    assert field_errors(refused, "offer_notes") == [f"Giá trị này chỉ có tối đa 2000 kí tự (hiện có {len(typed)})"]
    form = parse(refused).get(data_testid="partner-form")
    assert form.get("textarea", name="offer_notes").text.strip() == typed
    assert form.get("textarea", name="offer_notes").attrs["maxlength"] == "2000"
    assert form.get("input", name="name").attrs["value"] == "Trường nghề Tây Hồ"
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_a_control_character_in_a_query_string_code_is_400_not_a_database_error(api):
    """PostgreSQL holds no NUL character in text: the fuzzer's `?unit=\\x00…` once reached it as a server error."""
    assert api.get("/api/v1/roadmap-targets/progress/", {"unit": "\x0001"}).status_code == 400
    response = api.get("/api/v1/roadmap-targets/progress/", {"unit": "x" * 11})  # a code has at most 10
    assert response.status_code == 400 and list(response.json()) == ["unit"]
