"""Vocabularies of the people registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdKind(models.TextChoices):
    CCCD = "cccd", _("Citizen ID card (12 digits)")
    CMND = "cmnd", _("Old identity card (9 digits)")


# The 54 ethnic groups, in the General Statistics Office's order and codes.
ETHNICITIES = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"), ("06", "Mường"),
    ("07", "Nùng"), ("08", "HMông"), ("09", "Dao"), ("10", "Gia-rai"), ("11", "Ngái"), ("12", "Ê-đê"),
    ("13", "Ba-na"), ("14", "Xơ-đăng"), ("15", "Sán Chay"), ("16", "Cơ-ho"), ("17", "Chăm"),
    ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"), ("21", "Ra-glai"), ("22", "Xtiêng"),
    ("23", "Bru-Vân Kiều"), ("24", "Thổ"), ("25", "Giáy"), ("26", "Cơ-tu"), ("27", "Gié-Triêng"),
    ("28", "Mạ"), ("29", "Khơ-mú"), ("30", "Co"), ("31", "Tà-ôi"), ("32", "Chơ-ro"), ("33", "Kháng"),
    ("34", "Xinh-mun"), ("35", "Hà Nhì"), ("36", "Chu-ru"), ("37", "Lào"), ("38", "La Chí"),
    ("39", "La Ha"), ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"),
    ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"), ("49", "Bố Y"), ("50", "Si La"),
    ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ-măm"),
]  # fmt: skip


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    VOCATIONAL = "vocational", _("Vocational training")
    COLLEGE = "college", _("College or university")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced or separated")
    WIDOWED = "widowed", _("Widowed")


class HouseholdPoverty(models.TextChoices):
    NONE = "none", _("Not poor")
    NEAR_POOR = "near_poor", _("Near-poor household")
    POOR = "poor", _("Poor household")


class Whereabouts(models.TextChoices):
    AT_RESIDENCE = "at_residence", _("At residence")
    IN_FACILITY = "in_facility", _("In a rehab facility")
    DETAINED = "detained", _("Detained")
    MOVED_AWAY = "moved_away", _("Moved away")
    UNKNOWN = "unknown", _("Whereabouts unknown")


class Substance(models.TextChoices):
    HEROIN = "heroin", _("Heroin")
    METHAMPHETAMINE = "methamphetamine", _("Methamphetamine (ma túy đá)")
    CANNABIS = "cannabis", _("Cannabis")
    KETAMINE = "ketamine", _("Ketamine")
    MDMA = "mdma", _("MDMA (ecstasy)")
    SYNTHETIC = "synthetic", _("Synthetic drugs")
    OPIUM = "opium", _("Opium")
    OTHER = "other", _("Other")


class Sample(models.TextChoices):
    URINE = "urine", _("Urine")
    BLOOD = "blood", _("Blood")
    SALIVA = "saliva", _("Saliva")
    HAIR = "hair", _("Hair")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class HivStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class DeterminationResult(models.TextChoices):
    ADDICTED = "addicted", _("Addicted")
    NOT_ADDICTED = "not_addicted", _("Not addicted")


class DeathSource(models.TextChoices):
    FAMILY = "family", _("The family")
    POLICE = "police", _("The police")
    HEALTH_STATION = "health_station", _("The health station")
    OTHER = "other", _("Other source")


class RosterEntry(models.TextChoices):
    """How a period on a commune's roster began."""

    REGISTERED = "registered", _("Registered")
    TRANSFERRED = "transferred", _("Moved to this commune")
    RETURNED = "returned", _("Back on the roster")


class RosterExit(models.TextChoices):
    """Why a period on a commune's roster ended."""

    TRANSFERRED = "transferred", _("Moved to another commune")
    COMPLETED = "completed", _("Completed the measures")
    DIED = "died", _("Died")
    MOVED_ABROAD = "moved_abroad", _("Moved abroad")
    REMOVED = "removed", _("Removed by an officer's decision")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the other commune")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    COMPLETED_BY_PROVINCE = "completed_by_province", _("Completed by the province")
    CANCELLED = "cancelled", _("Withdrawn")


class TransferSide(models.TextChoices):
    LEAVING = "leaving", _("The commune the person leaves")
    ARRIVING = "arriving", _("The commune the person arrives in")
