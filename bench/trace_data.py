"""Province-scale traceability data for the benchmarks: code rules, batches, events, states.

`generate(n_events, seed)` writes rows straight into the trace tables with bulk inserts
(executemany on SQLite, COPY on PostgreSQL), in large transactions, without validation: the
point is to fill the tables the way years of captures would, fast. The data are deterministic
from the seed on a given registry (the demo province, loaded first by `python -m bench`).

Each batch of 10,000 packs of a demo drug product lives a realistic life:

- its manufacturer (the product's manufacturer, or its holder) commissions the packs, 100 per
  event, with the lot number and expiry date in the ILMD;
- ships most of them in lots of 500 to two to four wholesalers, which receive them a day later
  (a few shipments are still in transit);
- each wholesaler ships most of its stock in lots of 20 to 200 packs to pharmacies, which
  receive them;
- pharmacies sell packs one at a time (one event per pack), and destroy a few.

So a code state ends active (at a manufacturer, wholesaler or pharmacy), in transit, dispensed
or destroyed, and older batches are more sold than young ones; some batches are expired. Codes
are Chinese 20-digit codes, ``urn:yaojian:cn:<7-digit product identifier><9-digit serial>0000``,
the serials of each product continuing after the highest already stored, so the generator can
top up a database that already holds codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, transaction

from yaojian.registry.choices import EnterpriseKind, EnterpriseStatus
from yaojian.registry.models import Enterprise, Product
from yaojian.trace.choices import CodeScheme, CodeStatus, PackageLevel, SiteKind
from yaojian.trace.models import Batch, CodeRule, CodeState, Event, EventCode, Site

BATCH_PACKS = 10_000
COMMISSION_PER_EVENT = 100
WHOLESALE_LOT = 500
PHARMACY_LOTS = (20, 200)
BATCHES_PER_TRANSACTION = 5
CN20_PREFIX = "urn:yaojian:cn:"
TZ = dt.timezone(dt.timedelta(hours=8))
OFFSET = "+08:00"
# batches are produced over these two and a half years (fixed: the data do not depend on today)
FIRST_PRODUCTION = dt.datetime(2024, 4, 1, 8, 0, tzinfo=TZ)
LAST_PRODUCTION = dt.datetime(2026, 9, 30, 8, 0, tzinfo=TZ)
PHARMACY_KINDS = (EnterpriseKind.RETAIL_PHARMACY, EnterpriseKind.RETAIL_CHAIN_STORE)
MAKER_KINDS = (EnterpriseKind.DRUG_MANUFACTURER, EnterpriseKind.MAH)

EVENT_COLUMNS = (
    "id",
    "event_id",
    "event_hash",
    "type",
    "action",
    "biz_step",
    "disposition",
    "event_time",
    "record_time",
    "read_point",
    "biz_location",
    "sender_id",
    "region_code",
    "job_id",
    "body",
    "corrected_by",
)
EVENT_CODE_COLUMNS = ("event_id", "code", "role")
STATE_COLUMNS = (
    "code",
    "product_key",
    "batch_id",
    "batch_no",
    "expiry_date",
    "status",
    "holder_id",
    "next_holder_id",
    "region_code",
    "location",
    "parent",
    "commissioned_at",
    "dispensed_at",
    "dispense_count",
    "last_event_time",
    "last_biz_step",
    "path",
)


@dataclass
class Report:
    batches: int = 0
    codes: int = 0
    events: int = 0
    event_codes: int = 0
    rules: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.batches + self.codes + self.events + self.event_codes + self.rules

    def summary(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items()))
        return (
            f"{self.events:,} events, {self.event_codes:,} event codes, {self.codes:,} code "
            f"states, {self.batches:,} batches, {self.rules:,} new code rules in "
            f"{self.seconds:.1f} s: {self.events / max(self.seconds, 1e-9):,.0f} events/s, "
            f"{rate:,.0f} rows/s ({statuses})"
        )


# --- writing ---------------------------------------------------------------------------------


class Writer:
    """Raw bulk inserts on Django's connection: executemany, or COPY on PostgreSQL."""

    def __init__(self, *, copy: bool = True) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.copy = copy and self.vendor == "postgresql"

    def when(self, value: dt.datetime | None) -> Any:
        if value is None or self.vendor != "sqlite":
            return value
        # Django's SQLite format: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]"
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))

    def day(self, value: dt.date | None) -> Any:
        return value.isoformat() if value is not None and self.vendor == "sqlite" else value

    def json(self, value: Any) -> Any:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if self.vendor == "postgresql" and not self.copy:
            from psycopg.types.json import Jsonb

            return Jsonb(value, dumps=lambda v, t=text: t)
        return text

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        plain: bool = False,
    ) -> None:
        """`plain`: every value is a number or a text without tab, newline or backslash, so
        COPY's text format needs no escaping and the rows are written as one block (psycopg's
        write_row, value by value, cost more than the database's side of event code rows)."""
        names = ", ".join(columns)
        if self.copy:
            sql = f"COPY {table} ({names}) FROM STDIN"
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                if plain:
                    copy.write("".join("\t".join(map(str, row)) + "\n" for row in rows))
                    return
                for row in rows:
                    copy.write_row(row)
            return
        mark = "?" if self.vendor == "sqlite" else "%s"
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608
        cursor = self.raw.cursor()
        try:
            cursor.executemany(sql, list(rows))
        finally:
            cursor.close()


