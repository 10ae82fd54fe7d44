"""Settings for `make run` on a laptop: debug on, SQLite under var/ unless DATABASE_URL says otherwise."""

import os
import secrets

from donghanh.core.crypto import key_generate

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_list

DEBUG = env_bool("DEBUG", default=True)


def _local_secret_key() -> str:
    """A key generated once per checkout, so sessions survive a restart."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()


def _local_field_keys() -> tuple[list[str], str]:
    """The encryption key and the lookup-hash key of this checkout, generated once into var/ (owner-only)."""
    path = VAR_DIR / "field-keys"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(f"{key_generate()}\n{secrets.token_urlsafe(48)}\n")
    encryption_key, lookup_key = path.read_text().split()
    return [encryption_key], lookup_key


_encryption_keys, _lookup_key = _local_field_keys()
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or _encryption_keys
FIELD_LOOKUP_KEY = os.environ.get("FIELD_LOOKUP_KEY") or _lookup_key
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
