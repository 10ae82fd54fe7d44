from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"
    verbose_name = _("Volunteers and case work")

    def ready(self) -> None:
        from donghanh.accounts.permissions import Capability
        from donghanh.accounts.roles import Role
        from donghanh.accounts.scope import people_narrowing_register
        from donghanh.casework import tasks  # noqa: F401  (registers the daily notifications task)
        from donghanh.casework.lifecycle import (
            assignments_close_at_death,
            assignments_reopen_after_death_correction,
        )
        from donghanh.casework.person_section import casework_file_part, casework_section
        from donghanh.casework.privacy_items import data_request_items
        from donghanh.casework.roster_items import relapse_items, release_decision_items, transfer_items
        from donghanh.casework.selectors import people_assigned_to
        from donghanh.casework.worklist import work_list_source_register
        from donghanh.people.extensions import (
            DeathStep,
            PersonFilePart,
            PersonSection,
            death_step_register,
            person_file_part_register,
            person_section_register,
        )

        # A volunteer sees the people assigned to them, for as long as the assignment runs.
        people_narrowing_register(Role.VOLUNTEER, people_assigned_to)
        person_section_register(
            PersonSection(
                name="casework", order=60, template="casework/_person_casework.html", context=casework_section
            )
        )
        person_file_part_register(
            PersonFilePart(
                name="casework", order=60, template="casework/_file_casework.html", context=casework_file_part
            )
        )
        death_step_register(
            DeathStep(
                name="assignments",
                close=assignments_close_at_death,
                undo=assignments_reopen_after_death_correction,
            )
        )
        # The roster's lifecycle on the work list: decisions after a release, possible relapses, moves.
        work_list_source_register(Capability.MANAGE_EPISODES, release_decision_items)
        work_list_source_register(Capability.MANAGE_EPISODES, relapse_items)
        work_list_source_register(Capability.MANAGE_PEOPLE, transfer_items)
        # Data-subject requests: their acknowledgement and answer deadlines (privacy cannot name the work list).
        work_list_source_register(Capability.HANDLE_DATA_REQUESTS, data_request_items)
