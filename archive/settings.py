"""Settings for the defense-diplomacy archive, read from the environment.

DATABASE_URL   PostgreSQL URL. Unset: the launcher (archive/launcher.py) starts the
               embedded server and sets it for the command it runs.
SECRET_KEY     required when DEBUG is off.
DEBUG          "1"/"true" to turn on; off by default.
ALLOWED_HOSTS  comma-separated; defaults to localhost names.
SECURE_SSL     "1" behind HTTPS: secure cookies, HSTS and the HTTPS redirect.
CONN_MAX_AGE   seconds a database connection is kept for reuse (default 60; 0: none).
DATABASE_REPLICA_URLS  comma-separated URLs of streaming replicas of DATABASE_URL; public
               pages read from them (docs/scaling.md).
DATABASE_REPLICA_RETRY_SECONDS  how long an unreachable replica is left alone; 30.
DATABASE_WORK_MEM  PostgreSQL work_mem of the archive's connections (default 32MB).
WEB_STATEMENT_TIMEOUT  seconds a database statement of a web request may run (default 10;
               0: no limit); commands (imports, exports, migrations) are not limited.
ARCHIVE_RANKED_MATCHES  how many of a broad search's newest matches relevance ranks and
               the facets count (default 1000; README: what changing it costs).
ARCHIVE_PARALLEL_READS  threads a web process runs a page's independent reads on, each
               with a database connection of its own (default 2; 0: none, every read on
               the request's thread; archive/parallel_reads.py).
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (./run does this for local use)."
        )
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run commands through the launcher, which starts the "
        "embedded PostgreSQL: ./run manage <command> (or python manage.py <command>)."
    )
# Persistent connections: each server thread keeps its connection for CONN_MAX_AGE seconds
# (0: a new one per request) and tests a reused one before the request's first query, so a
# database restart costs no request once the database is back (README, "Production and load").
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60))
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The embedded server's URL names its unix-socket folder as ?host=; Django's own tools
# (dbshell, the test runner) look for it in HOST.
if not DATABASES["default"]["HOST"] and "host" in DATABASES["default"]["OPTIONS"]:
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")

# A search ANDs bitmaps of the text, people and date indexes. Past PostgreSQL's default 4 MB
# a bitmap turns lossy, and every candidate's search vector is then read again from TOAST:
# at a million articles, a search filtered by a person took 464 ms instead of 74.
DATABASE_WORK_MEM = os.environ.get("DATABASE_WORK_MEM", "32MB")
if not re.fullmatch(r"\d+(kB|MB|GB)", DATABASE_WORK_MEM):
    raise ImproperlyConfigured("DATABASE_WORK_MEM is a size such as 32MB (kB, MB or GB).")
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c work_mem={DATABASE_WORK_MEM}".strip()


# A web request's database statements stop after this many seconds (0: never), so that a
# search that would read the vectors of most of the archive answers "took too long" rather
# than hold a worker and the database for a minute (archive/middleware.py).
try:
    WEB_STATEMENT_TIMEOUT = float(os.environ.get("WEB_STATEMENT_TIMEOUT", 10))
except ValueError:
    WEB_STATEMENT_TIMEOUT = -1.0
if not 0 <= WEB_STATEMENT_TIMEOUT < float("inf"):
    raise ImproperlyConfigured("WEB_STATEMENT_TIMEOUT is a number of seconds, 0 for no limit.")


def replica_database(url, primary):
    """A streaming replica's settings: its own address, the rest (connection reuse, health
    checks, OPTIONS) as the primary's. A replica that does not answer costs a request at
    most connect_timeout seconds before its reads go elsewhere. In tests it mirrors the
    primary's test database (Django's TEST MIRROR), which is not created twice."""
    own = dj_database_url.parse(url)
    options = {"connect_timeout": 3, **primary.get("OPTIONS", {}), **own.get("OPTIONS", {})}
    host = options.pop("host", None) or own["HOST"]
    address = {key: own[key] for key in ("NAME", "USER", "PASSWORD", "PORT")}
    return {**primary, **address, "HOST": host, "OPTIONS": options, "TEST": {"MIRROR": "default"}}


# Reads of public pages go to the replicas, everything else to the primary: archive/replicas.py.
REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for number, url in enumerate(REPLICA_URLS, start=1):
    DATABASES[f"replica_{number}"] = replica_database(url, DATABASES["default"])
if REPLICA_URLS:
    DATABASE_ROUTERS = ["archive.routers.ReplicaRouter"]
# How long a replica that could not be reached is left alone.
DATABASE_REPLICA_RETRY_SECONDS = int(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", 30))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "axes",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns "database unreachable" into a 503 page (templates/503.html) instead of a 500.
    "archive.middleware.DatabaseUnavailableMiddleware",
    # Bounds each database statement of a request (WEB_STATEMENT_TIMEOUT).
    "archive.middleware.StatementTimeoutMiddleware",
    # Before sessions and authentication, which then read from the request's database.
    "archive.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bounded work on broad searches and long lists (archive/paging.py, archive/search.py):
# lists count exactly up to this many rows and estimate beyond; relevance is ranked, and
# facets of broad searches counted, among this many newest matches.
ARCHIVE_EXACT_COUNT_LIMIT = 10_000
ARCHIVE_RANKED_MATCHES = os.environ.get("ARCHIVE_RANKED_MATCHES", "1000").strip()
if not re.fullmatch(r"[1-9]\d{0,5}", ARCHIVE_RANKED_MATCHES):
    raise ImproperlyConfigured("ARCHIVE_RANKED_MATCHES is a whole number from 1 to 999999.")
ARCHIVE_RANKED_MATCHES = int(ARCHIVE_RANKED_MATCHES)
ARCHIVE_PARALLEL_READS = os.environ.get("ARCHIVE_PARALLEL_READS", "2").strip()
if not re.fullmatch(r"\d{1,2}", ARCHIVE_PARALLEL_READS):
    raise ImproperlyConfigured("ARCHIVE_PARALLEL_READS is a whole number from 0 to 99.")
ARCHIVE_PARALLEL_READS = int(ARCHIVE_PARALLEL_READS)

# Security ---------------------------------------------------------------------------------
# Pages carry no inline script or style: everything comes from our own static files, so
# the policy can be strict. The admin (Django 5.2) needs nothing more: its scripts are
# files, its data travels in data- attributes, and its scripts set styles through the
# CSSOM, which style-src does not govern. https://django-csp.readthedocs.io/en/4.0/
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login attempts (django-axes): after 5 failures for one username from one address, that
# pair is refused (HTTP 429) for 15 minutes after its last failure; a success before then
# clears the count. The pair, not the address alone, so a curator sharing an office
# address with someone who mistypes is not locked out, and not the username alone, so no
# one can lock a curator out from elsewhere. The address is REMOTE_ADDR: behind a proxy
# that is the proxy's, and the limit becomes one per username. Tests log in with
# client.force_login(): axes needs the request that client.login() does not pass.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "archive.security.lockout_response"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_flag("SECURE_SSL"):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
