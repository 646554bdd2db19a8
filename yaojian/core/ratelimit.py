"""Per-client limits in fixed clock windows (public verification, public reports).

Where the hits are counted:
- in a shared cache when `YAOJIAN_RATE_LIMIT_CACHE` names one of `CACHES` (Redis, from
  `YAOJIAN_CACHE_URL`): one count for every worker process and machine;
- otherwise in the process. Each worker process then counts on its own, so with N worker
  processes a client may make up to N times the limit before every one refuses it. That is
  still a flood guard, and it costs no round trip on the busiest public address.

The in-process count is a dictionary per window, not Django's local-memory cache: that one
pickles every value and checks every key's characters, which cost more than the public
verification's own database lookup.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# A flood from more distinct clients than this within one window empties the local count
# rather than letting it grow without bound (the next window starts afresh anyway).
MAX_LOCAL_CLIENTS = 200_000


class _LocalWindows:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window: dict[str, int] = {}
        self._counts: dict[str, dict[str, int]] = {}

    def hit(self, scope: str, client: str, window: int) -> int:
        with self._lock:
            counts = self._counts.get(scope)
            if counts is None or self._window.get(scope) != window:
                counts = self._counts[scope] = {}
                self._window[scope] = window
            elif len(counts) >= MAX_LOCAL_CLIENTS:
                counts.clear()
            count = counts.get(client, 0) + 1
            counts[client] = count
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._window.clear()


_LOCAL = _LocalWindows()


def _shared_hit(alias: str, scope: str, client: str, window: int, seconds: int) -> int:
    cache = caches[alias]
    key = f"ratelimit:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=seconds + 10):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=seconds + 10)
        return 1


def allow(scope: str, client: str, *, limit: int, seconds: int) -> bool:
    """Count one hit of `client` on `scope`; False once it made more than `limit` hits in the
    current window of `seconds` (refused hits count too, so a flood stays refused)."""
    window = int(time.time() // seconds)
    alias = getattr(settings, "YAOJIAN_RATE_LIMIT_CACHE", None)
    if alias:
        count = _shared_hit(alias, scope, client, window, seconds)
    else:
        count = _LOCAL.hit(scope, client, window)
    return count <= limit


def reset() -> None:
    """Forget every count (tests). In a Redis cache only the counts' keys go: the cache may
    hold other things and serve other machines."""
    _LOCAL.clear()
    alias = getattr(settings, "YAOJIAN_RATE_LIMIT_CACHE", None)
    if not alias:
        return
    cache = caches[alias]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=cache.make_and_validate_key("ratelimit:*")):
            client.delete(key)
    else:
        cache.clear()
