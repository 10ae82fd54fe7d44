"""Vocabularies of legal episodes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EpisodeType(models.TextChoices):
    DRUG_USER_MANAGEMENT = "drug_user_management", _("Management of an illegal drug user")
    VOLUNTARY_COMMUNITY_REHAB = "voluntary_community_rehab", _("Voluntary rehab at home / in the community")
    VOLUNTARY_FACILITY_REHAB = "voluntary_facility_rehab", _("Voluntary rehab at a facility")
    COMPULSORY_REHAB = "compulsory_rehab", _("Compulsory rehab")
    ADMINISTRATIVE_EDUCATION = "administrative_education", _("Education at commune level (Decree 120)")
    POST_REHAB_MANAGEMENT = "post_rehab_management", _("Post-rehab management")
    METHADONE = "methadone", _("Methadone treatment")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention")


# Measures carried out in a facility: the person is not at their residence.
FACILITY_TYPES = frozenset({EpisodeType.VOLUNTARY_FACILITY_REHAB, EpisodeType.COMPULSORY_REHAB})


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    RELAPSE = "relapse", _("Relapse")
    MOVED = "moved", _("Moved away")
    TRANSFERRED_TO_COMPULSORY = "to_compulsory", _("Transferred to compulsory rehab")
    DETAINED = "detained", _("Detained")
    DIED = "died", _("Died")
    WITHDREW = "withdrew", _("Withdrew")
    OTHER = "other", _("Other")
