"""Print the current code of the demo accounts' second factor (`donghanh.demo.second_factor.DEMO_TOTP_KEY`)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from donghanh.demo.second_factor import DEMO_TOTP_KEY, demo_totp_code

STEP = 30  # seconds a TOTP code lasts


class Command(BaseCommand):
    help = "Print the 6-digit code the demo accounts' second factor asks for now (the published demo key)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = time.time()
        left = STEP - int(now) % STEP
        self.stdout.write(demo_totp_code(now))
        self.stderr.write(f"valid for {left} more seconds; demo key {DEMO_TOTP_KEY} (add it to an authenticator app)")
