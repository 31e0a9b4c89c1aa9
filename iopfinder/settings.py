"""IOPfinder settings, read from the environment (Twelve-Factor).

With nothing set the site runs in development mode on an embedded SQLite file.
``DATABASE_URL`` switches to PostgreSQL, the production database.  With
``DJANGO_DEBUG`` off the site refuses to start without ``DJANGO_SECRET_KEY``.
"""

import os
import re
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before the admin, so vocabulary admins show a field per language (name_en, name_es).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_ratelimit",
    "csp",
    "django_htmx",
    "programs",
    "matching",
    "matching.clinicians",
    "matching.shortlists",
]

MIDDLEWARE = [
    "iopfinder.middleware.RequestIdMiddleware",
    "iopfinder.middleware.BodySizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything that can answer a request itself, so API answers carry CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iopfinder.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so it sees a lost database from the views and the middleware above.
    "iopfinder.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "iopfinder.urls"

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
                "iopfinder.context_processors.site",
                "matching.shortlists.context_processors.template_slots",
            ],
        },
    },
]

WSGI_APPLICATION = "iopfinder.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # A persistent connection is checked before reuse, so a database restart costs no request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is for development: concurrent writers wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2 first (memory-hard); the others stay so older hashes still verify and upgrade on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Clinician accounts (matching/clinicians): where login lives, and how failed log-ins are
# slowed (matching/clinicians/throttle.py): per account and client pair, a growing delay,
# then after ATTEMPTS failures a cooldown; counts are forgotten after WINDOW seconds.
LOGIN_URL = "clinicians:login"
LOGIN_REDIRECT_URL = "shortlists:list"
LOGOUT_REDIRECT_URL = "programs:home"
LOGIN_THROTTLE_ATTEMPTS = int(os.environ.get("DJANGO_LOGIN_THROTTLE_ATTEMPTS", "5"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("DJANGO_LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
LOGIN_THROTTLE_COOLDOWN_SECONDS = int(
    os.environ.get("DJANGO_LOGIN_THROTTLE_COOLDOWN_SECONDS", "300")
)

# Email: printed to the console in development; SMTP when DJANGO_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "IOPfinder <no-reply@localhost>")

# Patient share links for clinician shortlists.
SHORTLIST_SHARE_DEFAULT_DAYS = 30
SHORTLIST_SHARE_MAX_DAYS = 90

LANGUAGE_CODE = "en-us"
# Only languages with a full catalogue in locale/ (compiled by `make`, see the Makefile): a browser
# asking for another gets English throughout, never English pages with Django's own messages in
# its language. tests/test_translations.py fails while any string lacks its Spanish.
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
FORMAT_MODULE_PATH = ["iopfinder.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Vocabulary labels (programs/translation.py): `term.name` gives the active language's label,
# falling back to English for a term nobody has translated yet.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Leaflet's files from the django-leaflet package, served as static/leaflet/. Not its Django app:
# that one loads GeoDjango (and so GDAL), which the site does not use.
LEAFLET_STATIC = Path(find_spec("leaflet").submodule_search_locations[0]) / "static" / "leaflet"
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", LEAFLET_STATIC)]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Security headers; a strict Content-Security-Policy is planned, so templates carry
# no inline script, style or event-handler attributes.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# The maps' tiles: OpenStreetMap's standard tile server, the only third-party request a page makes.
MAP_TILE_ORIGIN = "https://tile.openstreetmap.org"
MAP_TILE_URL = MAP_TILE_ORIGIN + "/{z}/{x}/{y}.png"

# A strict Content-Security-Policy: our own scripts and styles only, no inline code. A page
# that must inline something (the API docs' one <style>) uses the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Map tiles are the one thing loaded from another host (templates/partials/_map.html).
        "img-src": [SELF, "data:", MAP_TILE_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No page needs these browser features; say so, so no embedded code can ask for them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# Bodies over this are refused with 413 before they are read (the largest form is far smaller).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Logs never carry what a seeker answered: we log paths without query strings
# and no request bodies (see iopfinder/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query": {"()": "iopfinder.logging.StripQueryStringFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["strip_query"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One JSON line per request from iopfinder.middleware.RequestIdMiddleware.
        "iopfinder.requests": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# Clients are told apart by REMOTE_ADDR unless this many reverse proxies sit in front of us
# (each appends to X-Forwarded-For); trusting the header blindly would let anyone dodge the
# limits. One setting for DRF, django-ratelimit and the log-in limiter (iopfinder/client.py).
TRUSTED_PROXY_COUNT = int(
    os.environ.get("DJANGO_TRUSTED_PROXIES", os.environ.get("DJANGO_API_NUM_PROXIES", "0"))
)
RATELIMIT_IP_META_KEY = "iopfinder.client.client_address"


def env_rate(name: str, default: str) -> str | None:
    """A throttle rate like ``120/minute`` from the environment; ``off`` turns it off."""
    value = os.environ.get(name, "").strip() or default
    if value.lower() in {"off", "none"}:
        return None
    if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must look like 120/minute (per second, minute, hour or day) or off."
        )
    return value


# Account e-mails and sign-ups, per client address (share e-mails: per clinician), through
# iopfinder/limits.py. Same format as the API rates; "off" turns one off.
SIGNUP_RATE_LIMIT = env_rate("DJANGO_SIGNUP_RATE", "10/hour")
PASSWORD_RESET_RATE_LIMIT = env_rate("DJANGO_PASSWORD_RESET_RATE", "5/hour")
SHARE_EMAIL_RATE_LIMIT = env_rate("DJANGO_SHARE_EMAIL_RATE", "20/hour")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only: the interactive documentation lives at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["iopfinder.api_renderers.APIJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["iopfinder.api_parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "iopfinder.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("DJANGO_API_THROTTLE_ANON", "120/minute"),
        "user": env_rate("DJANGO_API_THROTTLE_USER", "600/minute"),
        # Matching does the most work per request, so it has its own, lower limit.
        "match": env_rate("DJANGO_API_THROTTLE_MATCH", "30/minute"),
        "share_email": SHARE_EMAIL_RATE_LIMIT,
    },
    # The same client address as every other limit (iopfinder/client.py).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

# Cross-origin use of the public API (reads and matching only, never with cookies).
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_ALL_ORIGINS = env_bool("DJANGO_CORS_ALLOW_ALL_ORIGINS", False)
CORS_URLS_REGEX = r"^/api/(schema/|v1/(programs|vocabularies|match)/)"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
CORS_ALLOW_CREDENTIALS = False

SPECTACULAR_SETTINGS = {
    "TITLE": "IOPfinder API",
    "DESCRIPTION": (
        "Intensive outpatient programmes (IOPs) in the US, and matching to them. "
        "Vocabulary terms are stable slugs from /api/v1/vocabularies/. Every error is "
        "`{status, code, message, errors}`, with messages per input field in `errors`. "
        "Anonymous clients are throttled (429 with Retry-After). Results are guidance to "
        "discuss with a clinician, not a diagnosis. In crisis: call or text 988."
    ),
    "TAGS": [
        {"name": "Catalogue", "description": "Published programmes and the vocabularies."},
        {"name": "Matching", "description": "An intake in, a level of care and ranked fits out."},
    ],
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "TimeOfDayEnum": "programs.schedule.TimeOfDay",
        "ProgramSourceEnum": "programs.models.Program.Source",
        "LevelOfCareEnum": "programs.levels.CODES",
    },
}

# Caches back rate limits, DRF throttles and the log-in limiter. Production
# must point DJANGO_CACHE_URL at Redis (redis://127.0.0.1:6379/1) so every worker and every
# machine shares one count; development and tests use an in-process cache. Any other URL is
# refused rather than quietly replaced by a per-process cache.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip()
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"DJANGO_CACHE_URL must be a Redis URL (redis://host:6379/1 or rediss://…); "
        f"{CACHE_URL.split(':', 1)[0]}: is not supported."
    )
if not CACHE_URL and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_CACHE_URL must be set to a Redis URL (redis://host:6379/1) when DJANGO_DEBUG "
        "is off: rate limits and the log-in limiter must be shared by every worker."
    )
# Shared catalogue pages (programs/html_cache.py) may live in a Redis of their own, with
# maxmemory and allkeys-lru, so pages never push the limits' counters out; by default the same.
PAGE_CACHE_URL = os.environ.get("IOPFINDER_PAGE_CACHE_URL", "").strip() or CACHE_URL
if PAGE_CACHE_URL and not PAGE_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"IOPFINDER_PAGE_CACHE_URL must be a Redis URL (redis://host:6379/2 or rediss://…); "
        f"{PAGE_CACHE_URL.split(':', 1)[0]}: is not supported."
    )


def _cache(url: str, name: str) -> dict:
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    return {
        "BACKEND": "iopfinder.cache.FailOpenRedisCache",
        "LOCATION": url,
        # Fail fast when Redis is down: limits fail open (see README), pages keep serving.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


CACHES = {"default": _cache(CACHE_URL, "default"), "pages": _cache(PAGE_CACHE_URL, "pages")}
# django-ratelimit's E003 ("not a shared cache") can only fire in development now, where the
# in-process cache is fine. W001 only says Django's own RedisCache is not on its list, though
# it increments atomically as the rate limits need.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (["django_ratelimit.E003"] if DEBUG else [])
# The search indexes' covered columns (INCLUDE) are a PostgreSQL speed-up; SQLite, for
# development only, ignores them and would say so on every command.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# Limits fail open: with Redis down the site keeps serving (a crisis page must never fail
# because a counter cannot be read): iopfinder/cache.py drops what it cannot reach.
RATELIMIT_FAIL_OPEN = True

# Catalogue history (django-simple-history) is recorded on every change. Turn it off only to
# load a dump with loaddata: the dump already holds the history, and loading would add more.
SIMPLE_HISTORY_ENABLED = env_bool("IOPFINDER_RECORD_HISTORY", True)

# Edit suggestions from the public: at most this many per client address (django-ratelimit).
SUGGESTION_RATE_LIMIT = os.environ.get("IOPFINDER_SUGGESTION_RATE_LIMIT", "5/h")

# Crisis resources shown on every page.
CRISIS_LINE = "988"
EMERGENCY_NUMBER = "911"

# Directory defaults.
DIRECTORY_PAGE_SIZE = 20
DIRECTORY_DEFAULT_RADIUS_MILES = 25
DIRECTORY_MAX_RADIUS_MILES = 500
# Anonymous directory searches and programme pages are rendered once and shared by every
# worker until the catalogue changes (programs/html_cache.py); at most this long. 0: off.
_html_seconds = os.environ.get("IOPFINDER_CATALOGUE_HTML_SECONDS", "600").strip() or "600"
if not _html_seconds.isdigit():
    raise ImproperlyConfigured(
        "IOPFINDER_CATALOGUE_HTML_SECONDS must be a whole number of seconds (0 turns it off); "
        f"got {_html_seconds!r}."
    )
CATALOGUE_HTML_SECONDS = int(_html_seconds)
