"""The PostgreSQL health check: no round trip for a healthy idle connection, and a connection
the server ended is found unusable, so the next request reconnects instead of failing."""

from __future__ import annotations

import io
import json
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def round_trips(monkeypatch):
    """How often Django's own check (SELECT 1) was asked."""
    asked = []
    original = django_base.DatabaseWrapper.is_usable

    def counted(self):
        asked.append(1)
        return original(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counted)
    return asked


def _end_from_outside() -> None:
    """End our connection's server process from another connection, as a restart would."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's last message reaches our socket


def test_a_healthy_idle_connection_is_usable_without_asking_the_server(round_trips):
    connection.ensure_connection()
    assert connection.vendor == "postgresql"
    assert type(connections["default"]).__module__ == "yaojian.core.db.postgresql.base"
    assert connection.is_usable() is True
    assert round_trips == []


def test_a_connection_the_server_ended_is_unusable(round_trips):
    connection.ensure_connection()
    _end_from_outside()
    assert connection.is_usable() is False
    assert round_trips == [1]  # something waited on the socket: Django's check decided
    connection.close()  # as Django does with an unusable connection; the next use reconnects


def _serve(path: str, query: str) -> tuple[str, bytes]:
    """One request through the WSGI handler as a server calls it (the test client leaves out
    the connection checks that run when a request starts)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    statuses: list[str] = []
    body = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    try:
        return statuses[0], b"".join(body)
    finally:
        body.close()


def test_the_next_request_reconnects(round_trips):
    status, _ = _serve("/api/v1/public/trace/verify", "code=84711150000000010000")
    assert status == "200 OK"
    connection.ensure_connection()
    before = connection.connection.info.backend_pid
    _end_from_outside()
    status, body = _serve("/api/v1/public/trace/verify", "code=84711150000000010000")
    assert status == "200 OK", body
    assert json.loads(body)["result"] == "unknown_code"
    assert connection.connection.info.backend_pid != before
