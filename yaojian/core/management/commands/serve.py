import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    """Two worker processes per core, each with `DEFAULT_THREADS` threads.

    Measured on two cores with the public verification (PostgreSQL, 10 M codes, 8 clients):
    4 processes of 2 threads answered about 970 a second where 2 of 4 answered about 830:
    the threads of one process take turns holding the interpreter. A few threads each still
    let a slow page (an export, a PDF) leave the process free for others."""
    return int(os.environ.get("YAOJIAN_WORKERS") or 2 * (os.cpu_count() or 1))


DEFAULT_THREADS = int(os.environ.get("YAOJIAN_THREADS") or 2)


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (no demo data). Static files are served by whitenoise."

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


def serve(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from yaojian.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            self.cfg.set("graceful_timeout", 10)

        def load(self):
            return application

    Server().run()
