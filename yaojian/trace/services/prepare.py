"""Reading, validating and hashing a capture's events ahead of storing them, in a thread.

A capture spends its time in two kinds of work: pure Python (reading the document, checking
each event against the schema and CBV, its canonical hash, parsing its codes) and the
database (looking up states, inserting rows). The database drivers release the interpreter
while the database works (sqlite3 around each step, psycopg while it waits on the server),
so one thread can prepare the next chunk of events while the capture stores the current one.
On two cores that hides most of the preparation behind the inserts.

Nothing here touches the database: the producer only reads the stored document. It stays a
bounded number of chunks ahead (memory stays flat as documents grow), it stops when the
capture stops early, and whatever it raises (a malformed document, say) is raised again in the
capture, where the same error would have been raised without the thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from yaojian.trace import epcis
from yaojian.trace.services.apply import Codes, Parses, codes_of

AHEAD = 2  # chunks prepared and waiting at most


@dataclass(slots=True)
class Prepared:
    """One event as read, with its validation problems; valid ones also carry their
    canonical hash and the codes they name."""

    index: int
    event: dict
    problems: list[epcis.Problem]
    digest: str = ""
    named: Codes | None = None


@dataclass
class PreparedChunk:
    items: list[Prepared] = field(default_factory=list)
    parses: Parses = field(default_factory=Parses)  # the codes' parses, for the state book


def prepare(event: dict, index: int, namespaces: dict, parses: Parses) -> Prepared:
    problems = epcis.validate_event(event, index=index, context=namespaces)
    if problems:
        return Prepared(index, event, problems)
    return Prepared(
        index,
        event,
        problems,
        epcis.event_hash(event, namespaces),
        codes_of(event, parses.parse),
    )


def _chunks(events: Iterable[tuple[int, dict, dict]], size: int) -> Iterator[PreparedChunk]:
    chunk = PreparedChunk()
    for index, event, namespaces in events:
        chunk.items.append(prepare(event, index, namespaces, chunk.parses))
        if len(chunk.items) >= size:
            yield chunk
            chunk = PreparedChunk()
    if chunk.items:
        yield chunk


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


class Ahead:
    """Iterate prepared chunks made by a producer thread; `close()` (or leaving the `with`
    block) stops it. Used as ``with Ahead(events, size) as chunks: for chunk in chunks: …``."""

    def __init__(self, events: Callable[[], Iterable[tuple[int, dict, dict]]], size: int) -> None:
        self._events, self._size = events, size
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._language = translation.get_language()
        self._thread = threading.Thread(target=self._produce, name="capture-prepare", daemon=True)

    def __enter__(self) -> Iterator[PreparedChunk]:
        self._thread.start()
        return self._consume()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():  # let a producer blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            # problems are worded in the language of the capture that asked
            with translation.override(self._language):
                for chunk in _chunks(self._events(), self._size):
                    if not self._put(chunk):
                        return
        except BaseException as error:  # handed to the consumer, raised there
            self._put(_Failed(error))
            return
        self._put(_DONE)

    def _consume(self) -> Iterator[PreparedChunk]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
