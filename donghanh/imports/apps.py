from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "donghanh.imports"
    label = "imports"
    verbose_name = _("Imports from Excel")

    def ready(self) -> None:
        from donghanh.imports import tasks  # noqa: F401  (registers the tasks)