@contextmanager
def fast_writes():
    """No fsync at each commit while generating: SQLite's synchronous=OFF (restored after),
    PostgreSQL's synchronous_commit=off for this session (bench data, regenerated if lost)."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")  # this session only
            # the foreign keys' triggers check each row at commit, which cost more than the
            # rows; the generated rows refer to what they were generated from. Needs a
            # superuser: without one the checks simply run.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
            if superuser:
                cursor.execute("SET session_replication_role TO replica")
        try:
            yield
        finally:
            if superuser:
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role TO DEFAULT")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB of page cache
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(previous)}")
            cursor.execute("PRAGMA cache_size=-2000")


@contextmanager
def deferred_indexes(models: Sequence[type]):
    """Drop the tables' plain (non-unique) indexes for a bulk load and build them again after:
    one sort per index instead of a random index insert per row, which is what a database
    loading tens of millions of rows spends its time on. Unique indexes (and so the checks
    they make) stay. An interrupted load builds them again too (not a killed one: run the
    generator again, or `migrate` from scratch)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE INDEX%%'",
                tables,
            )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield len(found)
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem TO '1GB'")  # sorts in memory
            for _name, definition in found:
                cursor.execute(definition)
        print(f"  rebuilt {len(found)} indexes in {time.perf_counter() - started:.1f} s")


def reset_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Event, EventCode, CodeState])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- the registry: who makes, wholesales and sells what ----------------------------------------


@dataclass
class Parties:
    products: list[dict]
    makers: dict[int, dict]
    wholesalers: list[dict]
    pharmacies: list[dict]

    @classmethod
    def load(cls) -> Parties:
        products = list(
            Product.objects.filter(kind="drug", status="valid")
            .exclude(trace_product_code__isnull=True)
            .exclude(trace_product_code="")
            .order_by("pk")
            .values("id", "trace_product_code", "holder_id", "manufacturer_id", "package_spec")
        )
        columns = ("id", "kind", "region_code", "uscc")
        active = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("pk")
        wholesalers = list(active.filter(kind=EnterpriseKind.WHOLESALER).values(*columns))
        pharmacies = list(active.filter(kind__in=PHARMACY_KINDS).values(*columns))
        maker_ids = {p["manufacturer_id"] or p["holder_id"] for p in products}
        makers = {e["id"]: e for e in Enterprise.objects.filter(pk__in=maker_ids).values(*columns)}
        products = [p for p in products if (p["manufacturer_id"] or p["holder_id"]) in makers]
        if not (products and wholesalers and pharmacies):
            raise RuntimeError(
                "no drug products with a traceability identifier, wholesalers or pharmacies: "
                "load the demo province first (python -m bench, or yaojian demo)"
            )
        return cls(products, makers, wholesalers, pharmacies)


def site_of(enterprise: dict) -> str:
    """The SGLN of an enterprise's warehouse or shop (one per enterprise here)."""
    return f"urn:epc:id:sgln:69{enterprise['id']:05d}.00001.0"


