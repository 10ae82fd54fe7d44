from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "donghanh.roster"
    label = "roster"
    verbose_name = _("Roster lifecycle")

    def ready(self) -> None:
        from donghanh.people.extensions import (
            PersonSection,
            drug_test_hook_register,
            person_section_register,
            roster_holder_register,
        )
        from donghanh.roster.person_section import roster_section
        from donghanh.roster.relapse import relapse_from_test
        from donghanh.roster.release_section import release_section
        from donghanh.roster.selectors import awaiting_decision_holds

        roster_holder_register("awaiting_decision", awaiting_decision_holds)
        drug_test_hook_register(relapse_from_test)
        person_section_register(
            PersonSection(name="roster", order=5, template="roster/_person_roster.html", context=roster_section)
        )
        person_section_register(
            PersonSection(name="release", order=15, template="roster/_person_release.html", context=release_section)
        )
