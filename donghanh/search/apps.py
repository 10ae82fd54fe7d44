from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The site search: one box that finds people, support partners and community models the user may see."""

    name = "donghanh.search"
    label = "search"
    verbose_name = _("Search")
