from django.core.management.base import BaseCommand, CommandError

from yaojian.accounts import services
from yaojian.accounts.models import ALL_ENTERPRISE_RIGHTS, ApiToken
from yaojian.audit.services import Actor
from yaojian.core.context import Origin, origin
from yaojian.core.errors import DomainError, NotFound
from yaojian.core.validators import normalise_uscc
from yaojian.registry.models import Enterprise

CLI_ACTOR = Actor(username="cli", kind="system")


class Command(BaseCommand):
    help = "Create, list or revoke API tokens of enterprise machine clients."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; the secret is printed once")
        create.add_argument(
            "--enterprise", required=True, help="the enterprise's unified social credit code"
        )
        create.add_argument("--name", required=True, help="which system will use it")
        create.add_argument(
            "--rights",
            default="view,trace",
            help=f"comma-separated, from: {','.join(ALL_ENTERPRISE_RIGHTS)}",
        )
        listing = sub.add_parser("list", help="list an enterprise's tokens (never their secrets)")
        listing.add_argument("--enterprise", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        with origin(Origin(channel="cli")):
            try:
                getattr(self, f"_{action}")(**options)
            except DomainError as error:
                raise CommandError(f"{error.code}: {error.detail}") from None

    def _enterprise(self, uscc: str) -> Enterprise:
        enterprise = Enterprise.objects.filter(uscc=normalise_uscc(uscc)).first()
        if enterprise is None:
            raise CommandError(f"no enterprise with credit code {uscc}")
        return enterprise

    def _create(self, enterprise, name, rights, **options):
        token, raw = services.token_create(
            actor=CLI_ACTOR,
            enterprise=self._enterprise(enterprise),
            name=name,
            rights=[r for r in rights.split(",") if r],
        )
        self.stdout.write(
            f"token {token.prefix} for {token.enterprise.name} ({', '.join(token.rights)})"
        )
        self.stdout.write("secret (shown once, store it now):")
        self.stdout.write(raw)

    def _list(self, enterprise, **options):
        for token in ApiToken.objects.filter(enterprise=self._enterprise(enterprise)):
            state = "revoked" if token.revoked_at else "active"
            last = token.last_used_at.isoformat() if token.last_used_at else "never"
            self.stdout.write(f"{token.prefix}  {state:8} last used {last:32} {token.name}")

    def _revoke(self, prefix, **options):
        try:
            token = services.token_revoke(actor=CLI_ACTOR, prefix=prefix)
        except NotFound:
            raise CommandError(f"no token with prefix {prefix}") from None
        self.stdout.write(f"revoked {token.prefix} ({token.name})")
