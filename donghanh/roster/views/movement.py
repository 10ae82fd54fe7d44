"""Pages of a person's place on the roster: leaving and coming back, death, moves between communes."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
