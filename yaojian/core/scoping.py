"""The one mechanism that decides which records a user may see.

Every selector passes its queryset through `restrict(queryset, user)`. A model states how it
relates to jurisdictions and enterprises with a `scope_paths` attribute (`ScopePaths`):

* a regulator sees rows whose region code lies inside their bureau's jurisdiction
  (province → all its cities and counties; city → its counties; county → itself);
* an enterprise account sees rows of its own enterprise;
* the public sees only rows the model declares public, and nothing when it declares none.

Objects outside scope are reported as not found (404), never as forbidden, so that a user
cannot learn that they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet

from yaojian.core import regions
from yaojian.core.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Callable

M = TypeVar("M", bound=Model)

REGULATOR, ENTERPRISE, PUBLIC = "regulator", "enterprise", "public"


@dataclass(frozen=True)
class Scope:
    """What one user may see: computed from the account, never from request parameters."""

    kind: str
    region_code: str | None = None
    enterprise_id: int | None = None

    @property
    def region_range(self) -> tuple[str, str] | None:
        return regions.jurisdiction_range(self.region_code) if self.region_code else None

    def covers_region(self, code: str | None) -> bool:
        return bool(
            self.kind == REGULATOR
            and code
            and self.region_code
            and regions.contains(self.region_code, code)
        )


NOTHING = Scope(kind=PUBLIC)


@dataclass(frozen=True)
class ScopePaths:
    """How a model's rows relate to a jurisdiction and an enterprise (ORM lookup paths)."""

    region: str | None = None
    # one path, or several when an enterprise relates to a row in more than one way
    # (a product's holder and its manufacturer)
    enterprise: str | tuple[str, ...] | None = None
    public: Callable[[], Q] | None = field(default=None)
    # reference data that every regulator of the province reads (the product catalogue)
    province_wide: bool = False


def scope_of(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    return user.scope


def filter_for(model: type[Model], scope: Scope) -> Q | None:
    """The Q that limits `model` to `scope`, or None when nothing is visible."""
    paths: ScopePaths | None = getattr(model, "scope_paths", None)
    if paths is None:
        raise TypeError(f"{model.__name__} declares no scope; add `scope_paths = ScopePaths(...)`")
    if scope.kind == REGULATOR and paths.province_wide:
        return Q()
    if scope.kind == REGULATOR and paths.region and scope.region_range:
        if scope.region_code == settings.YAOJIAN_PROVINCE_CODE:
            # Every record's division lies in the province (validated on write), so the range
            # would match all rows and only stop the planner from using the sort's index.
            return Q(**{f"{paths.region}__isnull": False})
        low, high = scope.region_range
        return Q(**{f"{paths.region}__gte": low, f"{paths.region}__lte": high})
    if scope.kind == ENTERPRISE and paths.enterprise and scope.enterprise_id:
        enterprise_paths = (
            (paths.enterprise,) if isinstance(paths.enterprise, str) else paths.enterprise
        )
        condition = Q()
        for path in enterprise_paths:
            condition |= Q(**{path: scope.enterprise_id})
        return condition
    if paths.public is not None:
        return paths.public()
    return None


def restrict(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    condition = filter_for(queryset.model, scope_of(user))
    return queryset.none() if condition is None else queryset.filter(condition)


def get_visible(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """One object inside the user's scope, or NotFound (also for objects outside it).

    A model that declares no scope is a programming error (TypeError), not a 404.
    """
    visible = restrict(queryset, user)
    try:
        return visible.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
