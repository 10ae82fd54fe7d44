from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People, legal measures and whereabouts")
    VOLUNTEERS = "volunteers", _("Volunteers and assignments")
    SERVICES = "services", _("Services given")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    REFUSED = "refused", _("File refused")
    APPLYING = "applying", _("Being applied")
    APPLIED = "applied", _("Applied")
    UNDOING = "undoing", _("Being undone")
    UNDONE = "undone", _("Undone")


class RowAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("No change")
    MATCH = "match", _("Possible match to confirm")
    ERROR = "error", _("Error")


class Decision(models.TextChoices):
    CONFIRM = "confirm", _("Same person")
    REJECT = "reject", _("Another person")


# While checking or applying, the file is the worker's: nothing else may start on it.
BUSY = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING, ImportStatus.UNDOING)
