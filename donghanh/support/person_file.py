"""The services a person received, in the person's printed file (`people.person_file`), under the right of the
person's support tab (`support.view`). Referrals, some of them sensitive, stay on the tab."""

from __future__ import annotations

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person
from donghanh.support.models import ServiceRecord


def services_file_part(request: AppRequest, person: Person) -> SectionContext | None:
    if not scope_for(request.user).can_at(Capability.VIEW_SUPPORT, person.unit.path):
        return None
    services = list(
        ServiceRecord.objects.accessible_to(request.user)
        .filter(person=person)
        .select_related("service_type", "provider")
        .order_by("-start_date", "-pk")
    )
    return SectionContext({"services_received": services})
