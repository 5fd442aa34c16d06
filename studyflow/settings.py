"""Settings, read from the environment.

With no environment at all Studyflow runs embedded: an SQLite file and a filesystem Celery broker
under `var/`. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS.
"""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from quiz.command_limits import command_rate
from studyflow import secret_key
from studyflow.csp import DEFAULT_POLICY
from studyflow.login_limits import parse_rate
from studyflow.logs import CLIENT_REFUSALS

BASE_DIR = Path(__file__).resolve().parent.parent
# A relative STUDYFLOW_VAR_DIR is under the project, wherever manage.py or a worker is started.
VAR_DIR = BASE_DIR / (os.environ.get("STUDYFLOW_VAR_DIR") or "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    text = os.environ.get(name, "").strip()
    try:
        value = int(text) if text else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {text!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_seconds(name: str, default: float, *, minimum: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {text!r}") from None
    if not minimum <= value < float("inf"):
        raise ImproperlyConfigured(f"{name} must be at least {minimum} seconds, not {text}")
    return value


DEVELOPMENT_SECRET_KEY = "django-insecure-studyflow-development-key-do-not-use-in-production"
given_secret_key = os.environ.get("SECRET_KEY")
# Set but empty is an unresolved variable in an env file, in any mode: taken for unset, it turned
# DEBUG on below (debug pages to everyone) with the public development key, without a word.
if given_secret_key is not None and secret_key.is_empty(given_secret_key):
    raise ImproperlyConfigured(
        "SECRET_KEY is set but empty (an unresolved variable in an env file?): give it a key "
        f"({secret_key.HOW_TO_MAKE_ONE}), or leave it out altogether on a development machine."
    )
SECRET_KEY = given_secret_key or DEVELOPMENT_SECRET_KEY
# Without SECRET_KEY we are on a developer's machine; a deployment sets one, and DEBUG=0.
DEBUG = env_bool("DEBUG", default=given_secret_key is None)
if not DEBUG and given_secret_key is None:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is not set (the development key is for DEBUG on only): set "
        f"SECRET_KEY in the environment; {secret_key.HOW_TO_MAKE_ONE}"
    )
weak_secret_key = None if DEBUG else secret_key.weakness(SECRET_KEY)
if weak_secret_key:
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for a site with DEBUG off: {weak_secret_key}. Django's deploy "
        "check (manage.py check --deploy) asks for at least 50 characters, at least 5 of them "
        f"different, not starting with 'django-insecure-'; {secret_key.HOW_TO_MAKE_ONE}"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth: its createsuperuser replaces auth's (the first app listed wins a
    # command's name), to refuse a username that is another's in another case.
    "studyflow",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "events",
    "quiz",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers for static files itself: an SVG opened alone is a page too.
    "studyflow.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Passwords not shown within minutes of being made leave the session at its next request: a
    # teacher's new password for a student, a class list's new students.
    "reporting.middleware.DropNewPasswordsNotShownMiddleware",
    "studyflow.pages_of_passwords.DropClassListsNotShownMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "studyflow.htmx.LoginRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "studyflow.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reporting.context_processors.rebuilding",
            ],
        },
    },
]

