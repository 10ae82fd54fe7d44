from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "donghanh.roster"
    label = "roster"
    verbose_name = _("Roster lifecycle")

    def ready(self) -> None:
        from donghanh.people.extensions import drug_test_hook_register, roster_holder_register
        from donghanh.roster.relapse import relapse_from_test
        from donghanh.roster.selectors import awaiting_decision_holds

        roster_holder_register("awaiting_decision", awaiting_decision_holds)
        drug_test_hook_register(relapse_from_test)