def ensure_sites(enterprises: Iterable[dict]) -> None:
    """Every party's warehouse or shop registered, as its own systems would have done."""
    Site.objects.bulk_create(
        [
            Site(
                identifier=site_of(e),
                kind=SiteKind.SITE,
                enterprise_id=e["id"],
                name=f"{e['id']} warehouse",
                region_code=e["region_code"],
            )
            for e in enterprises
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def cn_code(product_code: str, serial: int) -> str:
    return f"{CN20_PREFIX}{product_code}{serial:09d}0000"


def next_serials(products: list[dict]) -> dict[str, int]:
    """For each product identifier, the first serial after those already stored."""
    found = {}
    with connection.cursor() as cursor:
        for product in products:
            prefix = CN20_PREFIX + product["trace_product_code"]
            cursor.execute(
                "SELECT MAX(code) FROM trace_codestate WHERE code >= %s AND code < %s",
                [prefix, prefix + "~"],
            )
            top = cursor.fetchone()[0]
            found[product["trace_product_code"]] = (
                int(top[len(prefix) : len(prefix) + 9]) + 1 if top else 1
            )
    return found


def ensure_rules(products: list[dict], makers: dict[int, dict]) -> int:
    """A code rule for every product identifier, filed by the product's maker."""
    keys = {f"cn:{p['trace_product_code']}": p for p in products}
    existing = set(
        CodeRule.objects.filter(product_key__in=keys).values_list("product_key", flat=True)
    )
    rules = [
        CodeRule(
            enterprise_id=(p["manufacturer_id"] or p["holder_id"]),
            product_id=p["id"],
            scheme=CodeScheme.CN20,
            product_key=key,
            package_level=PackageLevel.UNIT,
            package_spec=(p["package_spec"] or "")[:200],
            region_code=makers[p["manufacturer_id"] or p["holder_id"]]["region_code"],
            filed_at=FIRST_PRODUCTION - dt.timedelta(days=30),
        )
        for key, p in keys.items()
        if key not in existing
    ]
    CodeRule.objects.bulk_create(rules)
    return len(rules)


# --- one batch's life --------------------------------------------------------------------------


@dataclass
class Pack:
    code: str
    status: str = CodeStatus.ACTIVE
    holder: dict | None = None
    next_holder: dict | None = None
    path: list[str] = field(default_factory=list)
    last_event_time: dt.datetime | None = None
    last_biz_step: str = "commissioning"
    dispensed_at: dt.datetime | None = None

    def move_to(self, enterprise: dict) -> None:
        self.holder = enterprise
        if not self.path or self.path[-1] != enterprise["region_code"]:
            self.path.append(enterprise["region_code"])


class BatchLife:
    """Events and final states of the packs of one batch, from its own random stream."""

    def __init__(self, rng: random.Random, product: dict, maker: dict, serial: int, parties):
        self.rng, self.product, self.maker, self.parties = rng, product, maker, parties
        self.product_key = f"cn:{product['trace_product_code']}"
        span = (LAST_PRODUCTION - FIRST_PRODUCTION).total_seconds()
        self.produced = FIRST_PRODUCTION + dt.timedelta(seconds=int(rng.random() * span))
        months = rng.choice((12, 24, 24, 36, 36))
        self.expiry = (self.produced + dt.timedelta(days=months * 30)).date()
        self.batch_no = f"{self.produced:%y%m%d}{serial // BATCH_PACKS:05d}"[:40]
        self.age = (LAST_PRODUCTION - self.produced).total_seconds() / span  # 0 young .. 1 old
        self.packs = [
            Pack(code=cn_code(product["trace_product_code"], serial + i))
            for i in range(BATCH_PACKS)
        ]
        self.events: list[tuple[dict, dict, str, str, dt.datetime, list[str]]] = []

    def _event(self, sender: dict, when: dt.datetime, step: str, disposition: str, packs, **extra):
        action = extra.pop("action", "OBSERVE")
        event_id = f"urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"
        codes = [p.code for p in packs]
        body = {
            "type": "ObjectEvent",
            "eventTime": when.isoformat(),
            "eventTimeZoneOffset": OFFSET,
            "eventID": event_id,
            "epcList": codes,
            "action": action,
            "bizStep": step,
            "disposition": disposition,
            "readPoint": {"id": site_of(sender)},
            "bizLocation": {"id": site_of(sender)},
            **extra,
        }
        self.events.append((body, sender, step, disposition, when, codes))
        for pack in packs:
            pack.last_event_time, pack.last_biz_step = when, step

    def live(self) -> None:
        rng, maker = self.rng, self.maker
        when = self.produced
        ilmd = {
            "cbvmda:lotNumber": self.batch_no,
            "cbvmda:itemExpirationDate": self.expiry.isoformat(),
        }
        for start in range(0, BATCH_PACKS, COMMISSION_PER_EVENT):
            packs = self.packs[start : start + COMMISSION_PER_EVENT]
            for pack in packs:
                pack.move_to(maker)
            self._event(maker, when, "commissioning", "active", packs, action="ADD", ilmd=ilmd)
            when += dt.timedelta(seconds=30)
        # the manufacturer keeps some (more of the young batches), ships the rest
        kept = int(BATCH_PACKS * rng.uniform(0.02, 0.10 + 0.4 * (1 - self.age)))
        outgoing = self.packs[kept:]
        wholesalers = rng.sample(
            self.parties.wholesalers, min(len(self.parties.wholesalers), rng.randint(2, 4))
        )
        shipped_at = when + dt.timedelta(days=rng.randint(3, 20))
        stock: dict[int, list[Pack]] = {w["id"]: [] for w in wholesalers}
        for start in range(0, len(outgoing), WHOLESALE_LOT):
            lot = outgoing[start : start + WHOLESALE_LOT]
            to = wholesalers[(start // WHOLESALE_LOT) % len(wholesalers)]
            received = self._ship(maker, to, lot, shipped_at, in_transit=0.03 * (1 - self.age))
            if received:
                stock[to["id"]] += lot
            shipped_at += dt.timedelta(minutes=rng.randint(5, 90))
        shop_stock: dict[int, tuple[dict, list[Pack]]] = {}
        for wholesaler in wholesalers:
            packs = stock[wholesaler["id"]]
            keep = int(len(packs) * rng.uniform(0.05, 0.2 + 0.3 * (1 - self.age)))
            packs = packs[keep:]
            at = shipped_at + dt.timedelta(days=rng.randint(2, 15))
            position = 0
            while position < len(packs):
                size = rng.randint(*PHARMACY_LOTS)
                lot = packs[position : position + size]
                position += size
                shop = rng.choice(self.parties.pharmacies)
                if self._ship(wholesaler, shop, lot, at, in_transit=0.02 * (1 - self.age)):
                    shop_stock.setdefault(shop["id"], (shop, []))[1].extend(lot)
                at += dt.timedelta(minutes=rng.randint(10, 600))
        # sales, one pack a time, over the weeks after the delivery; a few packs destroyed
        sold_share = min(0.95, 0.15 + 0.8 * self.age)
        for shop, packs in shop_stock.values():
            at = max(p.last_event_time for p in packs) + dt.timedelta(hours=2)
            for pack in packs:
                draw = rng.random()
                if draw < sold_share:
                    at += dt.timedelta(minutes=rng.randint(5, 24 * 60))
                    self._event(shop, at, "retail_selling", "retail_sold", [pack])
                    pack.status, pack.dispensed_at = CodeStatus.DISPENSED, at
                elif draw > 0.997:
                    at += dt.timedelta(minutes=rng.randint(5, 600))
                    self._event(shop, at, "destroying", "destroyed", [pack])
                    pack.status = CodeStatus.DESTROYED

    def _ship(self, sender: dict, to: dict, lot: list[Pack], at: dt.datetime, in_transit: float):
        """Ship a lot; return whether it was received (else it stays in transit)."""
        self._event(
            sender,
            at,
            "shipping",
            "in_transit",
            lot,
            sourceList=[{"type": "owning_party", "source": site_of(sender)}],
            destinationList=[{"type": "owning_party", "destination": site_of(to)}],
        )
        if self.rng.random() < in_transit:
            for pack in lot:
                pack.status, pack.next_holder = CodeStatus.IN_TRANSIT, to
            return False
        arrival = at + dt.timedelta(hours=self.rng.randint(6, 48))
        self._event(
            to,
            arrival,
            "receiving",
            "in_progress",
            lot,
            sourceList=[{"type": "owning_party", "source": site_of(sender)}],
            destinationList=[{"type": "owning_party", "destination": site_of(to)}],
        )
        for pack in lot:
            pack.move_to(to)
            pack.status, pack.next_holder = CodeStatus.ACTIVE, None
        return True


# --- generation -------------------------------------------------------------------------------


def generate(
    n_events: int | None,
    seed: int = 2026,
    *,
    codes: int | None = None,
    out: TextIO | None = None,
    copy: bool = True,
) -> Report:
    """Write whole batch lives until `n_events` events (or `codes` code states) are stored."""
    if not n_events and not codes:
        raise ValueError("give a number of events or of codes")
    out = out or sys.stdout
    started = time.perf_counter()
    report = Report()
    parties = Parties.load()
    report.rules = ensure_rules(parties.products, parties.makers)
    ensure_sites([*parties.makers.values(), *parties.wholesalers, *parties.pharmacies])
    serials = next_serials(parties.products)
    writer = Writer(copy=copy)
    stream = random.Random(f"trace-data:{seed}")  # noqa: S311 - repeatable test data
    next_id = (Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    last_print = started

    def done() -> bool:
        return bool((n_events and report.events >= n_events) or (codes and report.codes >= codes))

    # a large load (more rows than the tables hold) goes faster without the plain indexes
    bulk = (n_events or 0) >= 1_000_000 or (codes or 0) >= 2_000_000
    deferred = deferred_indexes((Event, EventCode, CodeState)) if bulk else nullcontext()
    with fast_writes(), deferred:
        while not done():
            with transaction.atomic():
                for _ in range(BATCHES_PER_TRANSACTION):
                    if done():
                        break
                    product = stream.choice(parties.products)
                    key = product["trace_product_code"]
                    serial = serials[key]
                    serials[key] = serial + BATCH_PACKS
                    maker = parties.makers[product["manufacturer_id"] or product["holder_id"]]
                    rng = random.Random(f"trace-data:{seed}:{key}:{serial}")  # noqa: S311
                    life = BatchLife(rng, product, maker, serial, parties)
                    life.live()
                    next_id = _write(writer, life, next_id, report)
            now = time.perf_counter()
            if now - last_print > 10:
                last_print = now
                print(
                    f"  … {report.events:,} events, {report.codes:,} codes "
                    f"({report.events / (now - started):,.0f} events/s)",
                    file=out,
                    flush=True,
                )
    reset_sequences()
    report.seconds = time.perf_counter() - started
    return report


def _write(writer: Writer, life: BatchLife, next_id: int, report: Report) -> int:
    maker = life.maker
    batch = Batch.objects.create(
        product_id=life.product["id"],
        product_key=life.product_key,
        batch_no=life.batch_no,
        holder_id=maker["id"],
        production_date=life.produced.date(),
        expiry_date=life.expiry,
        quantity=BATCH_PACKS,
        region_code=maker["region_code"],
        created_at=life.produced,
    )
    events, links = [], []
    for body, sender, step, disposition, when, codes in life.events:
        digest = hashlib.sha256(body["eventID"].encode()).hexdigest()
        events.append(
            (
                next_id,
                body["eventID"],
                f"ni:///sha-256;{digest}?ver=CBV2.0",
                "ObjectEvent",
                body["action"],
                step,
                disposition,
                writer.when(when),
                writer.when(when + dt.timedelta(minutes=3)),
                body["readPoint"]["id"],
                body["bizLocation"]["id"],
                sender["id"],
                sender["region_code"],
                None,
                writer.json(body),
                "",
            )
        )
        links.extend((next_id, code, "epc") for code in codes)
        next_id += 1
    commissioned = writer.when(life.produced)
    expiry = writer.day(life.expiry)
    states = []
    for pack in life.packs:
        report.by_status[pack.status] = report.by_status.get(pack.status, 0) + 1
        holder = pack.holder or maker
        states.append(
            (
                pack.code,
                life.product_key,
                batch.pk,
                life.batch_no,
                expiry,
                pack.status,
                holder["id"],
                pack.next_holder["id"] if pack.next_holder else None,
                holder["region_code"],
                "",
                "",
                commissioned,
                writer.when(pack.dispensed_at),
                1 if pack.dispensed_at else 0,
                writer.when(pack.last_event_time),
                pack.last_biz_step,
                writer.json(pack.path),
            )
        )
    writer.insert(Event._meta.db_table, EVENT_COLUMNS, events)
    writer.insert(EventCode._meta.db_table, EVENT_CODE_COLUMNS, links, plain=True)
    writer.insert(CodeState._meta.db_table, STATE_COLUMNS, states)
    report.batches += 1
    report.events += len(events)
    report.event_codes += len(links)
    report.codes += len(states)
    return next_id
