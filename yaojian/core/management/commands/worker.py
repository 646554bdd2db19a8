from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks from the database queue until stopped (Ctrl+C finishes the current task)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="append", dest="queues", help="queue name (default: all)"
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, queues, batch, interval, **options):
        from yaojian.core.context import Origin, origin

        with origin(Origin(channel="task")):
            call_command(
                "db_worker",
                queue_name=",".join(queues) if queues else "*",
                batch=batch,
                interval=interval,
                reload=False,
                verbosity=options["verbosity"],
            )
