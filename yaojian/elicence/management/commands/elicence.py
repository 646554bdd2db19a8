"""`yaojian elicence`: signing keys, offline verification, issue from the register."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yaojian.audit.services import Actor
from yaojian.core.context import Origin, origin
from yaojian.core.errors import DomainError

CLI_ACTOR = Actor(username="cli", kind="system")
EXIT_VALID, EXIT_NOT_VALID, EXIT_USAGE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Electronic licences. 'keys list|rotate|export|compromise' manages the bureaus' SM2 "
        "keys; 'verify CODE --keys FILE' checks a QR code offline (exit 0 valid, 1 not valid, "
        "2 usage error); 'issue NUMBER…' issues e-licences for licences in the register."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        keys = sub.add_parser("keys", help="list, rotate, export or compromise signing keys")
        key_actions = keys.add_subparsers(dest="key_action", required=True)
        key_actions.add_parser("list", help="every key with its bureau, status and validity")
        rotate = key_actions.add_parser(
            "rotate", help="retire a bureau's key (it still verifies) and create a new one"
        )
        rotate.add_argument("--bureau", required=True, help="the bureau's division code")
        rotate.add_argument("--reason", default="", help="why (kept in the audit log)")
        export = key_actions.add_parser("export", help="write the published public-key file")
        export.add_argument("--output", "-o", help="file to write (default: standard output)")
        compromise = key_actions.add_parser(
            "compromise", help="mark a key compromised: its signatures stop verifying"
        )
        compromise.add_argument("key_id")
        compromise.add_argument("--reason", required=True)
        compromise.add_argument(
            "--reissue",
            action="store_true",
            help="reissue every current e-licence it signed with the bureau's new key",
        )

        verify = sub.add_parser(
            "verify", help="verify a QR code (payload or link) offline, with a public-key file"
        )
        verify.add_argument("code", help="the QR code's content: YJL1.… or the link carrying it")
        verify.add_argument("--keys", required=True, help="the published key file (JSON)")
        verify.add_argument(
            "--json", dest="as_json", action="store_true", help="print the result as JSON"
        )

        issue = sub.add_parser("issue", help="issue the next e-licence version of licences")
        issue.add_argument("numbers", nargs="*", help="licence numbers")
        issue.add_argument("--reason", default="", help="why (printed in the PDF's history)")
        issue.add_argument(
            "--missing",
            action="store_true",
            help="issue version 1 for every valid licence that has no e-licence yet",
        )
        issue.add_argument("--limit", type=int, default=0, help="at most this many (--missing)")

    def handle(self, *args, action, **options):
        if action == "verify":  # offline: no database, no audit
            return self._verify(**options)
        with origin(Origin(channel="cli")):
            try:
                getattr(self, f"_{action}")(**options)
            except DomainError as error:
                raise CommandError(f"{error.code}: {error.detail}") from None

    # --- keys --------------------------------------------------------------------------------

    def _keys(self, key_action, **options):
        getattr(self, f"_keys_{key_action}")(**options)

    def _keys_list(self, **options):
        from yaojian.elicence.selectors import published_keys

        keys = published_keys()["keys"]
        if not keys:
            self.stdout.write("no signing keys yet (a bureau gets one when it first issues)")
        for key in keys:
            until = key["valid_until"] or "—"
            self.stdout.write(
                f"{key['key_id']:<12} {key['status']:<12} {key['valid_from']} → {until}  "
                f"{key['bureau']} ({key['bureau_code']})"
            )

    def _keys_rotate(self, bureau, reason, **options):
        from yaojian.accounts.models import Bureau
        from yaojian.elicence import services

        found = Bureau.objects.filter(region_code=bureau).first()
        if found is None:
            raise CommandError(f"no bureau with division code {bureau}", returncode=EXIT_USAGE)
        key = services.key_rotate(actor=CLI_ACTOR, bureau=found, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"{found.name}: new active key {key.key_id}"))
        self.stdout.write("publish the key file again: yaojian elicence keys export -o keys.json")

    def _keys_export(self, output=None, **options):
        from yaojian.elicence.selectors import published_keys

        text = json.dumps(published_keys(), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"public keys written to {output}"))
        else:
            self.stdout.write(text, ending="")

    def _keys_compromise(self, key_id, reason, reissue=False, **options):
        from yaojian.elicence import services

        key = services.key_compromise(actor=CLI_ACTOR, key_id=key_id, reason=reason)
        self.stdout.write(
            self.style.WARNING(f"{key.key_id} marked compromised: its signatures no longer verify")
        )
        if reissue:
            count = services.reissue_signed_with(actor=CLI_ACTOR, key_id=key.key_id)
            self.stdout.write(self.style.SUCCESS(f"{count} e-licences reissued with a new key"))

    # --- issue -------------------------------------------------------------------------------

    def _issue(self, numbers, reason, missing=False, limit=0, **options):
        from yaojian.elicence import services
        from yaojian.registry.choices import LicenceStatus
        from yaojian.registry.models import Licence

        if not numbers and not missing:
            raise CommandError("give licence numbers or --missing", returncode=EXIT_USAGE)
        if missing:
            licences = Licence.objects.filter(
                status=LicenceStatus.VALID, electronic_versions__isnull=True
            ).order_by("pk")
            licences = licences[:limit] if limit else licences
            reason = reason or "首次签发电子证照 / first electronic licence"
        else:
            licences = Licence.objects.filter(number__in=numbers).order_by("pk")
            found = set(licences.values_list("number", flat=True))
            for number in numbers:
                if number not in found:
                    self.stderr.write(f"no licence with number {number}")
            reason = reason or "签发电子证照 / issued from the register"
        count = 0
        for licence in licences.select_related("holder", "issuing_bureau").iterator():
            try:
                elicence = services.issue(actor=CLI_ACTOR, licence=licence, reason=reason)
            except DomainError as error:
                if not missing:
                    raise
                self.stderr.write(f"{licence.number}: {error.detail}")
                continue
            services.ensure_pdf(elicence)
            count += 1
            if not missing:
                self.stdout.write(
                    f"{elicence.number} version {elicence.version} ({elicence.key_id})"
                )
        self.stdout.write(self.style.SUCCESS(f"{count} e-licences issued"))

    # --- offline verification ----------------------------------------------------------------

    def _verify(self, code, keys, as_json=False, **options):
        from yaojian.elicence.payload import load_key_file, verify_offline

        try:
            document = _read_json(keys)
            key_set = load_key_file(document)
        except (OSError, ValueError) as error:
            raise CommandError(
                f"cannot use the key file {keys}: {error}", returncode=EXIT_USAGE
            ) from None
        result = verify_offline(code, key_set)
        if as_json:
            self.stdout.write(_json_dumps(_as_dict(result)))
        else:
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(style(f"{result.verdict.upper()}: {result.reason}"))
            if result.claims:
                for name, value in result.claims.as_dict().items():
                    self.stdout.write(f"  {name:<12} {value if value is not None else '—'}")
            if result.key:
                self.stdout.write(
                    f"  {'signed by':<12} {result.key.get('bureau', '')} "
                    f"({result.key.get('status', '')} key)"
                )
        if not result.ok:
            raise CommandError(f"not valid: {result.verdict}", returncode=EXIT_NOT_VALID)


def _read_json(path: str):
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _as_dict(result) -> dict:
    return {
        "verdict": result.verdict,
        "reason": result.reason,
        "claims": result.claims.as_dict() if result.claims else None,
        "key": result.key,
    }
