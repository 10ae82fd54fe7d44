"""How a message leaves the application: by email through Django's mail, by SMS or Zalo through an HTTP gateway.

Every channel is a `MessageProvider`: `send(to, text)` delivers one message or raises `DeliveryError`. The
gateways of SMS and Zalo are reached the same way (`HttpProvider`): a JSON POST of `{"to": "+84…", "text": …}` to
the URL of the setting, the key in an `X-Api-Key` header, answered with any 2xx status. A gateway of a mobile
operator or of Zalo's notification service needs a small relay that speaks this; a channel without a URL is not
offered. Nothing here retries: the next daily summary is the retry.
"""

from __future__ import annotations

import json
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from donghanh.casework.choices import DeliveryChannel
from donghanh.core.crypto import phone_digits

# Vietnamese mobile numbers: ten digits from 03, 05, 07, 08 or 09.
MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


class DeliveryError(Exception):
    """A message could not be handed over; the text says why, without the message or the address."""


class MessageProvider(Protocol):
    def send(self, to: str, text: str) -> None:
        """Hand one message to `to`; raises `DeliveryError` when it cannot."""


@dataclass(frozen=True)
class EmailProvider:
    """Email through the `MAILERS` backend (SMTP, the console, or a provider's API through django-anymail)."""

    subject: str

    def send(self, to: str, text: str) -> None:
        try:
            send_mail(self.subject, text, settings.DEFAULT_FROM_EMAIL, [to])
        except Exception as error:  # any backend, any provider: what went wrong is recorded, never raised
            raise DeliveryError(f"{type(error).__name__}: {error}"[:300]) from error


@dataclass(frozen=True)
class HttpProvider:
    """An SMS or Zalo gateway reached over HTTP(S) with a key."""

    url: str
    key: str
    timeout: float

    def __post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise DeliveryError("the gateway's URL must start with https:// or http://")

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # http(s) only: the scheme is checked above
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-Api-Key": self.key},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise DeliveryError(f"unreachable: {reason}"[:300]) from error
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")


def gateway_configured(channel: str) -> bool:
    """Whether this installation has a gateway for the channel (email always has Django's mail)."""
    if channel == DeliveryChannel.EMAIL:
        return True
    return bool(_gateway_settings(channel)[0])


def provider_for(channel: str) -> MessageProvider:
    """The provider of a channel; `DeliveryError` when it is not set up on this installation."""
    if channel == DeliveryChannel.EMAIL:
        return EmailProvider(subject=_("Đồng Hành: your work list"))
    url, key = _gateway_settings(channel)
    if not url:
        raise DeliveryError(f"no {channel} gateway is set up")
    return HttpProvider(url=url, key=key, timeout=settings.NOTIFICATION_PROVIDER_TIMEOUT)


def _gateway_settings(channel: str) -> tuple[str, str]:
    if channel == DeliveryChannel.SMS:
        return settings.SMS_PROVIDER_URL, settings.SMS_PROVIDER_KEY
    if channel == DeliveryChannel.ZALO:
        return settings.ZALO_PROVIDER_URL, settings.ZALO_PROVIDER_KEY
    raise ValueError(channel)


def mobile_number(value: str) -> str | None:
    """A Vietnamese mobile number as its ten national digits (0912345678), or None if it is not one."""
    digits = phone_digits(value)
    if len(digits) == 10 and digits.startswith(MOBILE_PREFIXES):
        return digits
    return None


def international(mobile: str) -> str:
    """0912345678 as +84912345678, the form gateways expect."""
    return "+84" + mobile[1:]


def without_diacritics(text: str) -> str:
    """Vietnamese text in plain letters, for SMS: a message with diacritics costs twice as many parts (70
    characters each instead of 160), and operators' branded SMS often refuse them."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
