"""Reads of accounts and bureaus, scoped to the reader."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from yaojian.accounts.choices import UserKind
from yaojian.accounts.models import ApiToken, Bureau, RoleAssignment, User
from yaojian.core.scoping import get_visible, restrict


def bureau_list(user: Any) -> QuerySet[Bureau]:
    return restrict(Bureau.objects.all(), user)


def regulator_list(
    user: Any, *, query: str = "", bureau_code: str = "", role: str = ""
) -> QuerySet[User]:
    users = restrict(User.objects.filter(kind=UserKind.REGULATOR), user).select_related("bureau")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    if bureau_code:
        users = users.filter(bureau__region_code=bureau_code)
    if role:
        users = users.filter(role_assignments__role=role)
    return users.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    ).order_by("bureau__region_code", "username")


def user_get(user: Any, user_id: Any) -> User:
    return get_visible(User.objects.select_related("bureau", "enterprise"), user, pk=user_id)


def subaccount_list(user: Any) -> QuerySet[User]:
    if not (user.is_authenticated and user.is_enterprise_user):
        return User.objects.none()
    return User.objects.filter(enterprise_id=user.enterprise_id).order_by(
        "-is_enterprise_master", "username"
    )


def token_list(user: Any) -> QuerySet[ApiToken]:
    return restrict(ApiToken.objects.select_related("created_by"), user)
