"""The registry's own sensitive records of a person (drug use, addiction determinations, drug tests; health), read for
the person's page and the person's file under one set of rights, with the words seen for the access log."""

from __future__ import annotations

from typing import Any

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.people.extensions import SectionContext
from donghanh.people.models import DrugUseHistory, HealthStatus, Person

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_DRUG_USE = "drug use"
SEEN_DETERMINATIONS = "addiction determinations"
SEEN_TESTS = "drug tests"
SEEN_HEALTH = "HIV status"


def sensitive_records(user: Any, person: Person) -> SectionContext:
    """What of `person`'s sensitive records `user` may see at the person's commune: drug use, determinations and
    tests with `people.view_drug_use`, health with `people.view_health`."""
    scope = scope_for(user)
    path = person.unit.path
    values: dict[str, Any] = {"show_drug_use": False, "show_health": False}
    seen: list[str] = []
    if scope.can_at(Capability.VIEW_DRUG_USE, path):
        values["show_drug_use"] = True
        values["drug_use"] = DrugUseHistory.objects.filter(person=person).first()
        values["determinations"] = person.determinations.select_related("recorded_by").order_by("-date", "-pk")
        values["drug_tests"] = person.drug_tests.prefetch_related("results").order_by("-date", "-pk")
        seen += [SEEN_DRUG_USE, SEEN_DETERMINATIONS, SEEN_TESTS]
    if scope.can_at(Capability.VIEW_HEALTH, path):
        values["show_health"] = True
        values["health"] = HealthStatus.objects.filter(person=person).first()
        seen.append(SEEN_HEALTH)
    return SectionContext(values, seen)
