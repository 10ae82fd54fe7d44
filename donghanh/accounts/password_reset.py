"""A forgotten password reset through a link mailed to the account's address: Django's own password reset.

The request (`password_reset_views.PasswordResetRequestView`) asks for an e-mail address and always answers the same
page, whether or not an account has that address; it does the same work either way, as the mail is written and sent
by the task worker (`accounts.tasks.password_reset_mail`), so an address with an account does not answer slower.
Requests are counted per client address and per e-mail address (`THROTTLE_RATES["password_reset"]`). Only an active
account with a usable password gets a mail (Django's `PasswordResetForm.get_users`).

The link carries the account's id and a token of Django's `default_token_generator`: an HMAC of the account's id,
password hash, last login and e-mail, and the time it was made. It works until `PASSWORD_RESET_TIMEOUT` has passed
and only once, since setting the password (or logging in) changes what it was made from. The new password is set by
`services.user_reset_password`: the password rules apply, every session and API token of the user ends, and the
history records it. The user is not logged in: they log in with the new password, and the second factor if they
have one.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import ngettext

from donghanh.core.http import client_ip
from donghanh.core.throttles import RateThrottle

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
BODY_TEMPLATE = "accounts/password_reset_email.txt"


class PasswordResetAddressThrottle(RateThrottle):
    """Reset requests sent from one address (behind the trusted proxies), whatever e-mail address they name."""

    scope = "password_reset"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": f"address-{client_ip(request) or 'unknown'}"}


class PasswordResetEmailThrottle(RateThrottle):
    """Reset requests naming one e-mail address, from wherever they come: nobody fills an inbox with links. Counted
    whether or not an account has the address, so that being refused tells nothing about it."""

    scope = "password_reset"

    def __init__(self, email: str) -> None:
        super().__init__()
        self.email = email

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        digest = hashlib.sha256(self.email.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": f"email-{digest}"}


def link_lifetime() -> str:
    """How long a link works, as the mail and the pages say it: in hours when whole, else in minutes."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to each active account with the address `email` (none, if there is none), in the
    installation's language, from DEFAULT_FROM_EMAIL. The mail names neither the account nor anything in it."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(settings.LANGUAGE_CODE):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=BODY_TEMPLATE,
            from_email=settings.DEFAULT_FROM_EMAIL,
            extra_email_context={"lifetime": link_lifetime()},
        )
