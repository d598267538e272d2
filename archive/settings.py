"""Project settings, driven by environment variables with safe local defaults.

Embedded default: SQLite and a Whoosh index in PARLEY_DATA_DIR (./var/), zero configuration.
Production: DATABASE_URL=postgres://..., DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The archive's public address, scheme and host: permanent identifiers (Atom ids, the Akoma
# Ntoso export's FRBRalias) are made from it, never from the Host a request came in on, so they
# stay the same whatever name or proxy the site is reached through. `check --deploy` warns when
# production leaves it at this local default (archive/checks.py).
PARLEY_SITE_URL_DEFAULT = "http://localhost:8000"
PARLEY_SITE_URL = (os.environ.get("PARLEY_SITE_URL") or PARLEY_SITE_URL_DEFAULT).rstrip("/")
_site = urlsplit(PARLEY_SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query:
    raise ImproperlyConfigured(
        "PARLEY_SITE_URL must be the site's scheme and host, e.g. https://parley.example.org"
    )

DATA_DIR = Path(os.environ.get("PARLEY_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "haystack",
    "axes",
    "reversion",  # curators' change history (see README, "Curating in the admin")
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.routers.ReplicaReadsMiddleware",  # after auth: a curator's requests read the primary
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a lockout into its answer
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

# Database: SQLite in the data folder unless DATABASE_URL names another (PostgreSQL via psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'parley.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an ingest writes; wait for a lock rather than fail at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# Read replicas (PostgreSQL streaming replicas of "default"), none by default:
# DATABASE_REPLICA_URLS=postgres://parley@replica1:5432/parley,postgres://... become the aliases
# replica1, replica2 ... The router sends a request's reads to one of them only when the
# request is marked replica-readable (anonymous GET/HEAD of a public page, archive.routers);
# everything else, writes first, uses the primary. In tests they mirror "default".
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    alias = f"replica{number}"
    DATABASES[alias] = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(alias)
DATABASE_ROUTERS = ["archive.routers.ReplicaRouter"]

# Caching (Django's cache framework): with CACHE_URL (redis://host:6379/1, Django's RedisCache;
# or locmem:// for a cache in each process), search pages, their JSON and their facet counts
# are cached for PARLEY_CACHE_SECONDS, under keys that hold the archive's data version, which
# every change of published data bumps in its own transaction (archive.caching). Without
# CACHE_URL nothing is cached.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("PARLEY_CACHE_PREFIX", "parley"),
            # A cache that does not answer at once is passed by (archive.caching), not waited for.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be redis://host:port/db, rediss://… or locmem://.")
PARLEY_CACHE_SECONDS = int(os.environ.get("PARLEY_CACHE_SECONDS", "3600")) if CACHE_URL else 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Admin logins are throttled (django-axes): five failures for one account from one address lock
# that pair out for 15 minutes (429); a success starts the count again. Counting the pair, not
# the address alone, keeps curators behind one proxy or office address from locking each other
# out; a locked pair is listed, and can be released, in the admin ("Access attempts").
AUTHENTICATION_BACKENDS = [
    "archive.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp) on every answer, the admin's included: the pages use no
# inline script or style and load nothing from elsewhere, so the policy names only this site
# ("connect-src" is live search fetching the same page). The browser tests fail on any refusal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

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

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

# "Add transcript from text" takes a pasted transcript as large as a file may be (20 MB,
# archive.ingest.reading.MAX_BYTES), and the form fields around it. Forms stay under Django's
# 1,000 fields: the admin edits turns a page at a time.
DATA_UPLOAD_MAX_MEMORY_SIZE = 21 * 1024 * 1024
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

# Search: haystack with the embedded Whoosh index by default; any haystack engine by setting.
# Which engine answers the search page: "whoosh" (haystack with the tuned Whoosh backend, the
# embedded default), "haystack" (the same haystack path with whatever backend
# PARLEY_HAYSTACK_ENGINE names: Solr, Elasticsearch) or "postgres" (full-text search inside
# PostgreSQL); "postgres" by default when the database is PostgreSQL.
PARLEY_SEARCH_ENGINE = os.environ.get("PARLEY_SEARCH_ENGINE") or (
    "postgres" if IS_POSTGRES else "whoosh"
)
if PARLEY_SEARCH_ENGINE not in {"whoosh", "haystack", "postgres"}:
    raise ImproperlyConfigured("PARLEY_SEARCH_ENGINE must be 'whoosh', 'haystack' or 'postgres'.")
if PARLEY_SEARCH_ENGINE == "postgres" and not IS_POSTGRES:
    raise ImproperlyConfigured(
        "PARLEY_SEARCH_ENGINE=postgres needs DATABASE_URL to point at PostgreSQL."
    )
HAYSTACK_CONNECTIONS = {
    "default": {
        # The Whoosh engine is Parley's own haystack backend; "haystack" may name another one.
        "ENGINE": (PARLEY_SEARCH_ENGINE == "haystack" and os.environ.get("PARLEY_HAYSTACK_ENGINE"))
        or "archive.search.engines.whoosh.backend.ParleyWhooshEngine",
        "PATH": os.environ.get("PARLEY_INDEX_DIR") or str(DATA_DIR / "whoosh_index"),
        "URL": os.environ.get("PARLEY_HAYSTACK_URL", ""),
        "INDEX_NAME": os.environ.get("PARLEY_HAYSTACK_INDEX_NAME", "parley"),
    },
}
HAYSTACK_SIGNAL_PROCESSOR = "archive.search.indexing.OnCommitSignalProcessor"
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20

# PARLEY_SITE_URL (above) also makes the links in alert mails (sent by `send_alerts` from cron,
# with no request to read the address from).
# Where the About page and each statement's "Report a correction" link send readers.
PARLEY_CORRECTIONS_EMAIL = os.environ.get("PARLEY_CORRECTIONS_EMAIL", "corrections@localhost")

# Mail (alerts: confirmations and digests), with Django's own EMAIL_* settings from the
# environment. Without EMAIL_HOST a development server prints mails on its console instead of
# sending them; in production (DEBUG off) SMTP is always used.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parley alerts <alerts@localhost>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)

# Production hardening (see README, "Production"): on when DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
