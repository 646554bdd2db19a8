"""The unified to-do inbox and the message inbox, into which every module posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yaojian.core.texts import in_reader_language


class TodoStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("to-do status", "Cancelled")


class Todo(models.Model):
    """Work waiting for someone: a named user, or anyone in a bureau (optionally with a role).

    The posting module owns the work; the to-do points at it (`link`, `object_type/id`) and is
    closed by that module's service when the work is done.
    """

    source = models.CharField(_("module"), max_length=40)
    kind = models.CharField(_("kind"), max_length=60)
    # the default language's text; `*_i18n` keep the text in each language (see core/texts.py)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    title_i18n = models.JSONField(_("title in each language"), default=dict, blank=True)
    body_i18n = models.JSONField(_("details in each language"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="todos",
    )
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="todos",
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TodoStatus.choices,
        default=TodoStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        ordering = ["due_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="todo_has_assignee_or_bureau",
                condition=models.Q(assignee__isnull=False) | models.Q(bureau__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title_text

    title_text = in_reader_language("title")

    body_text = in_reader_language("body")

    @property
    def role_label(self) -> str:
        from yaojian.accounts.choices import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def is_overdue(self) -> bool:
        return bool(self.status == TodoStatus.OPEN and self.due_at and self.due_at < timezone.now())


class Message(models.Model):
    """A notification in a user's inbox (copied by e-mail or SMS where the user has one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    source = models.CharField(_("module"), max_length=40)
    # the default language's text; `*_i18n` keep the text in each language (see core/texts.py)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    subject_i18n = models.JSONField(_("subject in each language"), default=dict, blank=True)
    body_i18n = models.JSONField(_("message in each language"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject_text

    subject_text = in_reader_language("subject")

    body_text = in_reader_language("body")
