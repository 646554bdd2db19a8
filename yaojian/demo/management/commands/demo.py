import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yaojian.demo import loader
from yaojian.demo import trace as demo_trace
from yaojian.demo.generator import SCALES


class Command(BaseCommand):
    help = (
        "Create or upgrade the database, load the deterministic demo province (once), print the "
        "demo accounts, and serve on http://127.0.0.1:8000 with a worker and the scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="same seed, same province (default 2026)"
        )
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="demo",
            help="demo: ~1,500 enterprises in seconds; province: ~25,000 enterprises, "
            "~40,000 licences and ~20,000 products, for benchmarks",
        )
        parser.add_argument("--reset", action="store_true", help="delete the SQLite database first")
        parser.add_argument(
            "--no-serve", action="store_true", help="load and print, but do not serve"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, seed, scale, reset, no_serve, host, port, **options):
        if reset:
            self._reset_database()
        call_command("migrate", interactive=False, verbosity=0)
        if loader.is_loaded():
            self.stdout.write("The demo province is already loaded (use --reset to start again).")
            report = loader.LoadReport(password=loader.demo_password())
        else:
            self.stdout.write(f"Loading the demo province (seed {seed}, scale {scale})…")
            report = loader.load(seed=seed, scale=scale)
            self.stdout.write(
                f"Loaded {report.bureaus} bureaus, {report.regulators} regulators, "
                f"{report.enterprises} enterprises, {report.licences} licences, "
                f"{report.products} products and {report.people} people in {report.seconds:.1f} s."
            )
        self._print_accounts(report, host, port)
        if not no_serve:
            self._serve(host, port)

    def _reset_database(self):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "--reset only deletes the local SQLite database; drop a PostgreSQL database yourself."
            )
        for suffix in ("", "-wal", "-shm"):
            path = f"{database['NAME']}{suffix}"
            if os.path.exists(path):
                os.remove(path)

    def _print_accounts(self, report, host, port):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"yaojian demo: http://{host}:{port}/"))
        self.stdout.write("Demo accounts (演示账号):")
        for account in report.accounts:
            self.stdout.write(f"  {account.username:<20} {account.description}")
        self.stdout.write(f"Password for every demo account: {report.password}")
        if report.password == loader.DEFAULT_PASSWORD:
            self.stdout.write("  (the default; set YAOJIAN_DEMO_PASSWORD to choose another)")
        codes = demo_trace.public_codes(loader.DEMO_CHAIN)
        if codes:
            self.stdout.write(
                f"Traceability codes to check at http://{host}:{port}/verify/ (追溯码查验):"
            )
            for code in codes:
                self.stdout.write(f"  {code.code:<32} {code.result} {code.note}".rstrip())
        self.stdout.write("")

    def _serve(self, host, port):
        """Serve in the foreground, with a task worker and the scheduler beside it."""
        from yaojian.core.management.commands.serve import serve

        env = {**os.environ, "YAOJIAN_DEMO": "1"}
        helpers = [
            subprocess.Popen([sys.executable, "-m", "yaojian.cli", "worker"], env=env),
            subprocess.Popen(
                [sys.executable, "-m", "yaojian.cli", "scheduler", "--verbosity", "0"], env=env
            ),
        ]
        try:
            serve(host, port, workers=2, threads=4)
        finally:
            for process in helpers:
                process.send_signal(signal.SIGTERM)
            for process in helpers:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