WSGI_APPLICATION = "studyflow.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'studyflow.sqlite3'}"
# Persistent connections, except under the development server: it runs each request in a new
# thread, and each thread's connection would stay open for the minute (a burst of requests ran
# PostgreSQL out of connections).
DEV_SERVER = sys.argv[1:2] == ["runserver"]
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            DATABASE_URL, conn_max_age=0 if DEV_SERVER else 60, conn_health_checks=True
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: wait for the lock instead of failing, and take the
    # write lock when a transaction starts so two writers never deadlock on a lock upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite keeps covering indexes as plain ones (it has no INCLUDE); the reports are the same,
    # so this warning on every command would only alarm a newcomer.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
):
    # Django turns psycopg's prepared statements off by default (for transaction-mode poolers),
    # which silently ignored the event store's prepare=True: every append was planned afresh,
    # about half its server CPU. Django's own cursors bind client-side and are never prepared.
    # Set DB_PREPARED_STATEMENTS=0 behind a pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("FAST_PASSWORD_HASHING", default=False):
    # Tests and benchmarks log thousands of users in; PBKDF2's deliberate slowness only costs time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    # The username in any case; it decides every log-in (studyflow/auth_backends.py).
    "studyflow.auth_backends.AnyCaseUsernameBackend",
    # Only for the sessions it logged in before: Django ends a session whose backend is unlisted.
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True
# One way to write a moment in the admin (studyflow/formats/en/formats.py): "2026-11-28 12:28:14".
FORMAT_MODULE_PATH = ["studyflow.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The site's "page out of date", with a log line naming the cause when a Secure cookie met HTTP.
CSRF_FAILURE_VIEW = "studyflow.csrf.csrf_failure"
# HTTP Strict Transport Security: browsers then refuse plain HTTP to this host for that long. Off
# until an operator sets it, once HTTPS works: a wrong value locks users out for its duration.
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# How long an API token works after it was issued (studyflow/tokens.py); then the client logs in
# again for a new one.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1, maximum=3650)
# What a page may load and run (studyflow/csp.py): by default this site's own files only, never
# inline script or style. An empty value sends no policy.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", DEFAULT_POLICY).strip()
if any(char in CONTENT_SECURITY_POLICY for char in "\r\n"):
    raise ImproperlyConfigured("CONTENT_SECURITY_POLICY must be one line")

# Failed log-ins allowed per account and address (log-in page, admin, API token): see
# studyflow/login_limits.py. Checked here, so a bad value stops the site from starting.
LOGIN_THROTTLE_RATE = os.environ.get("LOGIN_THROTTLE_RATE", "10/min")
try:
    parse_rate(LOGIN_THROTTLE_RATE)
except ValueError as error:
    raise ImproperlyConfigured(f"LOGIN_THROTTLE_RATE: {error}") from None
# Quiz commands (start, answer, reveal, next) allowed per student account, the pages and the API
# together: see quiz/command_limits.py. Reads are never counted, and "0" turns the limit off (an
# empty value is the default, as for the numbers above). Why 120 a minute: every question takes
# two commands (an answer, then "next"; a shown answer one more), and the fastest student, tapping
# a multiple-choice answer as it appears and "next" at once, manages a question every 2 to 3
# seconds: 40 to 60 commands a minute. The htmx requests that refresh the panel are reads, and a
# double click is recognised before it counts. Twice the fastest pace leaves room for a burst; a
# script is held to 2 commands a second instead of as many as the server takes.
COMMAND_THROTTLE_RATE = os.environ.get("COMMAND_THROTTLE_RATE", "").strip() or "120/min"
try:
    command_rate(COMMAND_THROTTLE_RATE)
except ValueError as error:
    raise ImproperlyConfigured(f"COMMAND_THROTTLE_RATE: {error}") from None
# Behind reverse proxies that append the client's address to X-Forwarded-For, how many of them
# there are (0: the peer's own address is the client's, and the header is ignored).
try:
    TRUSTED_PROXY_COUNT = max(0, int(os.environ.get("TRUSTED_PROXY_COUNT", "0")))
except ValueError:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number, such as 1") from None
# The counts (failed log-ins, quiz commands) live in the cache: each process's memory by default;
# a Redis URL shares them between the web processes of a site.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a Redis URL (redis://...), not {CACHE_URL!r}")
CACHES: dict[str, Any] = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Every quiz command and failed log-in asks the cache: a Redis that hangs may cost a
            # request a second, not the client's default 5 s per call (then the count is skipped).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        # Room for many counters: the default 300 entries would let a flood of them push one out.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "studyflow.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["studyflow.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "studyflow.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Studyflow API",
    "DESCRIPTION": "Event-sourced maths practice: quizzes, events and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The health check's "database" and "broker" share one ok/down enum; "cache" adds "local".
    "ENUM_NAME_OVERRIDES": {
        "ServiceStateEnum": "studyflow.api.UP_DOWN",
        "CacheStateEnum": "studyflow.api.CACHE_STATES",
        "StaticStateEnum": "studyflow.health.STATIC_STATES",
        "SweepStateEnum": "studyflow.health.SWEEP_STATES",
    },
    # A quiz id in any case (studyflow.converters) is still a UUID to clients.
    "PATH_CONVERTER_OVERRIDES": {"anyuuid": {"type": "string", "format": "uuid"}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default, kept
        # Retry-After on every 429 and 503, declared once rather than by each view.
        "studyflow.api.retry_after_headers",
    ],
}

# --- Celery ---------------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu's default is ./control, in whatever directory the process started
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # kombu's own, but writing each message whole (see studyflow.broker_files).
    CELERY_BROKER_TRANSPORT = "studyflow.broker_files:Transport"
