"""The levels of Vietnam's administrative tree, shared by the tree itself and the roles held at its units."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.IntegerChoices):
    NATION = 0, _("National level")
    PROVINCE = 1, _("Province level")
    DISTRICT = 2, _("District level")
    COMMUNE = 3, _("Commune level")
