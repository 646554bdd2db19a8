"""Per-client limits: counted per window, per client and scope; shared across processes when a
shared cache (Redis) is configured, per process otherwise."""

from __future__ import annotations

import os
import socket

import pytest
from django.conf import settings as django_settings

from yaojian.core import ratelimit

REDIS = ("127.0.0.1", 6379)


def _hits(scope: str, client: str, times: int, *, limit: int = 3) -> list[bool]:
    return [ratelimit.allow(scope, client, limit=limit, seconds=60) for _ in range(times)]


def _in_a_child(scope: str, client: str, times: int) -> None:
    """Make hits from another process (as another worker of the server would)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            _hits(scope, client, times)
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    return now


def test_a_client_is_refused_after_its_limit_and_refusals_keep_counting(frozen_clock):
    assert _hits("scope", "a", 5) == [True, True, True, False, False]
    # another client and another scope have their own counts
    assert _hits("scope", "b", 1) == [True]
    assert _hits("other", "a", 1) == [True]


def test_the_next_window_starts_afresh(frozen_clock):
    frozen_clock[0] = 1_800_000_040.0  # 40 s into a minute
    assert _hits("scope", "a", 4) == [True, True, True, False]
    frozen_clock[0] += 19  # still the same minute
    assert _hits("scope", "a", 1) == [False]
    frozen_clock[0] += 2  # the next minute
    assert _hits("scope", "a", 3) == [True, True, True]


def test_a_flood_of_distinct_clients_does_not_grow_the_local_count_without_bound(
    frozen_clock, monkeypatch
):
    monkeypatch.setattr(ratelimit, "MAX_LOCAL_CLIENTS", 100)
    for n in range(250):
        ratelimit.allow("scope", f"client-{n}", limit=3, seconds=60)
    assert len(ratelimit._LOCAL._counts["scope"]) <= 100


def test_without_a_shared_cache_each_process_counts_on_its_own(frozen_clock):
    assert not django_settings.YAOJIAN_RATE_LIMIT_CACHE
    _in_a_child("scope", "a", 3)
    assert _hits("scope", "a", 1) == [True]


@pytest.fixture
def redis_cache(settings):
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        if settings.YAOJIAN_CI:
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"yaojian-test-{os.getpid()}",
        }
    }
    settings.YAOJIAN_RATE_LIMIT_CACHE = "default"
    ratelimit.reset()
    yield
    ratelimit.reset()


def test_with_a_shared_cache_every_process_counts_against_one_limit(redis_cache, frozen_clock):
    _in_a_child("scope", "a", 2)
    assert _hits("scope", "a", 2) == [True, False]
    assert _hits("scope", "b", 1) == [True]


def test_forgetting_the_counts_leaves_the_rest_of_the_shared_cache(redis_cache, frozen_clock):
    from django.core.cache import cache

    cache.set("someone-elses", "kept")
    assert _hits("scope", "a", 4) == [True, True, True, False]
    ratelimit.reset()
    assert _hits("scope", "a", 1) == [True]
    assert cache.get("someone-elses") == "kept"
    cache.delete("someone-elses")


@pytest.mark.django_db
def test_the_public_verification_answers_429_past_the_shared_limit(
    redis_cache, frozen_clock, client, settings
):
    settings.YAOJIAN_VERIFY_PER_MINUTE = 2
    url = "/api/v1/public/trace/verify"
    statuses = [client.get(url, {"code": "12345"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
