from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _episode_type_choices() -> list[tuple[str, Any]]:
    from donghanh.episodes.choices import EpisodeType

    return list(EpisodeType.choices)


class EpisodesConfig(AppConfig):
    name = "donghanh.episodes"
    label = "episodes"
    verbose_name = _("Legal episodes")

    def ready(self) -> None:
        from donghanh.episodes.api import ActiveEpisodeSerializer
        from donghanh.episodes.person_section import (
            measures_section,
            merge_check_conflicts,
            merge_drop_measures_on_both,
        )
        from donghanh.episodes.selectors import measures_hold, status_as_of
        from donghanh.episodes.services import (
            measures_close_at_death,
            measures_reopen_after_death_correction,
            measures_settle_after_whereabouts,
        )
        from donghanh.people.extensions import (
            DeathStep,
            PersonFilePart,
            PersonMergeStep,
            PersonSection,
            RosterMeasures,
            death_step_register,
            person_file_part_register,
            person_merge_step_register,
            person_section_register,
            roster_holder_register,
            roster_measures_register,
            whereabouts_hook_register,
        )

        roster_measures_register(
            RosterMeasures(status_as_of=status_as_of, choices=_episode_type_choices, serializer=ActiveEpisodeSerializer)
        )
        person_section_register(
            PersonSection(name="measures", order=10, template="episodes/_timeline.html", context=measures_section)
        )
        # The person's printed file holds what the page's section shows.
        person_file_part_register(
            PersonFilePart(name="measures", order=10, template="episodes/_file_measures.html", context=measures_section)
        )
        person_merge_step_register(
            PersonMergeStep(name="measures", before=merge_drop_measures_on_both, after=merge_check_conflicts)
        )
        roster_holder_register("measures", measures_hold)
        death_step_register(
            DeathStep(name="measures", close=measures_close_at_death, undo=measures_reopen_after_death_correction)
        )
        whereabouts_hook_register(measures_settle_after_whereabouts)
