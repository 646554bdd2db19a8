"""The public verification log, written in batches.

A province's public scans all day: writing one row per verification made every answer a
write transaction, and on SQLite the writers queue on one lock. Here the answer is given at
once and the row joins a batch that a background thread of the process writes every
`YAOJIAN_VERIFY_LOG_SECONDS` (0.2 s) or as soon as 500 wait, and when the process exits.
What a crash can lose is the last fraction of a second of the log, never an answer or anything
an enterprise or regulator submitted. A verification that carries a place is written at once,
because the rule on distant verifications reads it (see `verify._distant`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import multiprocessing.util
import os
import threading
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from yaojian.trace.models import Verification
from yaojian.trace.services.apply import insert_rows

logger = logging.getLogger(__name__)
BATCH = 500
MAX_WAITING = 50_000  # beyond this (the database is down for long) the oldest rows are dropped


class LogRow(NamedTuple):
    """One verification's row (kept as plain values: building a model instance per request
    cost more than the rest of the logging)."""

    code_text: str
    code: str
    result: str
    client: str
    region_code: str
    at: dt.datetime


class VerificationLog:
    def __init__(self) -> None:
        self._rows: list[LogRow] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._exit_hook_pid = 0
        atexit.register(self.flush)

    def add(self, row: LogRow) -> None:
        with self._lock:
            self._rows.append(row)
            if len(self._rows) > MAX_WAITING:
                del self._rows[: len(self._rows) - MAX_WAITING]
            if self._thread is None or not self._thread.is_alive():
                # started lazily, so that a forked server worker starts its own
                self._thread = threading.Thread(
                    target=self._run, name="verification-log", daemon=True
                )
                self._thread.start()
                if self._exit_hook_pid != os.getpid():
                    # A worker process that multiprocessing started (granian's are) leaves by
                    # os._exit, which skips atexit; its exit finalizers still run.
                    multiprocessing.util.Finalize(self, self.flush, exitpriority=10)
                    self._exit_hook_pid = os.getpid()
            full = len(self._rows) >= BATCH
        if full:
            self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return len(self._rows)

    def flush(self) -> int:
        """Write what waits; returns how many rows were written."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with transaction.atomic():
                insert_rows(Verification, LogRow._fields, rows)
        except DatabaseError:
            logger.exception("verification log: %d rows kept for the next attempt", len(rows))
            with self._lock:
                self._rows[:0] = rows
            return 0
        return len(rows)

    def _run(self) -> None:
        interval = float(getattr(settings, "YAOJIAN_VERIFY_LOG_SECONDS", 0.2))
        while True:
            self._wake.wait(interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the thread must outlive any one failure
                logger.exception("verification log: flush failed")
                connection.close()


LOG = VerificationLog()


def record(row: LogRow) -> None:
    """Keep one verification: in the next batch, or at once when batching is off."""
    if getattr(settings, "YAOJIAN_VERIFY_LOG_BATCHED", False):
        LOG.add(row)
    else:
        write_now(row)


def write_now(row: LogRow) -> Verification:
    return Verification.objects.create(**row._asdict())
