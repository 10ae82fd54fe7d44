"""Notifications: the work list kept for each user by a daily task, counted for the menu, and summarised outside
the application.

Outside the application a user hears only how much is due and overdue, with a link: never a name, a measure or
anything else about a person (`digest_text`). Each user chooses the channels (email, SMS, Zalo) and whether to get
the daily summary (`NotificationPreference`); each channel gets at most one summary a day (`NotificationDelivery`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.choices import DeliveryChannel
from donghanh.casework.delivery import (
    DeliveryError,
    gateway_configured,
    international,
    mobile_number,
    provider_for,
    without_diacritics,
)
from donghanh.casework.health_text import HEALTH_MASK
from donghanh.casework.models import Notification, NotificationDelivery, NotificationPreference
from donghanh.casework.worklist import WorkItem, work_list

logger = logging.getLogger(__name__)


def _text(item: WorkItem) -> str:
    """What the notification says in the application; health text is not stored with it (`casework.health_text`)."""
    detail = str(HEALTH_MASK) if item.health_text else item.detail
    return f"{item.subject} — {detail}" if detail else item.subject


@transaction.atomic
def notifications_refresh(
    user: Any, today: datetime.date, *, items: list[WorkItem] | None = None
) -> list[Notification]:
    """Bring the user's notifications in line with their work list on `today` (`items`, when already read); returns
    the new ones.

    A new item becomes a notification once (its key is unique per user); an unread notification
    whose item has left the list was dealt with and goes away; read ones stay as a record.
    """
    by_key = {item.key: item for item in (work_list(user, today) if items is None else items)}
    existing = set(Notification.objects.filter(user=user).values_list("key", flat=True))
    Notification.objects.filter(user=user, read_at__isnull=True).exclude(key__in=list(by_key)).delete()
    with translation.override(settings.LANGUAGE_CODE):  # the text is stored: in the installation's language
        texts = {key: _text(item)[:300] for key, item in by_key.items() if key not in existing}
    return Notification.objects.bulk_create(
        Notification(user=user, kind=item.kind, key=key, text=texts[key], url=item.url, due_date=item.due_date)
        for key, item in by_key.items()
        if key not in existing
    )


def notifications_refresh_all(today: datetime.date) -> int:
    """The daily task: refresh every active user who holds a role, and send the daily summaries; returns how many
    notifications were created."""
    users = (
        User.objects.filter(is_active=True, role_assignments__isnull=False)
        .distinct()
        .select_related("notification_preference")
        .order_by("pk")
    )
    created = 0
    for user in users:
        items = work_list(user, today)
        created += len(notifications_refresh(user, today, items=items))
        digest_send(user, work_counts(items), today)
    return created


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


# --- counts: the menu's badge and the summary ------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCounts:
    """Items of a work list that fall due on a date: overdue ones, and the others (the work list's two first
    groups); standing tasks without a date are in neither."""

    due: int
    overdue: int

    @property
    def total(self) -> int:
        return self.due + self.overdue


def work_counts(items: list[WorkItem]) -> WorkCounts:
    overdue = sum(1 for item in items if item.overdue)
    due = sum(1 for item in items if not item.overdue and item.due_date is not None)
    return WorkCounts(due=due, overdue=overdue)


def work_counts_cached(user: Any, today: datetime.date) -> WorkCounts:
    """The user's counts on `today`, read from their live work list at most once per `NOTIFICATION_COUNT_SECONDS`.

    The menu asks on every page and every five minutes: a count a few minutes old is good enough there."""
    key = f"casework:work-counts:{user.pk}:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return WorkCounts(*cached)
    counts = work_counts(work_list(user, today))
    cache.set(key, (counts.due, counts.overdue), settings.NOTIFICATION_COUNT_SECONDS)
    return counts


# --- each user's choice ---------------------------------------------------------------------------------------


def preference_of(user: Any) -> NotificationPreference:
    """The user's notification settings; the defaults (not saved) for a user who has not chosen: the daily summary,
    by email when `NOTIFICATION_EMAILS` is on, SMS and Zalo off."""
    try:
        return user.notification_preference  # type: ignore[no-any-return]
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user, digest_daily=True, by_email=settings.NOTIFICATION_EMAILS)


@transaction.atomic
def notification_preference_save(
    *, actor: Any, user: Any, digest_daily: bool, by_email: bool, by_sms: bool, by_zalo: bool, phone: str
) -> NotificationPreference:
    """A user chooses how they hear about their work list. Only for themselves.

    SMS and Zalo need a mobile number (the account's own when none is typed) and a gateway on this installation;
    email needs an address on the account.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    phone = " ".join(phone.split())
    errors: dict[str, list[str]] = {}
    if phone and mobile_number(phone) is None:
        errors.setdefault("phone", []).append(_("Type a Vietnamese mobile number of 10 digits, e.g. 0912 345 678."))
    if (by_sms or by_zalo) and not phone and mobile_number(user.phone or "") is None:
        errors.setdefault("phone", []).append(_("SMS and Zalo need a mobile number."))
    for wanted, channel, field in ((by_sms, DeliveryChannel.SMS, "by_sms"), (by_zalo, DeliveryChannel.ZALO, "by_zalo")):
        if wanted and not gateway_configured(channel):
            errors[field] = [_("%(channel)s is not set up on this server.") % {"channel": channel.label}]
    if by_email and not user.email:
        errors["by_email"] = [_("Your account has no email address.")]
    if errors:
        raise ValidationError(errors)
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "digest_daily": digest_daily,
            "by_email": by_email,
            "by_sms": by_sms,
            "by_zalo": by_zalo,
            "phone": phone,
        },
    )
    user.notification_preference = preference
    return preference


