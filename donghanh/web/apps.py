from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The site as a whole: the home page with each role's dashboard, the navigation, health check and language."""

    name = "donghanh.web"
    label = "web"
    verbose_name = _("Site")
