"""The append-only audit log, hash-chained with SM3.

Each entry's hash covers its own fields and the previous entry's hash, and its sequence
number is part of what is hashed: editing, deleting or reordering rows breaks the chain at
the first affected entry. The chain head (last sequence number and hash) lives in its own
row, so removing the newest entries is detected too. On PostgreSQL a trigger refuses UPDATE
and DELETE on the log (migration 0002).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaojian.audit.choices import Outcome

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True, db_index=True)
    actor_kind = models.CharField(_("account type"), max_length=12, blank=True)
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    actor_org = models.CharField(_("bureau or enterprise"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    @property
    def actor_kind_label(self) -> str:
        from yaojian.accounts.choices import UserKind

        labels = {
            **dict(UserKind.choices),
            "anonymous": _("anonymous"),
            "machine": _("API token"),
            "system": _("system"),
        }
        return str(labels.get(self.actor_kind, self.actor_kind))


class AuditChainHead(models.Model):
    """The single row that holds the chain's end; writers lock it to append in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
