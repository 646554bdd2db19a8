"""Posting to-dos and messages. Any module calls these; only this module writes the inboxes.

Titles, subjects and bodies are `Text`s (see core/texts.py): a plain string, or a callable such as
`lambda: _("Review %(n)s") % {"n": number}` rendered in every language so that each reader
reads their own. The callable is called before todo_post/notify return.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from yaojian.audit import services as audit
from yaojian.core.errors import NotFound
from yaojian.core.texts import Text as Text
from yaojian.core.texts import each_language as each_language
from yaojian.core.texts import for_storage
from yaojian.core.texts import in_default_language as in_default_language
from yaojian.workbench import selectors
from yaojian.workbench.models import Message, Todo, TodoStatus

_TITLE_LENGTH = Todo._meta.get_field("title").max_length
_SUBJECT_LENGTH = Message._meta.get_field("subject").max_length


def todo_post(
    *,
    source: str,
    kind: str,
    title: Text,
    body: Text = "",
    link: str = "",
    assignee: Any = None,
    bureau: Any = None,
    role: str = "",
    due_at: dt.datetime | None = None,
    obj: Any = None,
) -> Todo:
    """Put work in an inbox. Re-posting the same open work for the same object is a no-op.

    A title longer than its column is cut (in every language), not refused: the work is real."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    if obj is not None:
        existing = Todo.objects.filter(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            status=TodoStatus.OPEN,
            assignee=assignee,
            bureau=bureau,
        ).first()
        if existing:
            return existing
    title, title_i18n = for_storage(title, limit=_TITLE_LENGTH)
    body, body_i18n = for_storage(body)
    todo = Todo(
        source=source,
        kind=kind,
        title=title,
        body=body,
        title_i18n=title_i18n,
        body_i18n=body_i18n,
        link=link,
        assignee=assignee,
        bureau=bureau,
        role=role,
        due_at=due_at,
        object_type=object_type,
        object_id=object_id,
    )
    todo.full_clean()
    todo.save()
    return todo


def todos_close_for(obj: Any, *, kind: str | None = None, actor: Any = None) -> int:
    """Close the open to-dos about an object when its module finishes the work."""
    todos = Todo.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), status=TodoStatus.OPEN
    )
    if kind:
        todos = todos.filter(kind=kind)
    return todos.update(status=TodoStatus.DONE, closed_at=timezone.now(), closed_by=actor)


@audit.audited("workbench.todo.close")
def todo_close(*, actor: Any, todo_id: int) -> Todo:
    todo = selectors.todo_get(actor, todo_id)
    if todo.status != TodoStatus.OPEN:
        return todo
    todo.status, todo.closed_at, todo.closed_by = TodoStatus.DONE, timezone.now(), actor
    todo.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(actor=actor, action="workbench.todo.close", obj=todo)
    return todo


def notify(
    recipient: Any,
    *,
    source: str,
    subject: Text,
    body: Text = "",
    link: str = "",
    email: bool = True,
) -> Message:
    """The one way to tell a user something: the inbox, and e-mail after commit if they have one
    (in the language they last used the platform in; the default one if they never signed in)."""
    subject, subject_i18n = for_storage(subject, limit=_SUBJECT_LENGTH)
    body, body_i18n = for_storage(body)
    message = Message.objects.create(
        recipient=recipient,
        source=source,
        subject=subject,
        body=body,
        subject_i18n=subject_i18n,
        body_i18n=body_i18n,
        link=link,
    )
    if email and recipient.email:
        transaction.on_commit(lambda: _send_email(message.pk))
    return message


def _send_email(message_id: int) -> None:
    from yaojian.workbench.tasks import send_message_email

    send_message_email.enqueue(message_id)


def message_mark_read(*, actor: Any, message_id: int) -> Message:
    message = Message.objects.filter(recipient=actor, pk=message_id).first()
    if message is None:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_mark_all_read(*, actor: Any) -> int:
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
