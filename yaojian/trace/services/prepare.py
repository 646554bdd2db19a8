"""Reading, validating and hashing a capture's events, a chunk at a time, before storing them.

Each event is checked against the schema and CBV; a valid one also gets its canonical hash
and the canonical codes it names, parsed once into the chunk's memo (`Parses`), which the
state book then reuses. Nothing here touches the database.

A large document is prepared in a second process, forked for the capture, one chunk ahead
of the storing process (`prepared_chunks_aside`): preparing is about a quarter of a capture's
work and needs nothing but the document, so on two cores it runs beside the inserts. A thread
was tried first and measured: on SQLite it made captures slower (about 9 s to 12 s for 10,000
events), because the storing thread gives up the interpreter at every row it inserts and then
waits to get it back from the preparing thread. The child sends each chunk's events, problems,
hashes and codes, but not its parses: sending them cost as much as parsing the codes again,
so the storing side parses what its state book asks for.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from yaojian.core.heap import frozen_heap
from yaojian.trace import epcis
from yaojian.trace.services.apply import Codes, Parses, codes_of


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


def prepared_chunks(events: Iterable[tuple[int, dict, dict]], size: int) -> Iterator[PreparedChunk]:
    """The events, `size` at a time, prepared."""
    chunk = PreparedChunk()
    for index, event, namespaces in events:
        chunk.items.append(prepare(event, index, namespaces, chunk.parses))
        if len(chunk.items) >= size:
            yield chunk
            chunk = PreparedChunk()
    if chunk.items:
        yield chunk


Events = Iterable[tuple[int, dict, dict]]
_FORK = multiprocessing.get_context("fork")


class PreparingStopped(RuntimeError):
    """The child process preparing a capture stopped without finishing (killed, or a fault)."""


def prepared_chunks_aside(events: Callable[[], Events], size: int) -> Iterator[PreparedChunk]:
    """`prepared_chunks(events(), size)`, all but the first chunk computed in a forked child.

    The first chunk is prepared here while the child starts (forking and its first chunk
    would otherwise keep the caller waiting a fifth of a second). The child writes each later
    chunk to a pipe as soon as it is prepared and then waits until the caller has read it, so
    it runs at most one chunk ahead and memory stays flat. A `DocumentInvalid` met while
    reading is raised here, as inline; the child is stopped when the caller stops reading
    early (a rollback that met a refusal). It never touches the database: it inherits the
    caller's connection but exits without closing it."""
    child, reader = _fork_preparer(lambda: itertools.islice(events(), size, None), size)
    try:
        yield from prepared_chunks(itertools.islice(events(), size), size)
        while True:
            try:
                # our own forked child, over a pipe nobody else holds
                kind, payload = pickle.loads(reader.recv_bytes())  # noqa: S301
            except EOFError:
                child.join(timeout=10)  # its end of file comes before its exit status
                raise PreparingStopped(
                    f"the process preparing the capture stopped (exit code {child.exitcode})"
                ) from None
            if kind == "chunk":
                yield PreparedChunk([Prepared(*item) for item in payload])
            elif kind == "invalid":
                raise epcis.DocumentInvalid(payload)
            elif kind == "fault":
                raise PreparingStopped(payload)
            else:
                return
    finally:
        reader.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _fork_preparer(events: Callable[[], Events], size: int) -> tuple[Any, Any]:
    """Start the child preparing `events()`; (the child, the reading end of its pipe)."""
    reader, writer = _FORK.Pipe(duplex=False)
    child = _FORK.Process(
        target=_prepare_into, args=(events, size, writer), name="capture-prepare", daemon=True
    )
    # frozen, the objects inherited from this process are left out of the child's collections,
    # which would otherwise copy its whole heap, page by page (copy on write)
    with frozen_heap():
        child.start()
    writer.close()  # the child holds the only writing end: its exit is our end of file
    return child, reader


def _prepare_into(events: Callable[[], Events], size: int, writer: Any) -> None:
    """The child's work: every chunk down the pipe, then how reading ended."""

    def send(kind: str, payload: Any) -> None:
        writer.send_bytes(pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL))

    try:
        for chunk in prepared_chunks(events(), size):
            send(
                "chunk",
                [(p.index, p.event, p.problems, p.digest, p.named) for p in chunk.items],
            )
        send("done", None)
    except epcis.DocumentInvalid as invalid:
        send("invalid", invalid.problems)
    except BrokenPipeError:
        pass  # the caller stopped reading
    except BaseException:
        with contextlib.suppress(OSError):
            send("fault", traceback.format_exc())
    finally:
        writer.close()
