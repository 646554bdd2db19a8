"""Django's PostgreSQL backend with a health check that costs no round trip.

Connections are kept between requests and checked before reuse (`CONN_HEALTH_CHECKS`), so
that a request after a database restart reconnects instead of failing. Django checks by
sending `SELECT 1` at the start of every request that touches the database: on the public
verification, the platform's busiest page, that round trip cost more than the lookup itself.

An idle connection the server has ended (a restart, an administrator's kill, an idle
timeout) has the server's last message or the end of file waiting on its socket; a healthy
idle one has nothing to read (the platform does not LISTEN). So: the connection is usable
when libpq holds it open and idle and its socket has nothing to read; when something is
waiting there, Django's own `SELECT 1` decides (and reads it).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        if raw.pgconn.status != pq.ConnStatus.OK:
            return False
        if raw.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        poller = select.poll()  # not select(): a server's descriptors may pass FD_SETSIZE
        try:
            poller.register(raw.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if waiting else True
