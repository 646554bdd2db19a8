"""Where the current request came from, for the audit log, without passing requests around.

`RequestContextMiddleware` sets it for web requests; commands and tasks set their own origin.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str = ""
    channel: str = "system"  # web, api, cli, task, system


SYSTEM_ORIGIN = Origin()
_current: contextvars.ContextVar[Origin] = contextvars.ContextVar(
    "yaojian_origin",
    default=SYSTEM_ORIGIN,
)


def current_origin() -> Origin:
    return _current.get()


@contextmanager
def origin(value: Origin) -> Iterator[Origin]:
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def client_ip(meta: dict) -> str | None:
    # Behind a proxy, deployments set YAOJIAN_TRUST_X_FORWARDED_FOR; see docs/operations.md.
    from django.conf import settings

    if getattr(settings, "YAOJIAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return meta.get("REMOTE_ADDR")
