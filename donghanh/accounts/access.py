"""Deny by default: every view says who may reach it.

A view is reachable only when it carries one declaration:
- `@public` — no login (the login page, health check, language switch);
- `@login_only` — any logged-in user, whatever their roles (home page, API schema);
- `@scoped(capability)` on a function, `capability` on a `ScopedViewMixin` class view, or
  `capability` with `permission_classes = [HasCapability]` on a DRF view — a logged-in user
  whose roles carry the capability somewhere; the view then reads through
  `accessible_to(user)`, so objects outside the user's scope answer 404.

`declaration_of(callback)` reads the declaration back; a test walks the URL configuration and
fails on any view without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for

ATTRIBUTE = "access_declaration"
PUBLIC = "public"
LOGIN_ONLY = "login"

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    setattr(view, ATTRIBUTE, PUBLIC)
    return view


def login_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    setattr(wrapped, ATTRIBUTE, LOGIN_ONLY)
    return wrapped


def scoped(capability: Capability) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not scope_for(request.user).can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapped, ATTRIBUTE, capability)
        return wrapped

    return decorator


class ScopedViewMixin(LoginRequiredMixin):
    """Class-based views: set `capability`; read objects through `accessible_to(self.request.user)`."""

    capability: Capability | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.capability is None:
            raise PermissionDenied
        if request.user.is_authenticated and not scope_for(request.user).can(self.capability):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HasCapability(BasePermission):
    """DRF: the view's `capability` must be carried by one of the user's roles."""

    def has_permission(self, request: Request, view: Any) -> bool:
        capability = getattr(view, "capability", None)
        if capability is None or not request.user or not request.user.is_authenticated:
            return False
        return scope_for(request.user).can(capability)


class DenyUndeclared(BasePermission):
    """The API's default permission: an endpoint that declares nothing is closed."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return False


def declaration_of(callback: Any) -> str | None:
    """The access declaration of a URL pattern's callback, or None if it has none."""
    declared = getattr(callback, ATTRIBUTE, None)
    if declared:
        return str(declared)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return None
    declared = getattr(view_class, ATTRIBUTE, None)
    if declared:
        return str(declared)
    capability = getattr(view_class, "capability", None)
    if capability:
        return str(capability)
    return None
