"""Settings for the test suite: SQLite in memory unless DATABASE_URL names PostgreSQL."""

import copy
import os

from donghanh.core.crypto import key_from_text

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-only-not-secret"
FIELD_ENCRYPTION_KEYS = [key_from_text("test-only-field-key")]
FIELD_LOOKUP_KEY = "test-only-lookup-key-not-secret-at-all"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage serves unstyled pages under live_server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Each process's cache outlives the tests: counts would add up across them. The throttling tests set their rates.
THROTTLE_RATES = {"user": None, "address": None, "download": None, "login": None, "page": None}
# No role must give a second factor: the suite logs its users in with `force_login` and the demo accounts' password.
# The two-factor tests set the list themselves (donghanh/accounts/tests/test_second_factor*.py); a user who has a
# device is still asked for a code here.
MFA_REQUIRED_ROLES = []
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
# PostgreSQL: test_donghanh, or TEST_DATABASE_NAME so that two checkouts on one server do not collide. Under
# pytest-xdist each worker adds its suffix (test_donghanh_gw0, test_donghanh_gw1…).
DATABASES["default"]["TEST"] = {
    "NAME": None
    if "sqlite" in DATABASES["default"]["ENGINE"]
    else os.environ.get("TEST_DATABASE_NAME") or "test_donghanh"
}
# The read replica of production, as Django's test mirror: the test database under the alias `replica`. Nothing
# reads there unless a test installs the replica's router and middleware (donghanh/core/tests/test_replica.py).
# Read-only, as a standby is: a write routed there by mistake fails the test.
DATABASES["replica"] = {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}}
if "sqlite" in DATABASES["replica"]["ENGINE"]:
    DATABASES["replica"]["OPTIONS"] = {"init_command": "PRAGMA query_only = ON;"}
else:
    DATABASES["replica"]["OPTIONS"]["options"] += " -c default_transaction_read_only=on"
