import time

from django.core.management.base import BaseCommand

from yaojian.core import scheduling


class Command(BaseCommand):
    help = "Enqueue periodic jobs (deadline reminders, nightly checks) when they fall due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="enqueue what is due now, then exit"
        )
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--list", action="store_true", help="list the periodic jobs and exit")

    def handle(self, *args, once, interval, list, **options):
        if list:
            for job in scheduling.discover().values():
                self.stdout.write(f"{job.name:40} every {job.every}")
            return
        while True:
            scheduling.beat("scheduler")
            for name in scheduling.run_due_jobs():
                if options["verbosity"] >= 1:
                    self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
