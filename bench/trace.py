"""Traceability benchmarks (issue: capture rate, public verification, recall scope).

Targets, for two cores:

- capture: EPCs per second end to end over HTTP (POST /epcis/capture with an enterprise token,
  then the job that validates and stores the events) at least half the raw insert rate of the
  same Event, EventCode and CodeState rows into the same tables in the same run; memory flat
  as documents grow (10k-event and 50k-event documents);
- verification: GET /api/v1/public/trace/verify under concurrent load (8 client threads) with
  a million codes or more loaded: p95 under 30 ms, at least 1,000 verifications per second,
  against GET /healthz under the same load;
- recall scope: every holder of a 10,000-pack batch (selectors.batch_holders) in under 200 ms,
  against a primary-key fetch.

The traceability data come from `bench.trace_data` (loaded once, topped up to the number of
codes asked: `--trace-codes N`, 100,000 at scale tiny and 1 million otherwise). HTTP goes to a
real server: the one `yaojian serve` runs (granian, with its default workers and threads),
forked from this process with the public verification rate limit lifted and DEBUG off.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import http.client
import json
import os
import random
import signal
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction

from bench import trace_data
from bench.registry import percentile
from yaojian.accounts import services as accounts
from yaojian.accounts.models import User
from yaojian.audit.services import Actor
from yaojian.core.management.commands import serve
from yaojian.registry.models import Enterprise, Licence
from yaojian.trace import selectors
from yaojian.trace.models import Batch, CodeRule, CodeState, Event, EventCode
from yaojian.trace.services import capture as capture_service
from yaojian.trace.services import verify as verify_service

TARGET_CAPTURE_SHARE = 0.5  # of the raw insert rate
TARGET_VERIFY_P95 = 0.030
TARGET_VERIFY_RATE = 1000.0
TARGET_RECALL = 0.200
EPCS_PER_EVENT = 10
CLIENT_THREADS = int(os.environ.get("YAOJIAN_BENCH_CLIENTS", "8"))
# as `yaojian serve` runs by default, unless told otherwise
SERVER_WORKERS = int(os.environ.get("YAOJIAN_BENCH_WORKERS") or serve.default_workers())
SERVER_THREADS = int(os.environ.get("YAOJIAN_BENCH_THREADS") or serve.DEFAULT_THREADS)
SEED = 2026
_loaded: dict[str, int] = {}


def _tiny() -> bool:
    return os.environ.get("YAOJIAN_BENCH_SCALE") == "tiny"


def codes_wanted() -> int:
    default = 100_000 if _tiny() else 1_000_000
    return int(os.environ.get("YAOJIAN_BENCH_TRACE_CODES") or default)


def events_wanted() -> int | None:
    raw = os.environ.get("YAOJIAN_BENCH_TRACE_EVENTS")
    return int(raw) if raw else None


def ensure_loaded() -> int:
    """Top the database up to the number of code states (or events) asked: generated, then
    reused by later runs on the same database."""
    if "codes" in _loaded:
        return _loaded["codes"]
    events = events_wanted()
    have = CodeState.objects.count()
    if events:
        stored = Event.objects.count()
        if stored < events * 0.98:
            print(f"  generating traceability data: {stored:,} events, {events:,} wanted")
            report = trace_data.generate(events - stored, SEED)
            print(f"  generated {report.summary()}")
            have += report.codes
            _analyze()
    elif have < codes_wanted() * 0.95:
        wanted = codes_wanted()
        print(f"  generating traceability data: {have:,} code states, {wanted:,} wanted")
        report = trace_data.generate(None, SEED, codes=wanted - have)
        print(f"  generated {report.summary()}")
        have += report.codes
        _analyze()
    _loaded["codes"] = have
    print(
        f"  {have:,} code states and {Event.objects.count():,} events loaded ({connection.vendor})"
    )
    return have


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what the loader and the periodic statistics job do


@contextlib.contextmanager
def production_settings() -> Iterator[None]:
    """DEBUG off (no query log) and the public verification rate limit lifted."""
    saved = settings.DEBUG, getattr(settings, "YAOJIAN_VERIFY_PER_MINUTE", None)
    settings.DEBUG = False
    settings.YAOJIAN_VERIFY_PER_MINUTE = 10**9
    try:
        yield
    finally:
        settings.DEBUG = saved[0]
        if saved[1] is None:
            del settings.YAOJIAN_VERIFY_PER_MINUTE
        else:
            settings.YAOJIAN_VERIFY_PER_MINUTE = saved[1]


# --- a real server and keep-alive clients ------------------------------------------------------


@contextlib.contextmanager
def served() -> Iterator[int]:
    """The server of `yaojian serve` (granian) in a child process; yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connections.close_all()  # the children open their own
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server process
        status = 0
        try:
            serve.serve("127.0.0.1", port, SERVER_WORKERS, SERVER_THREADS, access_log=False)
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 0
        except BaseException:
            import traceback

            traceback.print_exc()
            status = 1
        os._exit(status)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def load(
    port: int, paths: list[str], *, threads: int = CLIENT_THREADS
) -> tuple[list, float, Counter]:
    """GET every path once, spread over keep-alive client threads: (latencies, wall, statuses)."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    shares = [paths[i::threads] for i in range(threads)]

    def client(share: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, seen = [], Counter()
        for path in share:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                seen[response.status] += 1
            except (OSError, http.client.HTTPException):
                seen["error"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    workers = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, time.perf_counter() - started, statuses


def lrow(label: str, latencies: list[float], wall: float, statuses: Counter, baseline=None) -> None:
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    rate = len(latencies) / wall
    ratio = f"  ×{p95 / baseline:5.1f}" if baseline else ""
    print(
        f"  {label:<34} p50 {p50 * 1000:7.2f}  p95 {p95 * 1000:7.2f}  p99 {p99 * 1000:7.2f} ms"
        f"  {rate:7.0f}/s{ratio}  {dict(statuses)}"
    )


# --- capture -----------------------------------------------------------------------------------


def _sender() -> tuple[dict, dict]:
    """A product identifier filed by a licensed manufacturer, and that manufacturer."""
    parties = trace_data.Parties.load()
    licensed = set(
        Licence.objects.filter(status="valid", holder_id__in=parties.makers).values_list(
            "holder_id", flat=True
        )
    )
    trace_data.ensure_rules(parties.products, parties.makers)
    for product in parties.products:
        maker = parties.makers[product["manufacturer_id"] or product["holder_id"]]
        rule = CodeRule.objects.get(product_key=f"cn:{product['trace_product_code']}")
        if maker["id"] in licensed and rule.enterprise_id == maker["id"]:
            trace_data.ensure_sites([maker])
            return product, maker
    raise RuntimeError("no licensed manufacturer with a filed product identifier")


def _commission_events(product: dict, maker: dict, first: int, events: int, lot: str) -> list:
    expiry = (dt.date(2026, 11, 1) + dt.timedelta(days=900)).isoformat()
    base = dt.datetime(2026, 11, 2, 8, 0, tzinfo=trace_data.TZ)
    site = trace_data.site_of(maker)
    draw = random.Random(lot)  # noqa: S311 - repeatable event IDs
    out = []
    for n in range(events):
        start = first + n * EPCS_PER_EVENT
        out.append(
            {
                "type": "ObjectEvent",
                "eventTime": (base + dt.timedelta(seconds=n)).isoformat(),
                "eventTimeZoneOffset": trace_data.OFFSET,
                "eventID": f"urn:uuid:{uuid.UUID(int=draw.getrandbits(128), version=4)}",
                "epcList": [
                    trace_data.cn_code(product["trace_product_code"], s)
                    for s in range(start, start + EPCS_PER_EVENT)
                ],
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "active",
                "readPoint": {"id": site},
                "bizLocation": {"id": site},
                "ilmd": {"cbvmda:lotNumber": lot, "cbvmda:itemExpirationDate": expiry},
            }
        )
    return out


def _document(events: list) -> Path:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-02T08:00:00+08:00",
        "epcisBody": {"eventList": events},
    }
    handle, name = tempfile.mkstemp(suffix=".json", prefix="yaojian-bench-epcis-")
    with os.fdopen(handle, "w") as out:
        json.dump(document, out, ensure_ascii=False)
    return Path(name)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _children_private() -> int:
    """Bytes of memory the process's children hold on their own (not shared with it: a forked
    child shares the parent's pages until either writes to them)."""
    total = 0
    for children in Path("/proc/self/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for pid in children.read_text().split():
                with contextlib.suppress(OSError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith(("Private_Clean:", "Private_Dirty:")):
                            total += int(line.split()[1]) * 1024
    return total


class PeakRss:
    """The highest resident set size while the block runs (sampled every 5 ms), and the
    highest private memory of its child processes (every 50 ms: reading it walks the
    child's page tables)."""

    def __enter__(self) -> PeakRss:
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        self.start = self.peak = _rss()
        self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        ticks = 0
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())
            ticks += 1
            if ticks % 10 == 0:
                self.children_peak = max(self.children_peak, _children_private())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _raw_insert(product: dict, maker: dict, events: list, lot: str) -> float:
    """Seconds to insert the rows a capture of `events` stores, raw and unchecked: executemany
    on SQLite, COPY on PostgreSQL (psycopg's executemany is slower there than the multi-row
    INSERTs of bulk_create, so it would flatter the capture)."""
    writer = trace_data.Writer(copy=True)
    next_id = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    with transaction.atomic():
        batch = Batch.objects.create(
            product_id=product["id"],
            product_key=f"cn:{product['trace_product_code']}",
            batch_no=lot,
            holder_id=maker["id"],
            quantity=0,
            region_code=maker["region_code"],
        )
        rows, links, states = [], [], []
        now = writer.when(dt.datetime.now(dt.UTC))
        for event in events:
            next_id += 1
            when = writer.when(dt.datetime.fromisoformat(event["eventTime"]))
            rows.append(
                (
                    next_id,
                    event["eventID"],
                    f"raw:{event['eventID']}",
                    "ObjectEvent",
                    "ADD",
                    "commissioning",
                    "active",
                    when,
                    now,
                    event["readPoint"]["id"],
                    event["bizLocation"]["id"],
                    maker["id"],
                    maker["region_code"],
                    None,
                    writer.json(event),
                    "",
                )
            )
            for code in event["epcList"]:
                links.append((next_id, code, "epc"))
                states.append(
                    (
                        code,
                        batch.product_key,
                        batch.pk,
                        lot,
                        writer.day(dt.date(2029, 4, 20)),
                        "active",
                        maker["id"],
                        None,
                        maker["region_code"],
                        "",
                        "",
                        when,
                        None,
                        0,
                        when,
                        "commissioning",
                        writer.json([maker["region_code"]]),
                    )
                )
        table = Event._meta.db_table
        writer.insert(table, trace_data.EVENT_COLUMNS, rows)
        writer.insert(EventCode._meta.db_table, trace_data.EVENT_CODE_COLUMNS, links)
        writer.insert(CodeState._meta.db_table, trace_data.STATE_COLUMNS, states)
    elapsed = time.perf_counter() - started
    trace_data.reset_sequences()
    return elapsed


def trace_capture() -> None:
    """POST /epcis/capture of commissioning documents (10 EPCs an event), then the job, timed
    together; against a raw executemany insert of the same rows in the same tables."""
    ensure_loaded()
    sizes = (2_000, 10_000) if _tiny() else (10_000, 50_000)
    with production_settings():
        product, maker = _sender()
        print(
            f"  sender: enterprise {maker['id']} ({maker['kind']}), product identifier "
            f"cn:{product['trace_product_code']}, {EPCS_PER_EVENT} EPCs per event"
        )
        _token, secret = accounts.token_create(
            actor=Actor(username="bench", kind="system"),
            enterprise=Enterprise.objects.get(pk=maker["id"]),
            name="bench capture",
            rights=["trace", "view"],
        )
        stamp = f"{int(time.time()) % 100000:05d}"
        with served() as port:
            # warm every worker, as trace_verify does: a worker's first request loads the
            # URL configuration and the views (1.5 s, which the first POST paid)
            load(port, ["/healthz"] * 200)
            for size in sizes:
                first = trace_data.next_serials([product])[product["trace_product_code"]]
                raw_first = first + size * EPCS_PER_EVENT
                epcs = size * EPCS_PER_EVENT
                # the raw baseline: the same shape of rows, fresh codes, straight in
                raw_events = _commission_events(product, maker, raw_first, size, f"R{stamp}{size}")
                raw = _raw_insert(product, maker, raw_events, f"R{stamp}{size}")
                del raw_events
                path = _document(_commission_events(product, maker, first, size, f"C{stamp}{size}"))
                megabytes = path.stat().st_size / 1e6
                gc.collect()
                started = time.perf_counter()
                with path.open("rb") as body:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                    conn.request(
                        "POST",
                        "/epcis/capture",
                        body=body,
                        headers={
                            "Authorization": f"Bearer {secret}",
                            "Content-Type": "application/ld+json",
                            "Content-Length": str(path.stat().st_size),
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    conn.close()
                posted = time.perf_counter()
                if response.status != 202:
                    print(f"  POST /epcis/capture answered {response.status}: not the capture!")
                    return
                job_id = response.getheader("GS1-Capture-Job-ID")
                with PeakRss() as memory:
                    ran = time.perf_counter()
                    job = capture_service.capture_run(job_id)
                    finished = time.perf_counter()
                path.unlink()
                # the POST and the job, not the sampler's start (a collection and a trim)
                total = (posted - started) + (finished - ran)
                print(
                    f"  {size:,}-event document ({epcs:,} EPCs, {megabytes:.1f} MB): "
                    f"job {job.status}, {job.events_stored:,} events, {job.epcs:,} EPCs stored"
                    + (f", problems {job.problems[:2]}" if job.problems else "")
                )
                share = (epcs / total) / (epcs / raw)
                verdict = "ok" if share >= TARGET_CAPTURE_SHARE else "UNDER half the raw rate"
                how = "COPY" if connection.vendor == "postgresql" else "executemany"
                print(
                    f"    raw {how + ' insert (baseline)':<33} {epcs / raw:10,.0f} EPCs/s"
                    f"  ({raw:6.2f} s)"
                )
                print(
                    f"    capture end to end                   {epcs / total:10,.0f} EPCs/s"
                    f"  ({total:6.2f} s: POST {posted - started:5.2f} s, job "
                    f"{finished - ran:6.2f} s)  ×{share:5.2f} of raw  {verdict}"
                )
                print(
                    f"    job memory: peak RSS {memory.peak / 2**20:7.1f} MB, "
                    f"+{(memory.peak - memory.start) / 2**20:6.1f} MB over the start; "
                    f"the child preparing it: {memory.children_peak / 2**20:5.1f} MB of its own"
                )


# --- verification ------------------------------------------------------------------------------


def _verify_paths(count: int) -> tuple[list[str], Counter]:
    """Codes as scanned (20 digits), from every status, and a few unknown ones."""
    draw = random.Random(f"verify:{SEED}")  # noqa: S311 - a repeatable sample
    top = CodeState.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = [draw.randint(1, top) for _ in range(count)]
    codes = list(CodeState.objects.filter(pk__in=ids).values_list("code", flat=True))
    codes = [c for c in codes if c.startswith(trace_data.CN20_PREFIX)]
    unknown = [f"{c[-20:-13]}{999_000_000 + i:09d}0000" for i, c in enumerate(codes[: count // 20])]
    texts = [c[-20:] for c in codes] + unknown
    draw.shuffle(texts)
    results = Counter(verify_service.verify(t, record=False)["result"] for t in texts[:300])
    paths = [f"/api/v1/public/trace/verify?code={t}" for t in texts]
    return paths, results


def trace_verify() -> None:
    """GET /api/v1/public/trace/verify?code=… from 8 keep-alive clients against `yaojian serve`'s server;
    p50/p95/p99 and verifications per second, against GET /healthz under the same load."""
    loaded = ensure_loaded()
    requests = int(os.environ.get("YAOJIAN_BENCH_VERIFY_REQUESTS", 2_000 if _tiny() else 6_000))
    with production_settings():
        paths, results = _verify_paths(requests)
        print(
            f"  {loaded:,} codes loaded, {len(paths):,} requests from {CLIENT_THREADS} clients "
            f"to granian {SERVER_WORKERS} workers x {SERVER_THREADS} threads"
        )
        print(f"  answers for a sample of 300: {dict(results)}")
        with served() as port:
            load(port, ["/healthz"] * 200)  # warm every worker
            latencies, wall, statuses = load(port, ["/healthz"] * min(requests, 3000))
            lrow("GET /healthz (baseline)", latencies, wall, statuses)
            baseline = percentile(latencies, 0.95)
            load(port, paths[:200])
            latencies, wall, statuses = load(port, paths)
            lrow("GET …/public/trace/verify", latencies, wall, statuses, baseline)
            p95, rate = percentile(latencies, 0.95), len(latencies) / wall
            print(
                f"  target p95 < {TARGET_VERIFY_P95 * 1000:.0f} ms: "
                f"{'ok' if p95 < TARGET_VERIFY_P95 else 'OVER'}; target ≥ "
                f"{TARGET_VERIFY_RATE:.0f}/s: {'ok' if rate >= TARGET_VERIFY_RATE else 'UNDER'}"
            )
            single, wall1, statuses1 = load(port, paths[:1000], threads=1)
            lrow("same, 1 client (no contention)", single, wall1, statuses1, baseline)


# --- recall scope ------------------------------------------------------------------------------


def trace_recall() -> None:
    """selectors.batch_holders(province regulator, batch) for 10,000-pack batches (each three
    times), against Batch.objects.get(pk=…)."""
    ensure_loaded()
    with production_settings():
        user = User.objects.get(username="province")
        ids = list(
            Batch.objects.filter(quantity=trace_data.BATCH_PACKS)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        draw = random.Random(f"recall:{SEED}")  # noqa: S311 - a repeatable sample
        sample = draw.sample(ids, min(20, len(ids)))
        batches = list(Batch.objects.filter(pk__in=sample))
        base = []
        for _ in range(3):
            for pk in sample:
                started = time.perf_counter()
                Batch.objects.get(pk=pk)
                base.append(time.perf_counter() - started)
        baseline = statistics.median(base)
        print(f"  {len(batches)} batches of {trace_data.BATCH_PACKS:,} packs")
        print(f"  {'Batch.objects.get(pk=…) (baseline, p50)':<46} {baseline * 1000:8.2f} ms")
        samples, holders, packs = [], [], []
        for _ in range(3):
            for batch in batches:
                started = time.perf_counter()
                found = selectors.batch_holders(user, batch)
                samples.append(time.perf_counter() - started)
                holders.append(len(found))
                packs.append(sum(h["packs"] for h in found))
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        verdict = "ok" if p95 < TARGET_RECALL else "OVER 200 ms"
        print(
            f"  {'batch_holders(province, batch)':<46} p50 {p50 * 1000:8.2f} ms  p95 "
            f"{p95 * 1000:8.2f} ms  ×{p95 / baseline:7.1f}  {verdict}"
        )
        print(
            f"  holders per batch {min(holders)}–{max(holders)} (median "
            f"{statistics.median(holders):.0f}), packs held {min(packs):,}–{max(packs):,}"
        )


BENCHMARKS = {
    "trace_capture": trace_capture,
    "trace_verify": trace_verify,
    "trace_recall": trace_recall,
}
