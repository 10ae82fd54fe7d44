"""The notification settings form. It parses; `notifications.notification_preference_save` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.casework.choices import DeliveryChannel
from donghanh.casework.delivery import gateway_configured
from donghanh.core.forms import AppForm

CHANNEL_FIELDS = {"by_email": DeliveryChannel.EMAIL, "by_sms": DeliveryChannel.SMS, "by_zalo": DeliveryChannel.ZALO}


class NotificationSettingsForm(AppForm):
    digest_daily = forms.BooleanField(label=_("Send me a daily summary of my work list"), required=False)
    by_email = forms.BooleanField(label=_("By email"), required=False)
    by_sms = forms.BooleanField(label=_("By SMS"), required=False)
    by_zalo = forms.BooleanField(label=_("By Zalo"), required=False)
    phone = forms.CharField(
        label=_("Mobile number for SMS and Zalo"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, channel in CHANNEL_FIELDS.items():
            if not gateway_configured(channel):  # a channel this installation cannot send by is shown, not offered
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Not set up on this server.")

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CHANNEL_FIELDS]

    def preference_fields(self) -> dict[str, Any]:
        """Cleaned values under the names `notification_preference_save` takes."""
        return {name: self.cleaned_data[name] for name in self.fields}
