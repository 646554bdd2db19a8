"""Keep SQLite's query-planner statistics in step with tables that grow.

SQLite plans from `sqlite_stat1`, written by ANALYZE. Statistics taken when a table was small
make the planner scan it instead of using its indexes once it is large: a lookup of 500
traceability codes by their unique index then took 40 ms instead of 0.5 ms. The SQLite of
these machines (3.40) does not refresh them by itself (`PRAGMA optimize` only re-analyses what
the same connection queried), so tables are re-analysed here when they have outgrown their
statistics. PostgreSQL's autovacuum does the same job there, so nothing is done on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import DatabaseError, connection

GROWTH = 2.0  # re-analyse when a table holds this many times the rows its statistics say
SMALL = 1_000  # tables this small plan well whatever their statistics say
ANALYSIS_LIMIT = 2_000  # rows sampled per index: ANALYZE of a big table stays in milliseconds


def _analysed_rows(cursor, table: str) -> int | None:
    cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return None
    cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
    rows = [int(stat.split()[0]) for (stat,) in cursor.fetchall() if stat]
    return max(rows) if rows else None


def refresh_statistics(tables: Iterable[str] | None = None) -> list[str]:
    """Re-analyse the SQLite tables (all of the project's when None) that have outgrown their
    statistics; return the names analysed."""
    if connection.vendor != "sqlite":
        return []
    if tables is None:
        tables = [
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        ]
    analysed = []
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            quoted = connection.ops.quote_name(table)
            # the highest id estimates the size without counting every row
            try:
                cursor.execute(f"SELECT MAX(rowid) FROM {quoted}")  # noqa: S608 - a table name
            except DatabaseError:  # a table not created yet (a migration still to run)
                continue
            size = cursor.fetchone()[0] or 0
            if size < SMALL:
                continue
            known = _analysed_rows(cursor, table)
            if known is not None and size <= known * GROWTH:
                continue
            cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            cursor.execute(f"ANALYZE {quoted}")
            analysed.append(table)
    return analysed
