"""Reads of the inboxes; a user sees their own messages and the to-dos addressed to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yaojian.core.errors import NotFound
from yaojian.workbench.models import Message, Todo, TodoStatus


def _todo_condition(user: Any) -> Q:
    condition = Q(assignee=user)
    if user.is_regulator and user.bureau_id:
        condition |= Q(assignee__isnull=True, bureau_id=user.bureau_id) & (
            Q(role="") | Q(role__in=list(user.role_set))
        )
    return condition


def _is_account(user: Any) -> bool:
    """A person's account (machine tokens have no inbox)."""
    return bool(user is not None and user.is_authenticated and user.pk is not None)


def todo_list(user: Any, *, status: str | None = TodoStatus.OPEN) -> QuerySet[Todo]:
    if not _is_account(user):
        return Todo.objects.none()
    todos = Todo.objects.filter(_todo_condition(user)).select_related("bureau", "assignee")
    if status:
        todos = todos.filter(status=status)
    return todos


def todo_get(user: Any, todo_id: int) -> Todo:
    todo = todo_list(user, status=None).filter(pk=todo_id).first()
    if todo is None:
        raise NotFound()
    return todo


def message_list(user: Any, *, unread_only: bool = False) -> QuerySet[Message]:
    if not _is_account(user):
        return Message.objects.none()
    messages = Message.objects.filter(recipient=user)
    return messages.filter(read_at__isnull=True) if unread_only else messages


def unread_count(user: Any) -> int:
    return message_list(user, unread_only=True).count()