def last_deliveries(user: Any) -> dict[str, NotificationDelivery]:
    """The last summary of each channel, for the settings page."""
    return {d.channel: d for d in NotificationDelivery.objects.filter(user=user)}


# --- the daily summary ----------------------------------------------------------------------------------------


def digest_text(counts: WorkCounts) -> str:
    """The summary: counts and a link, nothing about anyone (it leaves the application, by SMS too)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Đồng Hành: %(due)d due, %(overdue)d overdue. Open the application to see them.") % {
            "due": counts.due,
            "overdue": counts.overdue,
        }
    link = _site_link("casework:worklist")
    return f"{text} {link}" if link else text


def _site_link(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}" if settings.SITE_URL else ""


def _email_text(counts: WorkCounts) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        footer = _("You get this summary because you asked for it in your notification settings.")
    link = _site_link("casework:notification_settings")
    return "\n\n".join(part for part in (digest_text(counts), footer, link) if part)


def _addresses(user: Any, preference: NotificationPreference) -> list[tuple[str, str]]:
    """(channel, address) of each channel the user chose; an empty address when they have none."""
    mobile = mobile_number(preference.phone or user.phone or "")
    chosen = [
        (DeliveryChannel.EMAIL, preference.by_email, user.email or ""),
        (DeliveryChannel.SMS, preference.by_sms, international(mobile) if mobile else ""),
        (DeliveryChannel.ZALO, preference.by_zalo, international(mobile) if mobile else ""),
    ]
    # A user who never chose gets email only if they have an address; a choice without one is recorded as failing.
    return [(str(channel), address) for channel, wanted, address in chosen if wanted and (address or preference.pk)]


def _claim(user: Any, channel: str, today: datetime.date) -> NotificationDelivery | None:
    """Take the channel's summary of `today` for this run, or None when a run has already taken it."""
    delivery, created = NotificationDelivery.objects.get_or_create(user=user, channel=channel, defaults={"day": today})
    if created:
        return delivery
    taken = (
        NotificationDelivery.objects.filter(pk=delivery.pk)
        .filter(Q(day__lt=today))
        .update(day=today, sent_at=None, error="")
    )
    if not taken:
        return None
    delivery.day, delivery.sent_at, delivery.error = today, None, ""
    return delivery


def digest_send(user: Any, counts: WorkCounts, today: datetime.date) -> list[str]:
    """Send the user's summary of `today` by each channel they chose, once a day each; returns the channels it
    left by. Nothing is sent when nothing is due. A failure is logged and kept on the channel's delivery (the
    settings page shows it), never raised: tomorrow's summary is the retry."""
    preference = preference_of(user)
    if not preference.digest_daily or counts.total == 0 or not scope_for(user).can(Capability.VIEW_CASEWORK):
        return []  # nothing to do, or no work list to open
    sent = []
    for channel, address in _addresses(user, preference):
        delivery = _claim(user, channel, today)
        if delivery is None:
            continue
        try:
            if not address:
                raise DeliveryError("no address for this channel")
            text = _email_text(counts) if channel == DeliveryChannel.EMAIL else digest_text(counts)
            if channel == DeliveryChannel.SMS:
                text = without_diacritics(text)
            provider_for(channel).send(address, text)
        except DeliveryError as error:
            delivery.error = str(error)[:300]
            logger.warning("Daily summary to user %s by %s not sent: %s", user.pk, channel, delivery.error)
        else:
            delivery.sent_at = timezone.now()
            sent.append(channel)
        delivery.save(update_fields=["sent_at", "error"])
    return sent
