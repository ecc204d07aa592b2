"""The production server (issue 17, the server): what the hostile probe of `main` found, each
shown here through Django as production configures it. Settings are built by running
settings.py on a production environment (SHOUHU_DEBUG=0, keys from files, a proxy, a public
origin), then applied to the test. `make test-deploy` drives the real gunicorn behind nginx.
"""

import datetime
import ipaddress
import re
import runpy
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config

import shouhu.settings
from shouhu.core import serving
from shouhu.core.serving import ACCESS_LOG_FORMAT, AccessLogger
from shouhu.jobs.services import heartbeat_record
from shouhu.testing.factories import PASSWORD

PROXY = "10.0.0.2"
ORIGIN = "https://shouhu.example.gov.cn"
HOST = "shouhu.example.gov.cn"
# What the production environment decides about the proxy, TLS and static files.
PRODUCTION_KEYS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SHOUHU_TRUSTED_PROXIES",
    "WHITENOISE_USE_FINDERS",
    "WHITENOISE_AUTOREFRESH",
)


def settings_from(monkeypatch, tmp_path, **env: str) -> dict:
    """settings.py run on a production environment: SHOUHU_DEBUG=0, the keys in files."""
    secret, field = tmp_path / "secret.key", tmp_path / "field.key"
    secret.write_text("s" * 50 + "\n")
    field.write_text("cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRoZS10ZXN0cw==\n")
    for name in ("SHOUHU_SECRET_KEY", "SHOUHU_FIELD_KEY", "SHOUHU_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    environment = {
        "SHOUHU_DEBUG": "0",
        "SHOUHU_SECRET_KEY_FILE": str(secret),
        "SHOUHU_FIELD_KEY_FILE": str(field),
        "SHOUHU_TRUSTED_PROXIES": PROXY,
        "SHOUHU_PUBLIC_ORIGIN": ORIGIN,
        **env,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(shouhu.settings.__file__)


@pytest.fixture
def production(monkeypatch, tmp_path, settings):
    """The test's settings switched to what production decides."""
    values = settings_from(monkeypatch, tmp_path)
    for key in PRODUCTION_KEYS:
        setattr(settings, key, values.get(key))
    settings.STATIC_ROOT = tmp_path  # nothing collected: the pages' tests link no file
    return values


def through_proxy(**extra) -> dict:
    """A request as nginx passes it on: from the proxy, TLS said in X-Forwarded-Proto."""
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "198.51.100.7",
        "HTTP_HOST": HOST,
        **extra,
    }


# --- settings from the environment --------------------------------------------------------------


def test_production_reads_its_secrets_from_files(monkeypatch, tmp_path):
    url = tmp_path / "database.url"
    url.write_text("postgres://shouhu:pa55@db.internal:5432/shouhu\n")
    values = settings_from(monkeypatch, tmp_path, SHOUHU_DATABASE_URL_FILE=str(url))
    assert values["SECRET_KEY"] == "s" * 50
    assert values["FIELD_KEY"] == "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRoZS10ZXN0cw=="
    database = values["DATABASES"]["default"]
    assert (database["HOST"], database["PASSWORD"]) == ("db.internal", "pa55")


def test_an_unreadable_secret_file_refuses_to_start_naming_the_variable(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SHOUHU_SECRET_KEY_FILE: cannot read"):
        settings_from(monkeypatch, tmp_path, SHOUHU_SECRET_KEY_FILE=str(tmp_path / "missing"))


@pytest.mark.parametrize("origin", ["shouhu.example.gov.cn", "https://x.cn/path", "ftp://x.cn"])
def test_a_public_origin_that_is_not_an_origin_refuses_to_start(monkeypatch, tmp_path, origin):
    with pytest.raises(ImproperlyConfigured, match="SHOUHU_PUBLIC_ORIGIN"):
        settings_from(monkeypatch, tmp_path, SHOUHU_PUBLIC_ORIGIN=origin)


def test_the_public_origin_is_an_allowed_host_and_a_trusted_csrf_origin(monkeypatch, tmp_path):
    values = settings_from(monkeypatch, tmp_path)
    assert HOST in values["ALLOWED_HOSTS"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [ORIGIN]


def test_the_proxy_ssl_header_is_believed_only_behind_a_proxy(monkeypatch, tmp_path):
    assert settings_from(monkeypatch, tmp_path)["SECURE_PROXY_SSL_HEADER"] == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    direct = settings_from(monkeypatch, tmp_path, SHOUHU_TRUSTED_PROXIES="")
    assert "SECURE_PROXY_SSL_HEADER" not in direct


def test_postgresql_connections_are_pooled_two_per_process(monkeypatch, tmp_path):
    values = settings_from(monkeypatch, tmp_path, SHOUHU_DATABASE_URL="postgres://u@h:5432/d")
    assert values["DATABASES"]["default"]["OPTIONS"]["pool"]["max_size"] == 2
    unpooled = settings_from(
        monkeypatch, tmp_path, SHOUHU_DATABASE_URL="postgres://u@h:5432/d", SHOUHU_DB_POOL_MAX="0"
    )
    assert "pool" not in unpooled["DATABASES"]["default"]["OPTIONS"]


# --- static files -------------------------------------------------------------------------------


MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production's static files, collected once, as `shouhu serve` collects them."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected(production, settings, static_root):
    assert production["STORAGES"] == MANIFEST_STORAGES
    settings.STORAGES = MANIFEST_STORAGES
    settings.STATIC_ROOT = static_root


@pytest.mark.django_db
def test_with_debug_off_the_css_and_htmx_answer_200_by_hashed_names(collected):
    page = Client().get(reverse("accounts:login"), **through_proxy())
    assert page.status_code == 200
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode())
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", link) for link in links} >= {
        "/static/shouhu/shouhu.css",
        "/static/django_htmx/htmx-2.min.js",
    }
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", link), link
        response = Client().get(link, HTTP_ACCEPT_ENCODING="gzip, br", **through_proxy())
        assert response.status_code == 200, link
        assert response["Content-Encoding"] == "br"
        assert "immutable" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.urls("shouhu.core.tests.urls_failing")
