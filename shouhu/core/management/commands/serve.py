"""`shouhu serve [--bind 127.0.0.1:8000]`: the production web server (docs/deploy.md).

1. Refuse SHOUHU_DEBUG=1 unless SHOUHU_DEMO=1: a debug page shows settings and code to anyone.
2. Run the system checks (the deployment ones too, in production); an error stops the start.
3. collectstatic into STATIC_ROOT: hashed names, gzip and Brotli copies, for WhiteNoise.
4. Start gunicorn: workers from the cores (SHOUHU_WEB_THREADS threads each), timeouts, the
   access log of `shouhu.core.serving`.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shouhu.core.serving import Server, default_threads, default_workers, gunicorn_options


class Command(BaseCommand):
    help = "Run Shouhu under gunicorn, the production web server."
    requires_system_checks: list[str] = []  # run below, with --deploy in production

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("SHOUHU_BIND", "127.0.0.1:8000"),
            help="address:port or unix:PATH (SHOUHU_BIND; default 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes (SHOUHU_WEB_WORKERS; default 2 × cores + 1)",
        )
        parser.add_argument(
            "--access-log",
            default=os.environ.get("SHOUHU_ACCESS_LOG", "-"),
            help="file of the access log, - for standard output (SHOUHU_ACCESS_LOG)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="serve the static files already collected (a read-only installation)",
        )

    def handle(self, *args, **options):
        if settings.DEBUG and not settings.SHOUHU_DEMO:
            raise CommandError(
                "SHOUHU_DEBUG=1 is for development: its error pages show the settings and the "
                "code to anyone. Set SHOUHU_DEBUG=0 with the production keys, or SHOUHU_DEMO=1 "
                "for a demonstration server without real data."
            )
        call_command("check", deploy=not settings.DEBUG, fail_level="ERROR")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # The workers are forked from this process: none may inherit a database connection.
        connections.close_all()
        from shouhu.wsgi import application

        Server(
            application,
            gunicorn_options(
                bind=options["bind"],
                workers=options["workers"] or default_workers(),
                threads=default_threads(),  # SHOUHU_WEB_THREADS: the pool is sized from it too
                access_log=options["access_log"],
            ),
        ).run()
