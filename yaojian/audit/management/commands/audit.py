from django.core.management.base import BaseCommand, CommandError

from yaojian.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the whole SM3 hash chain and reports the first broken link."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check the whole chain; exit status 1 if it is broken")

    def handle(self, *args, action, **options):
        if action == "verify":
            report = verify_chain()
            if not report.ok:
                raise CommandError(
                    f"audit chain BROKEN at entry #{report.first_broken_seq}: {report.reason} "
                    f"({report.checked} entries verified before it)"
                )
            self.stdout.write(
                self.style.SUCCESS(f"audit chain intact: {report.checked} entries verified")
            )
