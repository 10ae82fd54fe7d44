from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "donghanh.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from donghanh.accounts.second_factor import login_recorded

        # Every login writes into its session the second step it has left (a code, or enrolment).
        user_logged_in.connect(login_recorded, dispatch_uid="donghanh.accounts.second_factor")
