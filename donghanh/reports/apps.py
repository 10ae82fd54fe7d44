from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "donghanh.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from donghanh.reports import tasks as export_tasks  # noqa: F401  (the daily deletion of report files)
        from donghanh.reports.status import marks, tasks  # noqa: F401  (the daily task registers itself)

        marks.connect()
