"""Settings for `make bench-national`: production's, served over plain HTTP on the loopback, with a URLconf that
adds a bare JSON view beside the product's (`scripts/bench_urls.py`) to compare the API lists with.

Production's settings read their secrets and hosts from the environment; the benchmark sets them (a throwaway
key, the loopback hosts, no HTTPS redirect) before loading these. Never used to serve anything but the benchmark.
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .production import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"
# The manifest of the collected static files lives apart from a deployment's (`collectstatic` into it first).
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT") or BASE_DIR / "var" / "bench-static")  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"  # a __Host- cookie needs HTTPS
CSRF_COOKIE_NAME = "csrftoken"
SECURE_HSTS_SECONDS = 0
# The load test measures throughput: no throttling (production's limits would answer most requests with 429).
THROTTLE_RATES = {"user": None, "address": None, "download": None, "login": None, "page": None}
