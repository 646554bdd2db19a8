"""`yaojian vigilance ...`: MedDRA import, E2B(R3) import/export, signal detection.

vigilance meddra-import DIR            load a MedDRA ASCII distribution (or --synthetic)
vigilance e2b-import FILE...           import E2B(R3) batches, write FILE.ack next to each
vigilance e2b-export --case ID         one case as an E2B(R3) batch (stdout or --output)
vigilance e2b-export --from D --to D   every case received in a period
vigilance signals ...                  signal detection (yaojian.vigilance.signals.cli)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yaojian.core.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Adverse-reaction monitoring: meddra-import, e2b-import, e2b-export, signals"

    def run_from_argv(self, argv):
        # `signals` takes its own options: hand them over untouched
        if len(argv) > 2 and argv[2] == "signals":
            from yaojian.vigilance.signals.cli import run

            code = run(argv[3:])
            sys.exit(code or 0)
        return super().run_from_argv(argv)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        meddra = sub.add_parser("meddra-import", help="load a MedDRA ASCII distribution")
        meddra.add_argument("directory", nargs="?")
        meddra.add_argument("--synthetic", action="store_true", help="load the synthetic test set")
        e2b_in = sub.add_parser("e2b-import", help="import E2B(R3) batch files")
        e2b_in.add_argument("files", nargs="+")
        e2b_in.add_argument("--user", default="", help="importing account (a centre regulator)")
        e2b_out = sub.add_parser("e2b-export", help="export cases as an E2B(R3) batch")
        e2b_out.add_argument("--case", default="", help="case number or id")
        e2b_out.add_argument("--from", dest="since", default="")
        e2b_out.add_argument("--to", dest="until", default="")
        e2b_out.add_argument("--output", default="")
        signals = sub.add_parser("signals", help="signal detection (see its own --help)")
        signals.add_argument("rest", nargs="*")

    def handle(self, *args, subcommand: str, **options):
        try:
            if subcommand == "meddra-import":
                return self._meddra(options)
            if subcommand == "e2b-import":
                return self._e2b_import(options)
            if subcommand == "e2b-export":
                return self._e2b_export(options)
            if subcommand == "signals":
                from yaojian.vigilance.signals.cli import run

                code = run(options["rest"])
                if code:
                    raise CommandError(f"signals exited with {code}")
        except DomainError as error:
            raise CommandError(str(error.detail)) from error

    def _meddra(self, options):
        from yaojian.vigilance import meddra

        if options["synthetic"]:
            release = meddra.load_synthetic()
        elif options["directory"]:
            release = meddra.import_directory(options["directory"])
        else:
            raise CommandError("give the distribution's directory (or --synthetic)")
        self.stdout.write(f"MedDRA {release.version}: {release.term_count} terms loaded")

    def _actor(self, username: str):
        from yaojian.accounts.models import User
        from yaojian.vigilance.services import CENTRE_ROLES

        users = User.objects.filter(kind="regulator", is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active regulator account {username!r}")
            return user
        user = (
            users.filter(bureau__level="province", role_assignments__role__in=CENTRE_ROLES)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError("no provincial centre regulator; pass --user")
        return user

    def _e2b_import(self, options):
        from yaojian.vigilance.e2b.imports import batch_import

        actor = self._actor(options["user"])
        failed = 0
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            batch = batch_import(actor=actor, content=path.read_bytes(), file_name=path.name)
            ack = path.with_suffix(path.suffix + ".ack")
            ack.write_text(batch.ack_xml, encoding="utf-8")
            accepted = sum(r["accepted"] for r in batch.results)
            self.stdout.write(
                f"{path.name}: {batch.ack_code} ({accepted}/{len(batch.results)} reports) → {ack}"
            )
            if batch.error:
                self.stdout.write(f"  {batch.error}")
            for result in batch.results:
                if not result["accepted"]:
                    self.stdout.write(f"  report {result['index'] + 1}: {result['detail']}")
            failed += batch.ack_code != "AA"
        if failed:
            raise CommandError(f"{failed} batch(es) not fully accepted")

    def _e2b_export(self, options):
        from yaojian.vigilance.choices import CaseStatus
        from yaojian.vigilance.e2b import export_cases
        from yaojian.vigilance.models import Case

        cases = Case.objects.filter(status__in=(CaseStatus.RECEIVED, CaseStatus.ASSESSED))
        if options["case"]:
            key = options["case"]
            cases = cases.filter(case_number=key) if not key.isdigit() else cases.filter(pk=key)
            if not cases.exists():
                raise CommandError(f"no open case {key}")
        elif options["since"] and options["until"]:
            cases = cases.filter(
                received_date__gte=_date(options["since"]),
                received_date__lte=_date(options["until"]),
            )
        else:
            raise CommandError("give --case ID, or --from DATE --to DATE")
        versions = [
            c.current_version for c in cases.select_related("current_version").order_by("pk")
        ]
        content = export_cases(versions)
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stdout.write(f"{len(versions)} case(s) → {options['output']}")
        else:
            self.stdout.write(content.decode())
