"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DONGHANH_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Encryption at rest (donghanh.core.crypto): Fernet keys, newest first, comma-separated; the key of the lookup hashes.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_LOOKUP_KEY = os.environ.get("FIELD_LOOKUP_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "donghanh.core",
    "donghanh.orgunits",
    "donghanh.accounts",
    "donghanh.audit",
    "donghanh.people",
    "donghanh.episodes",
    "donghanh.roster",
    "donghanh.privacy",
    "donghanh.casework",
    "donghanh.support",
    "donghanh.community",
    "donghanh.reports",
    "donghanh.imports",
    "donghanh.search",
    "donghanh.web",
    "donghanh.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "donghanh.core.http.NoStoreMiddleware",
    "donghanh.core.throttles.ApiAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "donghanh.core.http.NulRefusedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "donghanh.accounts.middleware.SecondFactorMiddleware",
    "donghanh.accounts.middleware.PasswordChangeMiddleware",
    "donghanh.core.throttles.PageRateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "donghanh.web.context_processors.navigation",
            ],
        },
    },
]


def database_config(url: str) -> dict[str, Any]:
    """One entry of DATABASES from a URL, with the options every connection to it needs."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")))
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the task worker write while the web process reads.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        }
    else:
        # A report's statements carry dozens of correlated subqueries: PostgreSQL's JIT compiles them for longer
        # than they take to run (a province report: 5.2 s with JIT, 0.7 s without; docs/benchmarks.md).
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'donghanh.sqlite3'}")}
# A PostgreSQL streaming replica of the default database (docs/deployment.md, "A read replica"): the pages' and
# the API's reads go there, writes and the reads that follow them stay on the primary (donghanh/core/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_config(os.environ["DATABASE_REPLICA_URL"])
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to a PostgreSQL replica (postgres://…).")
    # A standby refuses writes anyway; this also holds for a replica that would accept them.
    DATABASES["replica"]["OPTIONS"]["options"] += " -c default_transaction_read_only=on"
    # Tests never touch the real replica: it is the test database under another name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["donghanh.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "donghanh.core.replica.ReplicaPinningMiddleware",
    )
# Seconds a browser reads from the primary after it wrote: longer than the replica lags behind.
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "15"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "donghanh.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end eight hours after login and when the browser closes: shared phones are common.
# (Not renewed on every request: that would write the session row on every page view.)
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# A forgotten password: the link mailed (accounts.password_reset) works once, within this time.
PASSWORD_RESET_TIMEOUT = 60 * int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))

# Login lockout: five failures for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "donghanh.core.http.client_ip"
# Reverse proxies in front of the application (nginx: 1); their X-Forwarded-For is trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor authentication (django-otp; donghanh/accounts/second_factor.py). These roles see sensitive data (drug
# use, tests, health, legal measures, the access log), manage users, or read the registry of their units whole (being
# in it is itself sensitive): each of their holders must add an authenticator app, and is sent to do it right after
# the password. Every other role (volunteers, board members: narrowed to the people they follow) may add one from its
# own page. A test keeps this list equal to the roles holding a capability of
# `accounts.permissions.SENSITIVE_CAPABILITIES` or the people's view not narrowed (`accounts.scope.narrowed_roles`).
MFA_REQUIRED_ROLES = [
    "system_admin",
    "national_manager",
    "province_officer",
    "commune_officer",
    "commune_police",
    "health_staff",
    "auditor",
]
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Đồng Hành"

LANGUAGE_CODE = "vi"
# Each language is named in itself, as a language switch should show it.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "donghanh" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["donghanh.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Vendored front-end libraries (bootstrap, htmx, icons) live outside any app.
STATICFILES_DIRS = [BASE_DIR / "donghanh" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: every script is a static file.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

REST_FRAMEWORK = {
    # Token first: a request without valid credentials then gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "donghanh.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["donghanh.accounts.access.DenyUndeclared"],
    "DEFAULT_PAGINATION_CLASS": "donghanh.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per user here; per address in core.throttles.ApiAddressMiddleware, before anyone is authenticated.
    "DEFAULT_THROTTLE_CLASSES": ["donghanh.core.throttles.UserThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
# API tokens (django-rest-knox): stored as SHA-512 digests in `accounts.ApiToken`, named, listed with their last use.
# A token lives API_TOKEN_DAYS days unless its owner picks a shorter life; a user holds at most API_TOKENS_PER_USER.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would make a table for its default model, which `accounts.ApiToken` replaces.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
API_TOKENS_PER_USER = 10
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False, "AUTH_HEADER_PREFIX": "Token"}
# Requests per user and per address to the API, and files per user (`core.throttles`); None turns one off.
THROTTLE_RATES: dict[str, str | None] = {
    "user": os.environ.get("THROTTLE_USER", "1200/min"),
    "address": os.environ.get("THROTTLE_ADDRESS", "3000/min"),
    "download": os.environ.get("THROTTLE_DOWNLOAD", "30/min"),
    "login": os.environ.get("THROTTLE_LOGIN", "30/min"),
    "page": os.environ.get("THROTTLE_PAGE", "600/min"),
    # Requests for a password reset link, counted per address and, separately, per e-mail address named.
    "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "5/hour"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đồng Hành API",
    "DESCRIPTION": "Case management and reporting for community-based drug-rehabilitation support.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # A request body has a component of its own (`…Request`), without the read-only fields of the answer.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its error answers (core/schema.py); a field left out of some rows is not required
    # (core/schema_fields.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "donghanh.core.schema.error_responses",
        "donghanh.core.schema_fields.may_be_absent",
    ],
    # Choice sets behind fields of the same name ("status", "kind"): each gets its own enum name.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "donghanh.casework.choices.PlanStatus",
        "GoalStatusEnum": "donghanh.casework.choices.GoalStatus",
        "PartnerKindEnum": "donghanh.support.choices.PartnerKind",
        "ReferralKindEnum": "donghanh.support.choices.ReferralKind",
        "ReferralStatusEnum": "donghanh.support.choices.ReferralStatus",
        "ModelStatusEnum": "donghanh.community.choices.ModelStatus",
        "BoardRoleEnum": "donghanh.community.choices.BoardRole",
        "LeaveReasonEnum": "donghanh.community.choices.LeaveReason",
        "SessionKindEnum": "donghanh.community.choices.SessionKind",
        "ActivityKindEnum": "donghanh.community.choices.ActivityKind",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "donghanh@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step and page of each PDF it makes at INFO. Django's own messages go to the root's handler
    # only (its default handler beside it printed each of them, a task's start and end included, twice under DEBUG).
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO"},
    },
}

# Page size of HTML lists, and how far a list is counted: a longer one says "more than 1,000" (core.pagination).
LIST_PAGE_SIZE = 50
LIST_COUNT_CAP = 1000

# Case work: when things fall due on the work list (days, unless named otherwise).
CASEWORK_NO_CONTACT_DAYS = int(os.environ.get("CASEWORK_NO_CONTACT_DAYS", "30"))
CASEWORK_EPISODE_ENDING_DAYS = int(os.environ.get("CASEWORK_EPISODE_ENDING_DAYS", "30"))
# A month's assessment may still be entered this many days into the next month before it is overdue.
CASEWORK_ASSESSMENT_GRACE_DAYS = int(os.environ.get("CASEWORK_ASSESSMENT_GRACE_DAYS", "5"))
# How many past months of missing assessments the work list shows.
CASEWORK_OVERDUE_MONTHS_SHOWN = int(os.environ.get("CASEWORK_OVERDUE_MONTHS_SHOWN", "3"))
# People under these measures (episode types) are assessed every month.
CASEWORK_ASSESSED_EPISODE_TYPES = env_list(
    "CASEWORK_ASSESSED_EPISODE_TYPES",
    "post_rehab_management,drug_user_management,voluntary_community_rehab,administrative_education,early_intervention",
)
# Roster: days the receiving commune has to answer a move before the province may complete it.
ROSTER_TRANSFER_ANSWER_DAYS = int(os.environ.get("ROSTER_TRANSFER_ANSWER_DAYS", "7"))
# Notifications outside the application (casework.notifications): a daily summary that only counts the work due and
# overdue, by email, SMS or Zalo, as each user chooses. NOTIFICATION_EMAILS: by email for users who have not chosen.
NOTIFICATION_EMAILS = env_bool("NOTIFICATION_EMAILS")
# The site's address (https://donghanh.example.vn), put in the summary as a link; no link when empty.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# SMS and Zalo go through HTTP gateways (casework.delivery): a JSON POST to the URL, the key in an X-Api-Key header.
# A channel whose URL is empty is not offered.
SMS_PROVIDER_URL = os.environ.get("SMS_PROVIDER_URL", "")
SMS_PROVIDER_KEY = os.environ.get("SMS_PROVIDER_KEY", "")
ZALO_PROVIDER_URL = os.environ.get("ZALO_PROVIDER_URL", "")
ZALO_PROVIDER_KEY = os.environ.get("ZALO_PROVIDER_KEY", "")
NOTIFICATION_PROVIDER_TIMEOUT = float(os.environ.get("NOTIFICATION_PROVIDER_TIMEOUT", "10"))
# Seconds the menu's count of a user's due and overdue work is kept before it is counted again.
NOTIFICATION_COUNT_SECONDS = int(os.environ.get("NOTIFICATION_COUNT_SECONDS", "180"))
# The local hour from which `manage.py run_worker` queues the day's housekeeping (and so sends the summaries).
HOUSEKEEPING_HOUR = int(os.environ.get("HOUSEKEEPING_HOUR", "6"))

# Support: a job counts as stable once the person has held it this many months.
SUPPORT_STABLE_JOB_MONTHS = int(os.environ.get("SUPPORT_STABLE_JOB_MONTHS", "3"))
# A referral with no answer after this many days appears on the referring user's work list.
SUPPORT_REFERRAL_ANSWER_DAYS = int(os.environ.get("SUPPORT_REFERRAL_ANSWER_DAYS", "14"))
# Community models: a member attends "regularly" over a period when present at this share of the
# model's sessions held while they were a member (seed 004's clubs count regular attendance).
COMMUNITY_REGULAR_ATTENDANCE_PERCENT = int(os.environ.get("COMMUNITY_REGULAR_ATTENDANCE_PERCENT", "75"))
# Access review (the auditor's page): one user viewing more distinct sensitive records than this within one clock
# hour is flagged.
ACCESS_REVIEW_RECORDS_PER_HOUR = int(os.environ.get("ACCESS_REVIEW_RECORDS_PER_HOUR", "50"))


def env_hours(name: str, default: str) -> tuple[int, int]:
    """A span of hours of the day written `start-end` (e.g. `7-18`): from start o'clock up to end o'clock."""
    value = os.environ.get(name, default)
    try:
        start, end = (int(part) for part in value.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must read start-end in hours, e.g. 7-18, not {value!r}") from None
    if not 0 <= start < end <= 24:
        raise ImproperlyConfigured(f"{name} must read start-end with 0 <= start < end <= 24, not {value!r}")
    return start, end


# Working hours in local time (TIME_ZONE), Monday to Saturday: a view outside them is flagged on the access review.
ACCESS_REVIEW_WORKING_HOURS = env_hours("ACCESS_REVIEW_WORKING_HOURS", "7-18")
# Reports: read the people's figures from their monthly status rows (kept in step with the records; see
# docs/reports-status.md). Off, every report reads the records themselves: the same figures, much slower at scale.
REPORTS_STATUS_ROWS = env_bool("REPORTS_STATUS_ROWS", True)

# Imports from Excel (donghanh.imports): the limits of an uploaded file (core.xlsx_read), and the days an import never
# applied is kept (the rows it read hold names and identifiers).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "50000"))
IMPORT_KEPT_DAYS = int(os.environ.get("IMPORT_KEPT_DAYS", "7"))
# An upload up to that size stays in the process's memory, never in a temporary file on disk: it holds identifiers.
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Personal data protection (donghanh.privacy). Years after a person left the roster (or died) before each kind of
# their records is anonymised (donghanh.privacy.kinds), unless a legal hold stands.
RETENTION_YEARS = {
    "identity": int(os.environ.get("RETENTION_YEARS_IDENTITY", "10")),
    "health": int(os.environ.get("RETENTION_YEARS_HEALTH", "5")),
    "legal": int(os.environ.get("RETENTION_YEARS_LEGAL", "10")),
    "casework": int(os.environ.get("RETENTION_YEARS_CASEWORK", "5")),
    "support": int(os.environ.get("RETENTION_YEARS_SUPPORT", "5")),
    "community": int(os.environ.get("RETENTION_YEARS_COMMUNITY", "5")),
    "privacy": int(os.environ.get("RETENTION_YEARS_PRIVACY", "10")),
}
# Data-subject requests: acknowledged within 2 working days (DOMAIN.md); answered within these working days per kind.
PRIVACY_ACKNOWLEDGE_WORKING_DAYS = int(os.environ.get("PRIVACY_ACKNOWLEDGE_WORKING_DAYS", "2"))
PRIVACY_ANSWER_WORKING_DAYS = {
    "access": int(os.environ.get("PRIVACY_ANSWER_DAYS_ACCESS", "10")),
    "correction": int(os.environ.get("PRIVACY_ANSWER_DAYS_CORRECTION", "10")),
    "restriction": int(os.environ.get("PRIVACY_ANSWER_DAYS_RESTRICTION", "10")),
    "objection": int(os.environ.get("PRIVACY_ANSWER_DAYS_OBJECTION", "10")),
    "deletion": int(os.environ.get("PRIVACY_ANSWER_DAYS_DELETION", "20")),
}
