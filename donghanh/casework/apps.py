from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"
    verbose_name = _("Volunteers and case work")

    def ready(self) -> None:
        from donghanh.casework import tasks  # noqa: F401  (registers the daily notifications task)
