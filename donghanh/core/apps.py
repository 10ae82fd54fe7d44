from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "donghanh.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models import fields

        from donghanh.core import pdf, schema_fields  # noqa: F401  (the check that PDFs can be made here; schema extensions)
        from donghanh.core.history import writes_connect

        writes_connect()

        # Django's own label of an empty choice has no Vietnamese translation; every select uses this one.
        fields.BLANK_CHOICE_LABEL = _("— Choose —")
