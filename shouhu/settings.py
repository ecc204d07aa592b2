"""Shouhu settings: one module, driven by typed environment variables.

Every variable has a safe development default. With SHOUHU_DEBUG=0 the secrets must be given.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHOUHU_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("SHOUHU_DEBUG", True)

# Development-only values, refused in production below.
_DEV_SECRET_KEY = "dev-only-not-secret-shouhu"
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1zZWNyZXQhISE="

SECRET_KEY = env_str("SHOUHU_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)


def _field_key() -> str | None:
    key_file = env_str("SHOUHU_FIELD_KEY_FILE")
    if key_file:
        return Path(key_file).read_text().strip()
    return env_str("SHOUHU_FIELD_KEY", _DEV_FIELD_KEY if DEBUG else None)


FIELD_KEY = _field_key()

if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SHOUHU_SECRET_KEY must be set when SHOUHU_DEBUG=0.")
    if not FIELD_KEY:
        raise ImproperlyConfigured(
            "SHOUHU_FIELD_KEY or SHOUHU_FIELD_KEY_FILE must be set when SHOUHU_DEBUG=0."
        )
    if FIELD_KEY == _DEV_FIELD_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("The development keys must not be used when SHOUHU_DEBUG=0.")

ALLOWED_HOSTS = [
    h.strip() for h in (env_str("SHOUHU_ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",")
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver", "*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "shouhu.core",
    "shouhu.org",
    "shouhu.accounts",
    "shouhu.registry",
    "shouhu.care",
    "shouhu.reports",
    "shouhu.audit",
    "shouhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shouhu.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "shouhu.urls"
WSGI_APPLICATION = "shouhu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("SHOUHU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'shouhu.sqlite3'}") or "",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a write is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "shouhu" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

SESSION_COOKIE_AGE = env_int("SHOUHU_SESSION_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SHOUHU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SHOUHU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Domain settings (where the reports disagree, the rule is a setting).
SHOUHU_CHILDREN_PER_PAGE = env_int("SHOUHU_CHILDREN_PER_PAGE", 50)
SHOUHU_CIVIL_AGE_LIMIT = 16  # 农村留守儿童: under 16 (civil-affairs definition)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