def test_with_debug_off_a_server_error_is_the_chinese_500_page(collected):
    response = Client(raise_request_exception=False).get("/fails/", **through_proxy())
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page and "Server Error" not in page
    assert re.search(r'href="/static/shouhu/shouhu\.[0-9a-f]{12}\.css"', page)


# --- behind the TLS proxy -----------------------------------------------------------------------


@pytest.mark.django_db
def test_behind_the_tls_proxy_a_page_answers_without_redirecting_to_https(production):
    response = Client().get(reverse("accounts:login"), **through_proxy())
    assert response.status_code == 200


@pytest.mark.django_db
def test_behind_the_tls_proxy_hsts_is_sent(production):
    response = Client().get(reverse("accounts:login"), **through_proxy())
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_a_forwarded_proto_from_anyone_but_the_proxy_is_ignored(production):
    response = Client().get(reverse("accounts:login"), **through_proxy(REMOTE_ADDR="203.0.113.9"))
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/accounts/login/"


@pytest.mark.django_db
def test_login_passes_the_csrf_check_behind_the_proxy(production, head_teacher):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"), **through_proxy())
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found is not None
    token = found[1]
    response = client.post(
        reverse("accounts:login"),
        {"username": head_teacher.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        **through_proxy(HTTP_ORIGIN=ORIGIN, HTTP_REFERER=f"{ORIGIN}/accounts/login/"),
    )
    assert response.status_code == 302, response.content.decode()[:300]
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_a_failed_csrf_check_is_a_chinese_403(production):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x"}, **through_proxy(HTTP_ORIGIN=ORIGIN)
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page


# --- the access log -----------------------------------------------------------------------------


def test_the_access_log_holds_the_client_address_and_no_query_string(settings, tmp_path):
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = AccessLogger(config)
    environ = {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/children/?q=张三&id_number=511781201501010011",
        "PATH_INFO": "/children/",
        "QUERY_STRING": "q=张三&id_number=511781201501010011",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://shouhu.example.gov.cn/children/?q=李四",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(seconds=0.05))
    line = log.read_text()
    assert line.startswith("198.51.100.7 [")
    assert '"GET /children/ HTTP/1.1" 200 1234 50ms "Mozilla/5.0"' in line
    for leak in (PROXY, "6.6.6.6", "张三", "李四", "5117812015", "?"):
        assert leak not in line


def test_the_access_log_ignores_forwarded_for_from_anyone_but_the_proxy(settings):
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    atoms = AccessLogger(Config()).atoms(
        SimpleNamespace(status="200 OK", sent=0),
        None,
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
        datetime.timedelta(0),
    )
    assert atoms["h"] == "203.0.113.9"


# --- shouhu serve -------------------------------------------------------------------------------


def test_serve_refuses_debug_unless_it_is_a_demo(settings):
    settings.DEBUG, settings.SHOUHU_DEMO = True, False
    with pytest.raises(CommandError, match="SHOUHU_DEBUG=1 is for development"):
        call_command("serve", "--no-collectstatic")


def test_serve_starts_gunicorn_with_the_project_access_log_and_the_proxy(settings, monkeypatch):
    settings.DEBUG, settings.SHOUHU_DEMO = True, True
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network("192.168.10.0/24"),)
    started: list[dict] = []
    monkeypatch.setattr(serving.Server, "run", lambda self: started.append(self.options))
    call_command("serve", "--no-collectstatic", "--bind", "127.0.0.1:8123", "--workers", "3")
    options = started[0]
    assert (options["bind"], options["workers"]) == ("127.0.0.1:8123", 3)
    assert options["logger_class"] == "shouhu.core.serving.AccessLogger"
    assert (
        "%(q)s" not in options["access_log_format"] and "%(r)s" not in options["access_log_format"]
    )
    assert options["forwarded_allow_ips"] == "192.168.10.0/24"
    assert options["timeout"] >= 60


def test_workers_follow_the_cores(monkeypatch):
    monkeypatch.delenv("SHOUHU_WEB_WORKERS", raising=False)
    monkeypatch.setattr(serving.multiprocessing, "cpu_count", lambda: 8)
    assert serving.default_workers() == 17


# --- /healthz -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_anyone_with_ok_and_nothing_else(client):
    heartbeat_record(worker_id="w1", started_at=timezone.now())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken(self):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "worker": "error"}


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(production):
    heartbeat_record(worker_id="w1", started_at=timezone.now())
    response = Client().get(reverse("healthz"), HTTP_HOST="127.0.0.1")
    assert response.status_code == 200


def test_threads_make_gthread_workers_and_one_thread_the_sync_worker(monkeypatch):
    monkeypatch.setenv("SHOUHU_WEB_THREADS", "4")
    options = serving.gunicorn_options(
        bind="127.0.0.1:1", workers=3, threads=serving.default_threads(), access_log="-"
    )
    assert (options["worker_class"], options["threads"]) == ("gthread", 4)
    monkeypatch.delenv("SHOUHU_WEB_THREADS")
    options = serving.gunicorn_options(
        bind="127.0.0.1:1", workers=3, threads=serving.default_threads(), access_log="-"
    )
    assert (options["worker_class"], options["threads"]) == ("sync", 1)
