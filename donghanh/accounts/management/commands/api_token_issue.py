"""manage.py api_token_issue <user name> --name "…" [--days N]: make an API token for a user and print its key."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from donghanh.accounts import services
from donghanh.accounts.models import User


class Command(BaseCommand):
    help = "Make an API token for a user (as that user) and print its key, which is not stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="its life in days (the setting API_TOKEN_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named “%(name)s”.") % {"name": options["username"]})
        try:
            issued = services.api_token_issue(actor=user, name=options["name"], days=options["days"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(issued.key)
