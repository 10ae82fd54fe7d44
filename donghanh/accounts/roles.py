"""The roles a user can hold, and the level of unit each is held at."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.core.levels import UnitLevel


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    NATIONAL_MANAGER = "national_manager", _("National programme manager")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    HEALTH_STAFF = "health_staff", _("Health-station staff")
    VOLUNTEER = "volunteer", _("Volunteer")
    BOARD_MEMBER = "board_member", _("Club / counselling-point board member")
    AUDITOR = "auditor", _("Read-only auditor")


# Unit levels at which each role may be assigned.
NATION, PROVINCE, DISTRICT, COMMUNE = UnitLevel.NATION, UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE
ROLE_LEVELS: dict[str, frozenset[int]] = {
    Role.SYSTEM_ADMIN: frozenset({NATION}),
    Role.NATIONAL_MANAGER: frozenset({NATION}),
    Role.PROVINCE_OFFICER: frozenset({PROVINCE}),
    Role.COMMUNE_OFFICER: frozenset({COMMUNE}),
    Role.COMMUNE_POLICE: frozenset({COMMUNE}),
    Role.HEALTH_STAFF: frozenset({COMMUNE}),
    Role.VOLUNTEER: frozenset({COMMUNE}),
    Role.BOARD_MEMBER: frozenset({COMMUNE, PROVINCE}),
    Role.AUDITOR: frozenset({NATION, PROVINCE, COMMUNE}),
}
