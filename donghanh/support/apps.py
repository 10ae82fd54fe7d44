from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "donghanh.support"
    label = "support"
    verbose_name = _("Support and referrals")

    def ready(self) -> None:
        from donghanh.accounts.permissions import Capability
        from donghanh.casework.worklist import work_list_source_register
        from donghanh.people.extensions import PersonFilePart, person_file_part_register
        from donghanh.support.person_file import services_file_part
        from donghanh.support.worklist import referrals_overdue_items

        work_list_source_register(Capability.RECORD_SUPPORT, referrals_overdue_items)
        person_file_part_register(
            PersonFilePart(
                name="services", order=65, template="support/_file_services.html", context=services_file_part
            )
        )
