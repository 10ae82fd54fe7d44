"""Production settings: every secret and host comes from the environment, and nothing insecure is assumed."""

import importlib.util
import json
import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from donghanh.core.crypto import keys_check, lookup_key_check

from .base import *  # noqa: F403
from .base import DATABASES, env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
# Identifiers and free text are encrypted at rest (donghanh.core.crypto): no key, no start.
FIELD_ENCRYPTION_KEYS = keys_check(env_list("FIELD_ENCRYPTION_KEYS"))
FIELD_LOOKUP_KEY = lookup_key_check(os.environ.get("FIELD_LOOKUP_KEY", ""))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) this site is served on.")
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point to the production PostgreSQL database (postgres://…).")

for database in DATABASES.values():  # the default database, and the read replica when there is one
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A connection pool per process; the API's throughput depends on it.
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        }

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix: a browser takes these cookies only over HTTPS, for this host alone (no Domain), for every path.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

MAILERS: dict[str, dict[str, Any]] = {  # type: ignore[no-redef]
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        },
    }
}
# Or through a provider's HTTP API (django-anymail): ANYMAIL_PROVIDER names its backend module (sendgrid, mailgun,
# brevo, postmark, amazon_ses…), ANYMAIL_API_KEY its key, ANYMAIL_OPTIONS (JSON) any other option it needs.
ANYMAIL_PROVIDER = os.environ.get("ANYMAIL_PROVIDER", "").strip().lower()
if ANYMAIL_PROVIDER:
    if importlib.util.find_spec(f"anymail.backends.{ANYMAIL_PROVIDER}") is None:
        raise ImproperlyConfigured(f"ANYMAIL_PROVIDER: django-anymail has no provider {ANYMAIL_PROVIDER!r}.")
    _anymail_options: dict[str, Any] = json.loads(os.environ.get("ANYMAIL_OPTIONS") or "{}")
    if _anymail_key := os.environ.get("ANYMAIL_API_KEY", ""):
        # Postmark calls its key a server token; the others an API key.
        _anymail_options["server_token" if ANYMAIL_PROVIDER == "postmark" else "api_key"] = _anymail_key
    _anymail_mailer: dict[str, Any] = {"BACKEND": f"anymail.backends.{ANYMAIL_PROVIDER}.EmailBackend"}
    MAILERS = {"default": _anymail_mailer | {"OPTIONS": _anymail_options}}
