"""How far a running import has got, for the progress bar.

Kept in a small file beside the uploads (MEDIA_ROOT/imports/progress/<job>.json), not in the
database: the commit writes the registers in one transaction, and nothing written inside it
is visible to the page that polls until it ends. Every process that can read the uploaded
files (web servers, workers) can read these.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

from django.conf import settings

# phase -> (start, width) on the bar: checking a file, then committing it
PHASES = {
    "reading": (0, 30),
    "checking": (30, 55),
    "saving": (85, 15),
    "rechecking": (0, 40),
    "writing": (40, 60),
}
_last_write: dict[int, float] = {}


def _path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def report(job_id: int, phase: str, done: int, total: int, *, force: bool = False) -> None:
    """Record progress; at most a few writes a second unless `force`."""
    now = time.monotonic()
    if not force and now - _last_write.get(job_id, 0.0) < 0.25:
        return
    _last_write[job_id] = now
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    os.replace(temporary, path)  # readers never see half a file


def read(job_id: int) -> dict | None:
    try:
        return json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def last_reported(job_id: int) -> dt.datetime | None:
    """When the running step last reported progress (None if it never did)."""
    try:
        return dt.datetime.fromtimestamp(_path(job_id).stat().st_mtime, tz=dt.UTC)
    except OSError:
        return None


def clear(job_id: int) -> None:
    _last_write.pop(job_id, None)
    _path(job_id).unlink(missing_ok=True)


def percent(job_id: int) -> int:
    """0–100 across the phases of the current step (checking, or committing)."""
    state = read(job_id)
    if not state or state.get("phase") not in PHASES:
        return 0
    start, width = PHASES[state["phase"]]
    total = max(int(state.get("total") or 0), 1)
    share = min(int(state.get("done") or 0), total) / total
    return int(start + width * share)
