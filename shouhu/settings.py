"""Shouhu settings: one module, driven by typed environment variables.

Every variable has a safe development default. With SHOUHU_DEBUG=0 the secrets must be given.
"""

import datetime
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

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


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from the file named by `NAME_FILE` (a systemd credential, a file only the service
    may read), else from `NAME`, else the default. The file wins: the environment of a process
    can be read by more than the file can."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}") from error
    return os.environ.get(name, default)


def env_origin(name: str) -> str | None:
    """The public origin the browsers use, `https://host[:port]`, without a path."""
    value = (os.environ.get(name) or "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"https", "http"} or not parts.hostname or parts.path or parts.query:
        raise ImproperlyConfigured(
            f"{name}: {value!r} is not an origin such as https://shouhu.example.gov.cn"
        )
    return value


def parse_weights(value: str, *, keys: tuple[str, ...], name: str) -> dict[str, int]:
    """`key=N,key=N`: whole non-negative weights for some of `keys` (the others weigh 0), each
    key once, not all zero. Anything else is ImproperlyConfigured, naming the variable, so that
    a typo stops the start instead of silently changing every score."""
    weights = dict.fromkeys(keys, 0)
    named: set[str] = set()
    for item in value.split(","):
        if not item.strip():
            continue
        key, sep, number = (part.strip() for part in item.partition("="))
        if not sep or key not in keys:
            raise ImproperlyConfigured(
                f"{name}: {item.strip()!r} is not KEY=WEIGHT with KEY one of {', '.join(keys)}."
            )
        if key in named:
            raise ImproperlyConfigured(f"{name}: {key} is given twice.")
        named.add(key)
        if not (number.isascii() and number.isdigit()):
            raise ImproperlyConfigured(
                f"{name}: the weight of {key} must be a whole number ≥ 0, not {number!r}."
            )
        weights[key] = int(number)
    if not any(weights.values()):
        raise ImproperlyConfigured(f"{name}: at least one weight must be above 0.")
    return weights


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP addresses or networks (`10.0.0.2,192.168.10.0/24`); a typo refuses
    to start rather than trusting the wrong machine."""
    networks = []
    for item in (os.environ.get(name) or "").split(","):
        if not item.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {item.strip()!r} is not an IP address or network."
            ) from error
    return tuple(networks)


def env_weights(name: str, default: dict[str, int]) -> dict[str, int]:
    value = os.environ.get(name)
    if value is None:
        return dict(default)
    return parse_weights(value, keys=tuple(default), name=name)


DEBUG = env_bool("SHOUHU_DEBUG", True)
# Read once from the environment: `shouhu seed-demo` refuses production (SHOUHU_DEBUG=0), where
# its accounts' published password would hand them to whoever logs in first. Not DEBUG itself,
# which test runners switch off.
SHOUHU_DEMO_DATA_ALLOWED = DEBUG
# `shouhu serve` refuses SHOUHU_DEBUG=1 (debug pages show settings and code to anyone) unless
# the server is said to be a demo.
SHOUHU_DEMO = env_bool("SHOUHU_DEMO", False)

# Development-only values, refused in production below.
_DEV_SECRET_KEY = "dev-only-not-secret-shouhu"
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1zZWNyZXQhISE="

SECRET_KEY = env_secret("SHOUHU_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
FIELD_KEY = env_secret("SHOUHU_FIELD_KEY", _DEV_FIELD_KEY if DEBUG else None)
# The backups' own key (`shouhu backup`, docs/deploy.md): never the field key, kept apart from
# it, so that an archive and its key together are not the children's data in clear. No default:
# without it `shouhu backup` refuses to run.
SHOUHU_BACKUP_KEY = env_secret("SHOUHU_BACKUP_KEY")

if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SHOUHU_SECRET_KEY or SHOUHU_SECRET_KEY_FILE must be set when SHOUHU_DEBUG=0."
        )
    if not FIELD_KEY:
        raise ImproperlyConfigured(
            "SHOUHU_FIELD_KEY or SHOUHU_FIELD_KEY_FILE must be set when SHOUHU_DEBUG=0."
        )
    if FIELD_KEY == _DEV_FIELD_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("The development keys must not be used when SHOUHU_DEBUG=0.")

ALLOWED_HOSTS = [
    h.strip() for h in (env_str("SHOUHU_ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",")
]
# The address the browsers use (`https://shouhu.example.gov.cn`): its host is allowed, and a
# form posted from it passes the CSRF check whatever the proxy tells Django about the scheme.
SHOUHU_PUBLIC_ORIGIN = env_origin("SHOUHU_PUBLIC_ORIGIN")
CSRF_TRUSTED_ORIGINS = [SHOUHU_PUBLIC_ORIGIN] if SHOUHU_PUBLIC_ORIGIN else []
if SHOUHU_PUBLIC_ORIGIN:
    ALLOWED_HOSTS.append(urlsplit(SHOUHU_PUBLIC_ORIGIN).hostname or "")
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
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "shouhu.core",
    "shouhu.org",
    "shouhu.accounts",
    "shouhu.files",
    "shouhu.registry",
    "shouhu.care",
    "shouhu.schooling",
    "shouhu.welfare",
    "shouhu.activities",
    "shouhu.notify",
    "shouhu.parents",
    "shouhu.reports",
    "shouhu.audit",
    "shouhu.jobs",
    "shouhu.demo",
    "shouhu.ops",
]

# Django's tasks framework (the django-tasks backport): jobs are queued in the database and run
# by `shouhu worker` (shouhu.jobs); the scheduler (`shouhu scheduler`, `shouhu run-due`) queues
# the duties that fall due.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    # First: the proxy's X-Forwarded-Proto is believed only from SHOUHU_TRUSTED_PROXIES.
    "shouhu.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, compressed and with hashed names, before anything touches the session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything writes (the session): a request that wrote reads the primary a while.
    "shouhu.core.replica.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shouhu.accounts.sessions.SessionLimitMiddleware",
    "shouhu.accounts.two_factor.TwoFactorMiddleware",
    "shouhu.accounts.passwords.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shouhu.core.middleware.NoStoreMiddleware",
    "shouhu.audit.middleware.DeniedAccessLogMiddleware",
    # Last, so that its lock-out page replaces the login page's response.
    "axes.middleware.AxesMiddleware",
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
                "shouhu.accounts.context_processors.permissions",
                "shouhu.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        # A URL with a password in it is a secret like the keys: SHOUHU_DATABASE_URL_FILE.
        env_secret("SHOUHU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'shouhu.sqlite3'}") or "",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a write is in progress; a 64 MB page cache and the
    # file mapped into memory spare the county-wide figures a read() per page (the dashboard
    # of the 20,000-child county: 1.2 s → 1.05 s).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Browser tests run a threaded live server: an in-memory test database shares one cache whose
    # table locks fail at once, while a file in WAL mode makes concurrent writers wait their turn.
    if os.environ.get("SHOUHU_SQLITE_TEST_FILE"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["SHOUHU_SQLITE_TEST_FILE"]}

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the figures' one-query aggregates over a county join several grouped subqueries
    # whose row estimates multiply; PostgreSQL then spends seconds (minutes, measured on the
    # 20,000-child county) compiling a plan that runs in 50 ms. `make bench` measures it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Django's psycopg pool, one per process: a gunicorn worker serves one request at a time on
    # at most two connections (the dashboard reads its compliance on a second one), so 2 is
    # enough; docs/deploy.md counts workers × SHOUHU_DB_POOL_MAX against max_connections.
    # SHOUHU_DB_POOL_MAX=0 connects per request without a pool. A worker of SHOUHU_WEB_THREADS
    # threads serves that many requests at once: one connection each, and the dashboard's.
    _pool_max = env_int("SHOUHU_DB_POOL_MAX", max(1, env_int("SHOUHU_WEB_THREADS", 1)) + 1)
    if _pool_max > 0:
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": min(1, _pool_max),
            "max_size": _pool_max,
            "timeout": env_int("SHOUHU_DB_POOL_TIMEOUT", 10),
        }

# A streaming replica (docs/scale.md, Read replica): the heavy reads named in shouhu.core.replica
# go to it; everything else, and every write, to the primary. The same options and pool as the
# primary's, except that a replica that does not answer is given up after
# SHOUHU_REPLICA_CONNECT_TIMEOUT seconds (the reads then fall back to the primary). In tests it
# mirrors the primary's test database.
SHOUHU_REPLICA_STICKY_SECONDS = env_int("SHOUHU_REPLICA_STICKY_SECONDS", 5)
SHOUHU_REPLICA_MAX_LAG_SECONDS = env_int("SHOUHU_REPLICA_MAX_LAG_SECONDS", 30)
SHOUHU_REPLICA_CHECK_SECONDS = env_int("SHOUHU_REPLICA_CHECK_SECONDS", 5)
SHOUHU_REPLICA_CONNECT_TIMEOUT = env_int("SHOUHU_REPLICA_CONNECT_TIMEOUT", 2)
_replica_url = env_secret("SHOUHU_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=0)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("SHOUHU_REPLICA_URL: the replica must be the primary's kind")
    _replica_options = dict(DATABASES["default"].get("OPTIONS", {}))
    if "pool" in _replica_options:
        _replica_options["pool"] = _replica_options["pool"] | {
            "timeout": SHOUHU_REPLICA_CONNECT_TIMEOUT
        }
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        _replica_options["connect_timeout"] = SHOUHU_REPLICA_CONNECT_TIMEOUT
    DATABASES["replica"]["OPTIONS"] = _replica_options
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["shouhu.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    # Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): shouhu/core/hashers.py says why.
    "shouhu.core.hashers.OwaspArgon2PasswordHasher",
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
# `shouhu serve` runs collectstatic into it; WhiteNoise serves it (nothing for nginx to do).
STATIC_ROOT = Path(env_str("SHOUHU_STATIC_ROOT") or VAR_DIR / "static")
# In production the pages link each file by a name holding its hash (forever cacheable) and
# WhiteNoise sends the gzip or Brotli copy collectstatic made. With DEBUG (runserver, the
# tests) the files are found where they lie, without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Read from the environment's DEBUG, not Django's (test runners switch that off): the tests and
# runserver find the files in the apps, production serves STATIC_ROOT only.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions end after 30 minutes without a request (the expiry moves with every request) and
# 12 hours after the login whatever happens (shouhu.accounts.sessions).
SESSION_COOKIE_AGE = env_int("SHOUHU_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SHOUHU_SESSION_ABSOLUTE_SECONDS = env_int("SHOUHU_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp 4.0): every asset is local, no inline script or style,
# and no page may be framed. htmx's own indicator style is switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes, shouhu.accounts.throttling): after 5 failed logins a username is
# locked for 15 minutes, whatever the address or browser; an address is locked when its failures
# in those 15 minutes name SHOUHU_LOGIN_SPRAY_LIMIT different usernames (a spray). Never the
# User-Agent, which the client chooses; never the address alone for one username's failures: a
# whole school often shares one address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SHOUHU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SHOUHU_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "shouhu.accounts.throttling.LoginThrottleHandler"
SHOUHU_LOGIN_SPRAY_LIMIT = env_int("SHOUHU_LOGIN_SPRAY_LIMIT", 6)
# The reverse proxies whose X-Forwarded-For names the client (shouhu.core.network); from any
# other address the header is ignored. Empty: the server faces the clients directly.
SHOUHU_TRUSTED_PROXIES = env_networks("SHOUHU_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "shouhu.core.network.client_address"
# axes.W006 asks for "ip_address" among the lockout parameters. The address is limited, but by
# the spray rule in LoginThrottleHandler: as a lockout parameter it would count one teacher's
# typos against the whole school behind its NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two factors (django-otp): TOTP is required of these roles and optional for the others.
SHOUHU_TWO_FACTOR_ROLES = ("admin", "region_officer", "privacy_officer")
SHOUHU_RECOVERY_CODES = 10
# A new account's or a reset password is a one-time code, valid for one login within this many
# hours; that login must set a new password (shouhu.accounts.passwords).
SHOUHU_ONE_TIME_PASSWORD_HOURS = env_int("SHOUHU_ONE_TIME_PASSWORD_HOURS", 72)
OTP_TOTP_ISSUER = "守护 Shouhu"
# Behind a TLS proxy every request reaches Django as plain HTTP; the proxy says "https" in
# X-Forwarded-Proto, which TrustedProxyMiddleware removes from anyone but the proxies. Without
# this the HTTPS redirect loops, HSTS is never sent and the CSRF check refuses the login.
if SHOUHU_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers the monitor on the server itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
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

# Privacy (docs/privacy.md). Unusual access: more than N files opened by one user within M
# minutes, or any access outside school hours (local time, weekdays only count as school days).
SHOUHU_UNUSUAL_FILES = env_int("SHOUHU_UNUSUAL_FILES", 30)
SHOUHU_UNUSUAL_WINDOW_MINUTES = env_int("SHOUHU_UNUSUAL_WINDOW_MINUTES", 10)
SHOUHU_SCHOOL_HOURS = (
    env_int("SHOUHU_SCHOOL_HOURS_START", 7),
    env_int("SHOUHU_SCHOOL_HOURS_END", 19),
)
SHOUHU_SCHOOL_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday
# Files of children who left the register this many years ago, and of adults, are anonymised.
SHOUHU_RETENTION_YEARS = env_int("SHOUHU_RETENTION_YEARS", 3)
# The access log is kept this many whole months, then dropped a month at a time (on PostgreSQL
# a partition; docs/privacy.md, Retention). The law asks network logs be kept at least six
# months (网络安全法 第二十一条): less is refused.
SHOUHU_ACCESS_LOG_KEEP_MONTHS = env_int("SHOUHU_ACCESS_LOG_KEEP_MONTHS", 36)
if SHOUHU_ACCESS_LOG_KEEP_MONTHS < 6:
    raise ImproperlyConfigured(
        "SHOUHU_ACCESS_LOG_KEEP_MONTHS: the access log is kept at least 6 months "
        "(网络安全法 第二十一条)"
    )
# The privacy officer's search of the access log reads this many days back when not given a
# start (it reads only the months it needs: shouhu.core.partitions).
SHOUHU_ACCESS_LOG_SEARCH_DAYS = env_int("SHOUHU_ACCESS_LOG_SEARCH_DAYS", 90)
SHOUHU_ADULT_AGE = 18
# A guardian's request to see, correct or delete data is due within this many days.
SHOUHU_REQUEST_DAYS = env_int("SHOUHU_REQUEST_DAYS", 15)
# The parents' channel (家长端, issue 19): one-time codes by SMS, at most so many a number and a
# client address may ask for in an hour (SMS bombing); a number is locked for a while after so
# many wrong codes; whether a teacher's reply to a parent counts toward 与家长通话's quota where
# no region set its own switch (parents.ReplyCountSetting, on the quota settings page).
SHOUHU_PARENT_CODE_MINUTES = env_int("SHOUHU_PARENT_CODE_MINUTES", 5)
SHOUHU_PARENT_CODES_PER_NUMBER = env_int("SHOUHU_PARENT_CODES_PER_NUMBER", 3)
SHOUHU_PARENT_CODES_PER_CLIENT = env_int("SHOUHU_PARENT_CODES_PER_CLIENT", 10)
SHOUHU_PARENT_WRONG_TRIES = env_int("SHOUHU_PARENT_WRONG_TRIES", 5)
SHOUHU_PARENT_LOCK_MINUTES = env_int("SHOUHU_PARENT_LOCK_MINUTES", 60)
SHOUHU_PARENT_REPLY_COUNTS = env_bool("SHOUHU_PARENT_REPLY_COUNTS", True)
# A year-end handover (学年交接) can be undone for this many days after it was applied.
SHOUHU_HANDOVER_UNDO_DAYS = env_int("SHOUHU_HANDOVER_UNDO_DAYS", 7)
# Care (篇十): a signal's home visit is due in N days; overdue, it escalates to the head teacher,
# then to the school leader; a proxy parent takes 2–3 children (篇六).
SHOUHU_TASK_DUE_DAYS = env_int("SHOUHU_TASK_DUE_DAYS", 3)
SHOUHU_ESCALATE_HEAD_DAYS = env_int("SHOUHU_ESCALATE_HEAD_DAYS", 2)
SHOUHU_ESCALATE_LEADER_DAYS = env_int("SHOUHU_ESCALATE_LEADER_DAYS", 5)
SHOUHU_PROXY_LOAD_LIMIT = env_int("SHOUHU_PROXY_LOAD_LIMIT", 3)
# A period's open quota stays on the worklist for this many days after the period ends: an
# action that happened in the period may be recorded late (补录) until then; after, it is a miss.
SHOUHU_LATE_ENTRY_DAYS = env_int("SHOUHU_LATE_ENTRY_DAYS", 7)
# Attendance (考勤, issue 14): the roll call is due by this time (HH:MM) on a school day; an 未知
# absence unexplained this many minutes after the roll call becomes a call to the guardian on
# the head teacher's list; still unexplained at this hour (the end of the school day), a same-day
# home-visit task.
SHOUHU_ROLL_CALL_DUE = env_str("SHOUHU_ROLL_CALL_DUE", "10:00") or "10:00"
SHOUHU_ABSENCE_CALL_MINUTES = env_int("SHOUHU_ABSENCE_CALL_MINUTES", 60)
SHOUHU_ABSENCE_VISIT_HOUR = env_int("SHOUHU_ABSENCE_VISIT_HOUR", 17)
# 控辍保学 (issue 14): N consecutive roll-call days of unexplained absence make a suspected
# dropout; the first week of term is this many school days; a suspected entry is confirmed or
# cleared within N school days (then it goes to the school leader); the written report is due
# N days after a case is registered if the child is not back.
SHOUHU_DROPOUT_ABSENT_DAYS = env_int("SHOUHU_DROPOUT_ABSENT_DAYS", 3)
SHOUHU_DROPOUT_FIRST_WEEK_DAYS = env_int("SHOUHU_DROPOUT_FIRST_WEEK_DAYS", 5)
SHOUHU_DROPOUT_HANDLE_DAYS = env_int("SHOUHU_DROPOUT_HANDLE_DAYS", 2)
SHOUHU_DROPOUT_REPORT_DAYS = env_int("SHOUHU_DROPOUT_REPORT_DAYS", 7)
# The school's monthly report (一月一报告) of a month is due by this day of the next month
# (issue 17: the daily duty schooling.report_deadlines reminds the school leader 3 days before).
SHOUHU_DROPOUT_MONTHLY_REPORT_DAY = env_int("SHOUHU_DROPOUT_MONTHLY_REPORT_DAY", 5)
# 检查考核 (篇六, 篇七): the weight of each component of a teacher's or school's score
# (shouhu.reports.selectors.assessment), e.g. "coverage=30,compliance=40,…"; unnamed ones weigh 0.
SHOUHU_ASSESSMENT_WEIGHTS = env_weights(
    "SHOUHU_ASSESSMENT_WEIGHTS",
    {"coverage": 30, "compliance": 40, "tasks_on_time": 20, "not_escalated": 10},
)
# Reports: the dashboard reads its compliance on a second database connection while the rest
# of its figures are read on the request's (reports.selectors.base.read_alongside); off, one
# after the other.
SHOUHU_PARALLEL_FIGURES = env_bool("SHOUHU_PARALLEL_FIGURES", True)
# The dashboard's figures of a unit, term and day are kept this many seconds and shown to every
# officer opening it (shouhu.reports.selectors.kept says the rule): a write shows up within it.
# 0: counted at every request.
SHOUHU_FIGURES_KEEP_SECONDS = env_int("SHOUHU_FIGURES_KEEP_SECONDS", 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},  # Django's default
    # Shared by the web server's workers: files in a directory only the service user reads.
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "figures"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# An uploaded sheet may unpack to at most this much (a 20,000-row county census is ~40 MB).
SHOUHU_UPLOAD_MAX_UNPACKED_MB = env_int("SHOUHU_UPLOAD_MAX_UNPACKED_MB", 300)
# A census sheet with more data rows is refused as soon as the one too many is read (a county
# of 20,000 children fits five times over).
SHOUHU_IMPORT_MAX_ROWS = env_int("SHOUHU_IMPORT_MAX_ROWS", 100_000)
# An uploaded sheet that is never confirmed is deleted after this many days (`shouhu retention`):
# it holds full ID numbers and phones.
SHOUHU_UPLOAD_KEEP_DAYS = env_int("SHOUHU_UPLOAD_KEEP_DAYS", 7)

# Notifications (issue 19, shouhu.notify): each channel's backend is a dotted path. Console
# prints (development: the parents' one-time codes show in the worker's terminal), File appends
# to SHOUHU_MESSAGES_LOG; in production SMS goes through the HTTP gateway adapter and email
# through Django's SMTP (EMAIL_* below). No SMS between the quiet hours (China time) except
# emergencies, which are held and sent when they end; a person gets at most
# SHOUHU_NOTIFY_DAILY_CAP messages a day, emergencies aside.
SHOUHU_SMS_BACKEND = env_str("SHOUHU_SMS_BACKEND") or "shouhu.notify.backends.ConsoleBackend"
SHOUHU_EMAIL_BACKEND = env_str("SHOUHU_EMAIL_BACKEND") or "shouhu.notify.backends.ConsoleBackend"
SHOUHU_MESSAGES_LOG = Path(env_str("SHOUHU_MESSAGES_LOG") or VAR_DIR / "messages.log")
SHOUHU_SMS_GATEWAY_URL = env_str("SHOUHU_SMS_GATEWAY_URL") or ""
SHOUHU_SMS_GATEWAY_KEY = env_secret("SHOUHU_SMS_GATEWAY_KEY") or ""
SHOUHU_SMS_TEMPLATE_ID = env_str("SHOUHU_SMS_TEMPLATE_ID") or ""
SHOUHU_SMS_GATEWAY_TIMEOUT = env_int("SHOUHU_SMS_GATEWAY_TIMEOUT", 10)
SHOUHU_QUIET_HOURS = (env_int("SHOUHU_QUIET_START", 21), env_int("SHOUHU_QUIET_END", 7))
SHOUHU_NOTIFY_DAILY_CAP = env_int("SHOUHU_NOTIFY_DAILY_CAP", 10)
SHOUHU_NOTIFY_MAX_ATTEMPTS = env_int("SHOUHU_NOTIFY_MAX_ATTEMPTS", 5)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("SHOUHU_EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("SHOUHU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SHOUHU_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = env_secret("SHOUHU_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("SHOUHU_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("SHOUHU_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("SHOUHU_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("SHOUHU_EMAIL_FROM") or "shouhu@localhost"
# The national roll-up (issue 18): a province signs its roll-up with its Ed25519 private key
# (PEM; `shouhu rollup-keygen` makes a pair); a national instance holds each province's public
# key as <province code>.pem in this directory.
SHOUHU_ROLLUP_SIGNING_KEY_FILE = env_str("SHOUHU_ROLLUP_SIGNING_KEY_FILE")
SHOUHU_ROLLUP_TRUSTED_KEYS_DIR = env_str("SHOUHU_ROLLUP_TRUSTED_KEYS_DIR")
# A national instance holds no child: the figures of its regions (the nation, provinces, cities,
# counties) are the sums of the imported roll-ups (`shouhu rollup-import` refuses elsewhere).
SHOUHU_NATIONAL = env_bool("SHOUHU_NATIONAL", False)
