"""Background tasks of accounts: the password reset mail (see `accounts.password_reset`)."""

from django.tasks import task

from donghanh.accounts.password_reset import password_reset_mail_send


@task()
def password_reset_mail(email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to the active accounts with this address; the request's answer never waits for it."""
    password_reset_mail_send(email=email, domain=domain, use_https=use_https)
