import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


def default_workers() -> int:
    """One worker process per core (see `DEFAULT_THREADS` for the measurement)."""
    return int(os.environ.get("YAOJIAN_WORKERS") or (os.cpu_count() or 1))


# Threads per worker process that run the application. Measured on two cores with the public
# verification (PostgreSQL, 10 M codes, 8 keep-alive clients, same run): 2 processes x 4
# threads answered 1,469 and 1,483 a second; 2 x 2, 1,425; 3 x 2, 1,578; 4 x 2, 1,509; 2 x 8,
# 1,278. The differences are within this machine's noise, so the fewest processes (the least
# memory) with threads enough to let one request wait on the database while another runs, and
# a slow page (an export, a PDF) leave the process free for others.
DEFAULT_THREADS = int(os.environ.get("YAOJIAN_THREADS") or 4)


class Command(BaseCommand):
    help = "Serve the platform with granian (no demo data). Static files are served by whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("YAOJIAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("YAOJIAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        serve(options["host"], options["port"], options["workers"], options["threads"])


def serve(host: str, port: int, workers: int, threads: int, *, access_log: bool = True) -> None:
    """Serve the WSGI application in the foreground until SIGINT or SIGTERM.

    granian parses HTTP in Rust and hands each request to one of `threads` Python threads of
    a worker process; on the public verification it used about a third less processor time
    per request than gunicorn's threaded workers (which parse HTTP in Python). Request
    bodies are streamed to the application, so a large EPCIS upload is not held in memory.
    The worker processes are forked from this one after the application is loaded, and a
    worker that dies is started again."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    from yaojian.wsgi import served_application  # noqa: F401 - loaded once, before the fork

    connections.close_all()  # each worker opens its own
    Server(
        "yaojian.wsgi:served_application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_level=LogLevels.warning,
        log_access=access_log,
        respawn_failed_workers=True,
        workers_kill_timeout=30,
    ).serve()