else:
    # Above the longest task (a catch-up batch runs within its time budget), so a slow task is not
    # redelivered while it still runs. Short connect timeout: publishing a nudge must not hold up a
    # command when the broker is down (the beat sweep catches up later).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Projections (events/runner/) -----------------------------------------------------------------
# A catch-up task applies batches for at most this long, then re-queues itself (far below the
# visibility timeout); a batch is one short transaction.
PROJECTION_BATCH_SIZE = env_int("PROJECTION_BATCH_SIZE", 1000, minimum=1)
# Batches shrink below that size to keep each batch transaction near this long: a writing
# transaction holds back the event log's read horizon for every reader until it commits.
PROJECTION_BATCH_SECONDS = env_seconds("PROJECTION_BATCH_SECONDS", 0.5, minimum=0.01)
# Short, so live partitions get a worker process soon even while long replays run: each replay
# re-queues itself behind them every second (at 10 s, four rebuilds running at once held the
# live `answers` lag at p50 10 s / p99 26 s; at 1 s, p50 1.0 s / p99 2.2 s; idle cost: none).
PROJECTION_TIME_BUDGET_SECONDS = env_seconds("PROJECTION_TIME_BUDGET_SECONDS", 1, minimum=0.01)
# A failing projection retries after 2, 4, 8 ... seconds, at most 5 minutes apart.
PROJECTION_RETRY_BASE_SECONDS = env_seconds("PROJECTION_RETRY_BASE_SECONDS", 2, minimum=0.01)
PROJECTION_RETRY_MAX_SECONDS = env_seconds("PROJECTION_RETRY_MAX_SECONDS", 300, minimum=0.01)
# Projections besides the apps' own `<app>/projections.py` (modules that call register()).
PROJECTION_MODULES = env_list("PROJECTION_MODULES", "")
# How long a re-sent quiz command that changed nothing (a rejection, a start that returned the
# open quiz) still gets its first outcome back; later it is decided afresh. Retries come within
# minutes; a week leaves room for a phone that was offline over a weekend.
COMMAND_OUTCOME_DAYS = env_int("COMMAND_OUTCOME_DAYS", 7, minimum=1)
# The sweep queues catch-ups the nudges missed (a lost message, a broker outage); the health check
# calls it late after ten of these without one (studyflow.health).
PROJECTION_SWEEP_SECONDS = env_seconds("PROJECTION_SWEEP_SECONDS", 2, minimum=0.1)
CELERY_BEAT_SCHEDULE = {
    "sweep-projections": {
        "task": "events.sweep_projections",
        "schedule": PROJECTION_SWEEP_SECONDS,
        "options": {"expires": 10},
    },
    "forget-old-command-outcomes": {
        "task": "quiz.forget_old_command_outcomes",
        "schedule": 24 * 60 * 60.0,
        "options": {"expires": 60 * 60},
    },
    "forget-ended-sessions": {
        "task": "studyflow.forget_ended_sessions",
        "schedule": 24 * 60 * 60.0,
        "options": {"expires": 60 * 60},
    },
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # UTC with its Z (studyflow.logs): the process's own time zone is TIME_ZONE, not the log's.
    "formatters": {
        "plain": {
            "class": "studyflow.logs.UtcTimes",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {
        "client_errors": {"()": "studyflow.logs.NoTracebackForClientErrors"},
        "health_checks_503": {"()": "studyflow.logs.NoLineForTheHealthChecks503"},
        "database_down": {"()": "studyflow.logs.NoTracebackWhileTheDatabaseIsDown"},
        "client_refusals": {"()": "studyflow.logs.ClientRefusalsAreWarnings"},
        "refusals_logged": {"()": "studyflow.logs.NoSecondLine"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default handlers would print every request warning a second time.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # runserver's request lines: Django's own handler stamps them in local time, unmarked.
        "django.server": {"handlers": [], "propagate": True},
        "django.request": {
            "filters": ["client_errors", "health_checks_503", "database_down", "refusals_logged"]
        },
        "django.db.backends": {"level": "WARNING"},
        # The filesystem broker has no hostname; kombu warns about it on every connection.
        "kombu.connection": {"level": "ERROR"},
        # A client over Django's size limits or naming another host: a warning, not an error
        # (studyflow.logs).
        **{
            f"django.security.{refusal.__name__}": {"filters": ["client_refusals"]}
            for refusal in CLIENT_REFUSALS
        },
    },
}
