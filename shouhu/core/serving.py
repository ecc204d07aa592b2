"""The production web server: gunicorn running Shouhu's WSGI application (`shouhu serve`).

gunicorn's own access log writes the request line as sent, query string included, and the
address the connection came from. Here both change: a search such as `/children/?q=张三` could
hold a child's name, so the log keeps the path only (and no Referer, which holds another page's
query); behind nginx the connection always comes from the proxy, so the address logged is the
client's, read as the login throttle reads it (`shouhu.core.network.client_address`:
X-Forwarded-For only from SHOUHU_TRUSTED_PROXIES).
"""

import multiprocessing
import os
from types import SimpleNamespace

from django.conf import settings
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from shouhu.core.network import client_address

# client, time, "METHOD /path PROTOCOL", status, bytes, milliseconds, user agent
ACCESS_LOG_FORMAT = '%(h)s [%(t)s] "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


class AccessLogger(Logger):
    """gunicorn's logger with an access line that names the client and holds no query."""

    def atoms(self, resp, req, environ, request_time):
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        return {
            "h": client_address(SimpleNamespace(META=environ)) or "-",  # type: ignore[arg-type]
            "t": self.now().strip("[]"),
            "m": environ.get("REQUEST_METHOD", "-"),
            "U": environ.get("PATH_INFO", "-"),
            "H": environ.get("SERVER_PROTOCOL", "-"),
            "s": status,
            "B": getattr(resp, "sent", None) or 0,
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
            "a": environ.get("HTTP_USER_AGENT", "-"),
        }


def default_workers() -> int:
    """gunicorn's advice, (2 × cores) + 1: a worker waits on PostgreSQL as often as it computes."""
    return int(os.environ.get("SHOUHU_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)


def default_threads() -> int:
    """Threads per worker (SHOUHU_WEB_THREADS): 1 is gunicorn's sync worker (docs/deploy.md)."""
    return max(1, int(os.environ.get("SHOUHU_WEB_THREADS") or 1))


def gunicorn_options(*, bind: str, workers: int, access_log: str, threads: int = 1) -> dict:
    return {
        "bind": bind,
        "workers": workers,
        # More than one thread: gunicorn's gthread worker, each thread a request of its own.
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        # A county's summary PDF takes seconds; a request still running after this is killed
        # (and logged) rather than holding a worker for ever.
        "timeout": int(os.environ.get("SHOUHU_WEB_TIMEOUT") or 120),
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced after this many requests: memory a PDF or a workbook left behind
        # goes back to the system.
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "preload_app": True,
        "proc_name": "shouhu",
        "accesslog": access_log,
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": "shouhu.core.serving.AccessLogger",
        "errorlog": "-",
        # gunicorn 27's runtime control socket (~/.gunicorn/gunicorn.ctl) is one per user:
        # two servers of one user would share it. systemd controls the server with signals.
        "control_socket_disable": True,
        # gunicorn believes X-Forwarded-Proto from these only, as Django does.
        "forwarded_allow_ips": ",".join(str(n) for n in settings.SHOUHU_TRUSTED_PROXIES),
    }


class Server(BaseApplication):
    """gunicorn with its options given here, not read from its command line."""

    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)  # type: ignore[union-attr]

    def load(self):
        return self.application
