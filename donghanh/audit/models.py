"""The access log: who viewed or exported which sensitive record, when and from where.

Change history (who changed what, before and after) is kept per model by django-simple-history;
this log covers reads, which history cannot see.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedModel


class AccessLogEntry(ScopedModel):
    """One read or export of a sensitive record. Append-only: nothing edits or deletes an entry."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    detail = models.CharField(_("what was seen"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    scope_capability = Capability.VIEW_ACCESS_LOG

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="accesslog_record_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.object_repr}"
