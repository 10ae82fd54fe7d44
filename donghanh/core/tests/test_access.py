"""Deny by default: every URL pattern declares who may reach it, and undeclared means closed."""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.exceptions import NoReverseMatch

from donghanh.accounts.access import PUBLIC, declaration_of, login_only, public


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole pattern, prefixes included
    name: str | None  # namespaced, e.g. "accounts:detail"
    callback: Any
    has_arguments: bool

    @property
    def label(self) -> str:
        return f"{self.name or '(unnamed)'} [{self.pattern}]"


def walk(patterns: list[Any], prefix: str = "", namespace: str | None = None, arguments: bool = False):
    """Every URL pattern under `patterns`, recursing into included URLconfs."""
    for entry in patterns:
        has_arguments = arguments or entry.pattern.regex.groups > 0
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner, has_arguments)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(prefix + str(entry.pattern), name, entry.callback, has_arguments)


def undeclared(urlconf: Any = None) -> list[str]:
    return [route.label for route in walk(get_resolver(urlconf).url_patterns) if declaration_of(route.callback) is None]


ROUTES = list(walk(get_resolver().url_patterns))


def test_the_walker_finds_the_whole_configuration():
    names = {route.name for route in ROUTES}
    assert {
        "home",
        "login",
        "accounts:detail",
        "orgunits:list",
        "audit:access_log",
        "orgunit-list",
        "api-schema",
    } <= names


def test_every_url_pattern_declares_its_access():
    missing = undeclared()
    assert missing == [], "views without an access declaration (use @public, @login_only or @scoped): " + ", ".join(
        missing
    )


# --- regression guard: the walker reports what it should ---------------------------------------


def bare_view(request: Any) -> HttpResponse:
    return HttpResponse("no declaration")


@public
def open_view(request: Any) -> HttpResponse:
    return HttpResponse("public")


@login_only
def member_view(request: Any) -> HttpResponse:
    return HttpResponse("login")


def test_the_walker_reports_an_undeclared_view_even_when_nested():
    tiny = types.ModuleType("tiny_urls")
    tiny.urlpatterns = [  # type: ignore[attr-defined]
        path("open/", open_view, name="open"),
        path("member/", member_view, name="member"),
        path("outer/", include(([path("<int:pk>/bare/", bare_view, name="bare")], "inner"))),
    ]
    assert undeclared(tiny) == ["inner:bare [outer/<int:pk>/bare/]"]
    routes = {r.name: r for r in walk(get_resolver(tiny).url_patterns)}
    assert routes["inner:bare"].has_arguments and not routes["open"].has_arguments
    assert declaration_of(routes["open"].callback) == PUBLIC


def test_a_class_based_view_without_declaration_is_reported():
    from django.views import View

    class Bare(View):
        def get(self, request: Any) -> HttpResponse:
            return HttpResponse("x")

    tiny = types.ModuleType("tiny_cbv_urls")
    tiny.urlpatterns = [path("cbv/", Bare.as_view(), name="cbv")]  # type: ignore[attr-defined]
    assert undeclared(tiny) == ["cbv [cbv/]"]


# --- anonymous visitors ------------------------------------------------------------------------


def closed_routes_without_arguments() -> list[Route]:
    return [r for r in ROUTES if not r.has_arguments and declaration_of(r.callback) != PUBLIC]


def test_there_are_closed_routes_to_check():
    names = {r.name for r in closed_routes_without_arguments()}
    assert {"home", "accounts:list", "orgunits:list", "audit:access_log", "orgunit-list", "api-me"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route", closed_routes_without_arguments(), ids=lambda r: r.name or r.pattern)
def test_anonymous_get_is_refused(client, route):
    try:
        url = reverse(route.name)
    except NoReverseMatch:  # pragma: no cover - every closed route without arguments is named
        pytest.fail(f"cannot reverse {route.label}")
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code in {401, 403}, route.label
    else:
        assert response.status_code == 302, route.label
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_public_routes_answer_anonymous(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
