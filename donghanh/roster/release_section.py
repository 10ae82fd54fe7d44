"""Release notices and possible relapses on the person's page.

Notices are legal history (VIEW_EPISODES), possible relapses drug use (VIEW_DRUG_USE): each is shown
only to the roles that may see it at the person's commune, and the page's access-log entry names
what was shown. Three queries whatever the number of notices.
"""

from __future__ import annotations

from django.utils import timezone

from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person
from donghanh.roster.choices import NoticeState, RelapseState
from donghanh.roster.dues import decision_dues
from donghanh.roster.selectors import notice_state

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_RELEASES = "release notices"
SEEN_RELAPSES = "possible relapses"
NOTICES_SHOWN = 10


def release_section(request: AppRequest, person: Person) -> SectionContext | None:
    scope = scope_for(request.user)
    path = person.unit.path
    show_notices = scope.can_at(Capability.VIEW_EPISODES, path)
    show_relapses = scope.can_at(Capability.VIEW_DRUG_USE, path)
    if not (show_notices or show_relapses):
        return None
    today = timezone.localdate()
    values: dict[str, object] = {
        "release_show_notices": show_notices,
        "release_show_relapses": show_relapses,
        "release_can_manage": scope.can_at(Capability.MANAGE_EPISODES, path) and person.died_on is None,
        "relapse_can_report": scope.can_at(Capability.RECORD_DRUG_USE, path) and person.died_on is None,
        "release_notices": [],
        "relapse_signals": [],
    }
    seen: list[str] = []
    if show_notices:
        ordered = person.release_notices.select_related("decision_episode").order_by("-notice_date", "-pk")
        notices = list(ordered[:NOTICES_SHOWN])
        dues = decision_dues([n for n in notices if n.is_pending])
        values["release_notices"] = [
            {
                "notice": n,
                "state": (state := notice_state(n)),
                "state_label": NoticeState(state).label,
                "due": dues.get(n.pk),
                "overdue": n.pk in dues and dues[n.pk] < today,
            }
            for n in notices
        ]
        values["release_pending"] = any(n.is_pending for n in notices)
        seen.append(SEEN_RELEASES)
    if show_relapses:
        signals = person.relapse_signals.filter(state=RelapseState.OPEN).order_by("-date", "-pk")
        values["relapse_signals"] = list(signals)
        seen.append(SEEN_RELAPSES)
    return SectionContext(values, seen)
