"""Django settings for yaojian, read from environment variables.

Every setting a deployment changes is a `YAOJIAN_*` variable (listed in the README).
Defaults give a working single-machine install: SQLite in WAL mode under `var/`.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("YAOJIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept under var/."""
    if key := os.environ.get("YAOJIAN_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# Demo mode: set by `yaojian demo`; relaxes MFA for regulators and turns debug pages on.
DEMO_MODE = env_bool("YAOJIAN_DEMO")
TESTING = env_bool("YAOJIAN_TESTING") or "pytest" in sys.modules
# In CI every tool the tests use must be present: a missing browser or gettext fails, not skips.
YAOJIAN_CI = env_bool("YAOJIAN_CI")
DEBUG = env_bool("YAOJIAN_DEBUG", DEMO_MODE)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h for h in os.environ.get("YAOJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("YAOJIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
if TESTING:
    ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from local static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "yaojian.core",
    "yaojian.accounts",
    "yaojian.audit",
    "yaojian.registry",
    "yaojian.datacenter",
    "yaojian.elicence",
    "yaojian.licensing",
    "yaojian.trace",
    "yaojian.inspection",
    "yaojian.sampling",
    "yaojian.enforcement",
    "yaojian.vigilance",
    "yaojian.workbench",
    "yaojian.portal",
    "yaojian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "yaojian.core.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yaojian.core.middleware.RequestContextMiddleware",
    "yaojian.accounts.middleware.SessionPolicyMiddleware",
    "yaojian.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "yaojian.urls"
WSGI_APPLICATION = "yaojian.wsgi.application"
ASGI_APPLICATION = "yaojian.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yaojian.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'yaojian.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("YAOJIAN_DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
# Connections are kept between requests (opening an SQLite connection and setting its pragmas
# costs more than most requests) and checked before reuse.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that needs no round trip (see the module)
    DATABASES["default"]["ENGINE"] = "yaojian.core.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("YAOJIAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "bulk"],
    }
}

# --- Identity and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
AUTHENTICATION_BACKENDS = ["yaojian.accounts.backends.PolicyBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if TESTING:
    # Fast hashing keeps the suite quick; production keeps PBKDF2's work factor.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("YAOJIAN_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yaojian.accounts.policy.CharacterClassValidator"},
]
# Login policy (等保 level 3 defaults), all configurable.
YAOJIAN_LOCKOUT_THRESHOLD = env_int("YAOJIAN_LOCKOUT_THRESHOLD", 5)
YAOJIAN_LOCKOUT_MINUTES = env_int("YAOJIAN_LOCKOUT_MINUTES", 15)
YAOJIAN_PASSWORD_MAX_AGE_DAYS = env_int("YAOJIAN_PASSWORD_MAX_AGE_DAYS", 0)  # 0: no expiry
YAOJIAN_IDLE_TIMEOUT_MINUTES = env_int("YAOJIAN_IDLE_TIMEOUT_MINUTES", 30)
YAOJIAN_REQUIRE_MFA = env_bool("YAOJIAN_REQUIRE_MFA", not DEMO_MODE)
YAOJIAN_TOKEN_TOUCH_SECONDS = 60  # how often a token's last-used time is written

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = YAOJIAN_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: the idle timeout, not a fixed lifetime
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_COOKIES = env_bool("YAOJIAN_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_FAILURE_VIEW = "yaojian.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Field encryption (SM4-GCM) key: 32 hex digits from the environment, or generated under var/.
YAOJIAN_FIELD_KEY = os.environ.get("YAOJIAN_FIELD_KEY", "")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("YAOJIAN_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING  # no collected STATIC_ROOT needed

# --- Mail and messages ----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "YAOJIAN_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("YAOJIAN_FROM_EMAIL", "noreply@yaojian.localhost")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YAOJIAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # one line per task run drowns the console; failures are still logged
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        "yaojian.core.scheduling": {"level": "WARNING"},
    },
}

# --- The platform ---------------------------------------------------------------------------
YAOJIAN_PROVINCE_CODE = os.environ.get("YAOJIAN_PROVINCE_CODE", "360000")
YAOJIAN_PLATFORM_NAME = _("Jiangxi Smart Drug Regulation Platform")
NINJA_PAGINATION_PER_PAGE = 50
# The address the public reaches the platform at: QR codes on electronic licences point there.
YAOJIAN_PUBLIC_URL = os.environ.get("YAOJIAN_PUBLIC_URL", "http://127.0.0.1:8000")
# Map tiles for the pharmacy finder: only a server inside the government network (an isolated
# network has none by default, and no page may load tiles from the internet).
YAOJIAN_TILE_URL = os.environ.get("YAOJIAN_TILE_URL", "")
YAOJIAN_TILE_ATTRIBUTION = os.environ.get("YAOJIAN_TILE_ATTRIBUTION", "")
# Bulk import limits
YAOJIAN_IMPORT_MAX_BYTES = env_int("YAOJIAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
YAOJIAN_IMPORT_MAX_ROWS = env_int("YAOJIAN_IMPORT_MAX_ROWS", 100_000)
# Public traceability verifications per client address and minute (then 429).
YAOJIAN_VERIFY_PER_MINUTE = env_int("YAOJIAN_VERIFY_PER_MINUTE", 60)
# The largest EPCIS document one capture accepts (larger ones get a 413 problem).
YAOJIAN_EPCIS_MAX_BYTES = env_int("YAOJIAN_EPCIS_MAX_BYTES", 200 * 1024 * 1024)
# A shared cache (Redis: `YAOJIAN_CACHE_URL=redis://127.0.0.1:6379/1`) for every worker process
# and machine; without it each process keeps its own in memory.
if cache_url := os.environ.get("YAOJIAN_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": "yaojian",
        }
    }
# Per-client limits (public verification, public reports) are counted in this cache when set,
# so that they hold across workers; by default each process counts (see core.ratelimit).
YAOJIAN_RATE_LIMIT_CACHE = os.environ.get(
    "YAOJIAN_RATE_LIMIT_CACHE", "default" if os.environ.get("YAOJIAN_CACHE_URL") else ""
)
# Public verifications are logged in batches (at most YAOJIAN_VERIFY_LOG_SECONDS late) so the
# busiest public endpoint only reads; tests write each one at once.
YAOJIAN_VERIFY_LOG_BATCHED = env_bool("YAOJIAN_VERIFY_LOG_BATCHED", not TESTING)
