"""Notifications: the work list, kept for each user by a daily task, shown in the application and mailed if set up."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.casework.health_text import HEALTH_MASK
from donghanh.casework.models import Notification
from donghanh.casework.worklist import WorkItem, work_list


def _text(item: WorkItem) -> str:
    """What the notification says; health text is neither stored with it nor mailed (`casework.health_text`)."""
    detail = str(HEALTH_MASK) if item.health_text else item.detail
    return f"{item.subject} — {detail}" if detail else item.subject


@transaction.atomic
def notifications_refresh(user: Any, today: datetime.date) -> list[Notification]:
    """Bring the user's notifications in line with their work list on `today`; returns the new ones.

    A new item becomes a notification once (its key is unique per user); an unread notification
    whose item has left the list was dealt with and goes away; read ones stay as a record.
    """
    items = {item.key: item for item in work_list(user, today)}
    existing = set(Notification.objects.filter(user=user).values_list("key", flat=True))
    Notification.objects.filter(user=user, read_at__isnull=True).exclude(key__in=list(items)).delete()
    with translation.override(settings.LANGUAGE_CODE):  # the text is stored: in the installation's language
        texts = {key: _text(item)[:300] for key, item in items.items() if key not in existing}
    created = Notification.objects.bulk_create(
        Notification(user=user, kind=item.kind, key=key, text=texts[key], url=item.url, due_date=item.due_date)
        for key, item in items.items()
        if key not in existing
    )
    if created and settings.NOTIFICATION_EMAILS and user.email:
        _mail(user, created)
    return created


def _mail(user: Any, notifications: list[Notification]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"- {n.get_kind_display()}: {n.text}" for n in notifications]
        subject = _("Đồng Hành: %(count)d new things to do") % {"count": len(notifications)}
        body = "\n".join([_("Hello %(name)s,") % {"name": user.full_name or user.username}, "", *lines])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())


def notifications_refresh_all(today: datetime.date) -> int:
    """Refresh every active user who holds a role; returns how many notifications were created."""
    users = User.objects.filter(is_active=True, role_assignments__isnull=False).distinct().order_by("pk")
    return sum(len(notifications_refresh(user, today)) for user in users)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """The user opened their notification: it stays as a record, read (the first reading counts)."""
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
