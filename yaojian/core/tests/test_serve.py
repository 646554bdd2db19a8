"""`yaojian serve` as an operator runs it: migrate, collect static files, serve with granian;
answers over real HTTP, keeps every verification it answered when stopped, and starts a
worker again when one dies."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("YAOJIAN_", "DJANGO_", "PYTEST"))
        }
        env |= {
            "YAOJIAN_VAR_DIR": str(root / "var"),
            "YAOJIAN_STATIC_ROOT": str(root / "static"),
            "YAOJIAN_VERIFY_LOG_SECONDS": "3600",  # rows wait in the process until it stops
        }
        self.log = open(root / "serve.log", "w+b")  # noqa: SIM115 - closed in stop()
        command = ["serve", "--port", str(self.port), "--workers", "2", "--threads", "2"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yaojian.cli", *command],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_up()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"yaojian serve exited: {self.output()}")
            try:
                _get(self.port, "/healthz")
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"yaojian serve did not answer: {self.output()}")
                time.sleep(0.3)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.final_output = self.output()
        self.log.close()
        return code


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("serve"))
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_health_and_static_files_in_production_mode(served):
    status, headers, body = _get(served.port, "/healthz")
    answer = json.loads(body)
    # no task worker runs beside this server, so the queue check may fail; the database's
    # does not (the command migrated it)
    assert status in (200, 503)
    assert answer["checks"]["database"]["status"] == "ok"
    manifest = json.loads((served.root / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["yaojian/yaojian.css"]
    assert hashed != "yaojian/yaojian.css"  # a content-hashed name
    status, headers, body = _get(served.port, f"/static/{hashed}")
    assert status == 200 and body
    assert "immutable" in headers.get("Cache-Control", "")


def test_a_dead_worker_is_started_again(served):
    workers = _children(served.process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while len(set(_children(served.process.pid)) - {workers[0]}) < 2:
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.3)
    assert _get(served.port, "/healthz")[0] in (200, 503)


def test_every_verification_answered_is_kept_when_the_server_stops(served):
    # last in this module: it stops the server
    answers = []
    for n in range(12):
        status, _, body = _get(served.port, f"/api/v1/public/trace/verify?code=1234567{n}")
        assert status == 200, body
        answers.append(json.loads(body)["result"])
    assert set(answers) == {"unknown_code"}
    assert served.stop() == 0, served.output()
    with sqlite3.connect(served.root / "var" / "yaojian.sqlite3") as db:
        kept = db.execute("SELECT code_text FROM trace_verification").fetchall()
    assert sorted(row[0] for row in kept) == sorted(f"1234567{n}" for n in range(12))
    assert not re.search(r"Traceback", served.final_output), served.final_output


def test_the_server_process_environment_does_not_reach_the_request(monkeypatch):
    """granian starts each request's environ from the process environment: the application
    sees only what the request carries."""
    from yaojian.wsgi import without_server_environment

    monkeypatch.setenv("YAOJIAN_DATABASE_URL", "postgres://app:s3cret@db/yaojian")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal:3128")
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    wrapped = without_server_environment(app)
    request = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_HOST": "example"}
    # as granian builds it: the process environment, then the request over it
    wrapped({**os.environ, **request, "HTTP_PROXY": "sent-by-the-client"}, lambda *a: None)
    assert "YAOJIAN_DATABASE_URL" not in seen and "PATH" not in seen
    assert seen["HTTP_PROXY"] == "sent-by-the-client"  # a header the client sent stays
    assert {key: seen[key] for key in request} == request
