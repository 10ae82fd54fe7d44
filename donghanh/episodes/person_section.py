"""The legal measures on a person's page, and what a merge of two records does to their measures."""

from __future__ import annotations

from donghanh.accounts.http import AppRequest
from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.episodes.services import episode_check_conflicts
from donghanh.people.extensions import SectionContext
from donghanh.people.models import Person

# What the access log says was seen: stable English words, whatever the viewer's language.
SEEN_EPISODES = "legal measures"


def measures_section(request: AppRequest, person: Person) -> SectionContext | None:
    """The timeline of the person's measures, for roles that may see legal history at their commune."""
    scope = scope_for(request.user)
    path = person.unit.path
    if not scope.can_at(Capability.VIEW_EPISODES, path):
        return None
    values = {
        "episodes": person.episodes.select_related("rule").order_by("-start_date", "-pk"),
        "can_manage_episodes": scope.can_at(Capability.MANAGE_EPISODES, path),
    }
    return SectionContext(values, [SEEN_EPISODES])


def merge_drop_measures_on_both(actor: User, keep: Person, duplicate: Person) -> None:
    """A measure recorded on both records (same type, same start) is one measure: keep's copy stays."""
    kept_measures = set(keep.episodes.values_list("episode_type", "start_date"))
    for episode in duplicate.episodes.all():
        if (episode.episode_type, episode.start_date) in kept_measures:
            episode._history_user = actor
            episode.delete()


def merge_check_conflicts(actor: User, keep: Person, duplicate: Person) -> None:
    """The two records' measures, now all on keep, must not clash."""
    for episode in keep.episodes.select_related("rule"):
        episode_check_conflicts(episode)
