"""The demo's traceability story: a few drug products followed from the line to the pharmacy.

A Jiangxi manufacturer files product identifiers (one at case level), registers its batches
(and a batch of wine-processed 当归 decoction pieces with its herb origin), commissions a few
hundred packs and packs them into cases; a wholesaler receives them and passes them to the demo
chain's distribution centre (江西康宁大药房连锁有限公司, the `enterprise` account), which
ships them on to its stores in Nanchang, Jiujiang and Ganzhou, where they are sold. A few
anomalies arise on their own (a code sold by two pharmacies, a code commissioned twice, a
receipt nobody shipped), the province orders the recall of one batch and two stores return
their packs.

Everything is reported as an enterprise would report it: EPCIS 2.0 events through the capture
service, identifiers, sites and batches through the register services, the recall through the
recall service. Event times are whole days before "today" (the load date), so the demo looks
the same whenever it is loaded; only the returns after the recall happen at load time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from yaojian.accounts.choices import UserKind
from yaojian.accounts.models import ALL_ENTERPRISE_RIGHTS, User
from yaojian.registry.choices import EnterpriseKind, LicenceStatus, ProductKind, ProductStatus
from yaojian.registry.models import Enterprise, Licence, Product

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
CST = dt.timezone(dt.timedelta(hours=8))
CASE_SIZE = 10
STORES = 6
# Company prefixes (GS1 China, 690–699) of the demo's sites: maker, wholesaler, chain.
PREFIXES = {"maker": "6937101", "wholesaler": "6937102", "chain": "6937103"}
PIECE_NAMES = ("酒当归", "当归")
PIECE_BATCH = "JDG0001"  # the decoction-piece batch (its number names no date: README quotes it)


class DemoTraceError(RuntimeError):
    """A capture the demo expects to succeed did not: the story and the services disagree."""


@dataclass
class Party:
    enterprise: Enterprise
    user: Any
    site: str

    @property
    def region(self) -> str:
        return self.enterprise.region_code


@dataclass
class PublicCode:
    result: str  # what /verify/ answers for it
    code: str
    note: str = ""


def _check_digits(payload: str) -> str:
    # NMPA/T 1002 keeps its check algorithm private; any four digits parse, these look real
    return f"{zlib.crc32(payload.encode()) % 10000:04d}"


def cn20(identifier: str, serial: int) -> str:
    payload = f"{identifier}{serial:09d}"
    return f"urn:yaojian:cn:{payload}{_check_digits(payload)}"


def bare(code: str) -> str:
    """The 20 digits printed on the pack (what the public types at /verify/)."""
    return code.rsplit(":", 1)[-1]


def sgln(party: str, location: int) -> str:
    return f"urn:epc:id:sgln:{PREFIXES[party]}.{location:05d}.0"


class Story:
    def __init__(self, today: dt.date) -> None:
        from yaojian.trace.services import capture

        self.today = today
        self.capture = capture
        self.captures = 0
        self.events = 0
        self.pending: list[tuple[Party, dict[str, Any]]] = []

    # --- building blocks --------------------------------------------------------------------

    def at(self, days: int, hour: int = 9, minute: int = 0) -> str:
        """A time `days` whole days before today (never in the future: days >= 1)."""
        day = self.today - dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CST).isoformat()

    def send(self, party: Party, body: dict[str, Any]) -> None:
        """Queue an event; consecutive events of one enterprise go as one EPCIS document, the
        way its system would upload them (one capture job each: the load stays fast)."""
        if self.pending and self.pending[0][0] is not party:
            self.flush()
        self.pending.append((party, {"eventTimeZoneOffset": "+08:00", **body}))

    def flush(self) -> None:
        if not self.pending:
            return
        party, events = self.pending[0][0], [body for _party, body in self.pending]
        self.pending = []
        if len(events) == 1:
            job = self.capture.capture_event(
                actor=party.user, event={"@context": CONTEXT, **events[0]}
            )
        else:
            document = {
                "@context": CONTEXT,
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": max(e["eventTime"] for e in events),
                "epcisBody": {"eventList": events},
            }
            job = self.capture.capture_submit(
                actor=party.user,
                stream=io.BytesIO(json.dumps(document, ensure_ascii=False).encode()),
                content_type="application/ld+json",
                run=False,
            )
            job = self.capture.capture_run(job.pk)
        self.captures += 1
        self.events += len(events)
        if job.status != "succeeded":
            raise DemoTraceError(f"{party.enterprise.name}: {job.problems}")

    def observe(
        self,
        party: Party,
        step: str,
        disposition: str,
        codes: list[str],
        when: str,
        *,
        action: str = "OBSERVE",
        to: Party | None = None,
        ilmd: dict | None = None,
    ) -> Any:
        body: dict[str, Any] = {
            "type": "ObjectEvent",
            "eventTime": when,
            "epcList": codes,
            "action": action,
            "bizStep": step,
            "disposition": disposition,
            "readPoint": {"id": party.site},
            "bizLocation": {"id": party.site},
        }
        if to is not None:
            body["sourceList"] = [{"type": "owning_party", "source": party.site}]
            body["destinationList"] = [{"type": "owning_party", "destination": to.site}]
        if ilmd:
            body["ilmd"] = ilmd
        return self.send(party, body)

    def aggregate(self, party: Party, parent: str, children: list[str], when: str, *, add=True):
        body: dict[str, Any] = {
            "type": "AggregationEvent",
            "eventTime": when,
            "parentID": parent,
            "action": "ADD" if add else "DELETE",
            "bizStep": "packing" if add else "unpacking",
            "readPoint": {"id": party.site},
        }
        if children:  # a DELETE without children empties the case
            body["childEPCs"] = children
        return self.send(party, body)

    def ship(self, sender: Party, receiver: Party, codes: list[str], days: int, hour: int = 14):
        self.observe(sender, "shipping", "in_transit", codes, self.at(days, hour), to=receiver)

    def receive(self, party: Party, codes: list[str], days: int, hour: int = 10):
        self.observe(party, "receiving", "in_progress", codes, self.at(days, hour))

    def sell(self, party: Party, codes: list[str], days: int, hour: int = 16):
        self.observe(party, "retail_selling", "retail_sold", codes, self.at(days, hour))


# --- who takes part ---------------------------------------------------------------------------


def _licensed(kind: str):
    return Exists(
        Licence.objects.filter(holder=OuterRef("pk"), kind=kind, status=LicenceStatus.VALID)
    )


def _drugs(maker: Enterprise):
    return Product.objects.filter(
        manufacturer=maker,
        holder=maker,
        kind=ProductKind.DRUG,
        status=ProductStatus.VALID,
        trace_product_code__isnull=False,
    ).order_by("trace_product_code")


def _choose_maker() -> tuple[Enterprise, Product | None] | None:
    """A licensed Jiangxi manufacturer with drugs, one that processes 当归 when there is one."""
    makers = list(
        Enterprise.objects.filter(kind=EnterpriseKind.DRUG_MANUFACTURER)
        .filter(_licensed("drug_manufacturing"))
        .order_by("uscc")
    )
    makers = [m for m in makers if _drugs(m).count() >= 3]
    if not makers:
        return None
    for name in PIECE_NAMES:
        for maker in makers:
            piece = (
                Product.objects.filter(holder=maker, kind=ProductKind.TCM_PIECE, name=name)
                .order_by("pk")
                .first()
            )
            if piece is not None:
                return maker, piece
    maker = makers[0]
    piece = Product.objects.filter(holder=maker, kind=ProductKind.TCM_PIECE).order_by("pk").first()
    return maker, piece


def _choose_wholesaler(near: str) -> Enterprise | None:
    wholesalers = Enterprise.objects.filter(kind=EnterpriseKind.WHOLESALER).filter(
        _licensed("drug_wholesale")
    )
    return (
        wholesalers.filter(region_code__startswith=near[:4]).order_by("uscc").first()
        or wholesalers.order_by("uscc").first()
    )


def _choose_stores(chain: Enterprise) -> list[Enterprise]:
    """Chain stores with a valid licence, spread over as many cities as there are."""
    stores = list(
        chain.branches.filter(_licensed("drug_retail_chain_store")).order_by("region_code", "uscc")
    )
    by_city: dict[str, list[Enterprise]] = {}
    for store in stores:
        by_city.setdefault(store.region_code[:4], []).append(store)
    chosen: list[Enterprise] = []
    while len(chosen) < STORES and any(by_city.values()):
        for city in sorted(by_city):
            if by_city[city] and len(chosen) < STORES:
                chosen.append(by_city[city].pop(0))
    return chosen


def _reporting_user(enterprise: Enterprise) -> User:
    """The enterprise's own traceability system reports as its master account (no password:
    nobody logs in as these; the documented accounts are in README)."""
    user = User.objects.filter(enterprise=enterprise, is_enterprise_master=True).first()
    if user is not None:
        return user
    user = User(
        username=f"trace-{enterprise.uscc[-6:].lower()}",
        full_name=enterprise.legal_representative,
        kind=UserKind.ENTERPRISE,
        enterprise=enterprise,
        is_enterprise_master=True,
        enterprise_rights=ALL_ENTERPRISE_RIGHTS,
    )
    user.set_unusable_password()
    user.save()
    return user


# --- the story --------------------------------------------------------------------------------


def load(chain_name: str, *, today: dt.date | None = None) -> dict[str, Any] | None:
    """Load the story; returns a summary (None when the province has no one to tell it)."""
    from yaojian.trace.services import recall as recalls
    from yaojian.trace.services import register

    chosen = _choose_maker()
    chain = Enterprise.objects.filter(name=chain_name).first()
    if chosen is None or chain is None:
        return None
    maker_enterprise, piece = chosen
    wholesaler_enterprise = _choose_wholesaler(maker_enterprise.region_code)
    store_enterprises = _choose_stores(chain)
    chain_user = User.objects.filter(enterprise=chain, is_enterprise_master=True).first()
    if wholesaler_enterprise is None or len(store_enterprises) < 3 or chain_user is None:
        return None
    story = Story(today or timezone.localdate())

    # sites: each enterprise registers its own
    maker = Party(maker_enterprise, _reporting_user(maker_enterprise), sgln("maker", 1))
    wholesaler = Party(
        wholesaler_enterprise, _reporting_user(wholesaler_enterprise), sgln("wholesaler", 1)
    )
    hub = Party(chain, chain_user, sgln("chain", 1))
    stores = [
        Party(store, _reporting_user(store), sgln("chain", 10 + index))
        for index, store in enumerate(store_enterprises)
    ]
    register.site_register(
        actor=maker.user,
        identifier=maker.site,
        name=f"{maker.enterprise.name} 成品库",
        address=maker.enterprise.address,
    )
    register.site_register(
        actor=wholesaler.user,
        identifier=wholesaler.site,
        name=f"{wholesaler.enterprise.name} 仓库",
        address=wholesaler.enterprise.address,
    )
    register.site_register(
        actor=hub.user, identifier=hub.site, name=f"{chain.name} 配送中心", address=chain.address
    )
    for store in stores:
        register.site_register(
            actor=store.user,
            identifier=store.site,
            name=store.enterprise.name,
            address=store.enterprise.address,
        )

    # product identifiers: three drugs at pack level, the first also at case level
    drugs = list(_drugs(maker.enterprise)[:3])
    for drug in drugs:
        register.code_rule_file(
            actor=maker.user,
            product_id=drug.pk,
            code=drug.trace_product_code,
            package_spec=drug.package_spec,
        )
    first, second = drugs[0], drugs[1]
    case_identifier = f"80{first.trace_product_code[2:]}"
    register.code_rule_file(
        actor=maker.user,
        product_id=first.pk,
        code=case_identifier,
        package_level=2,
        units_per_package=CASE_SIZE,
        package_spec=f"{CASE_SIZE}盒/箱",
    )

    # decoction pieces: a batch with its herb origin, processing and inspection report
    piece_batch = None
    if piece is not None:
        made = story.today - dt.timedelta(days=75)
        harvest = dt.date(made.year - 1, 10, 25)  # 当归 is dug in late autumn
        piece_code = f"TCM:{maker.enterprise.uscc}:{PIECE_BATCH}"
        rule = register.code_rule_file(
            actor=maker.user, product_id=piece.pk, code=piece_code, package_spec=piece.package_spec
        )
        piece_batch = register.batch_register(
            actor=maker.user,
            product_key=rule.product_key,
            batch_no=PIECE_BATCH,
            production_date=made,
            expiry_date=made + dt.timedelta(days=2 * 365),
            herb_origin=piece.origin if piece.origin.startswith("甘肃") else "甘肃岷县",
            harvest_date=harvest,
            processing=piece.processing_method or "酒炙",
            inspection_report=f"赣药检（饮）{made:%Y}第{zlib.crc32(piece_code.encode()) % 900 + 100}号",
        )

        # the batch code printed on every bag, so that the public can look up the herb's origin
        story.observe(
            maker,
            "commissioning",
            "active",
            [piece_code],
            story.at(75, 15),
            action="ADD",
            ilmd={"cbvmda:lotNumber": piece_batch.batch_no},
        )

    # batches: two of the first drug (200 and 100 packs, in cases), one of the second (100)
    def batch(product: Product, serial_base: int, count: int, days: int):
        made = story.today - dt.timedelta(days=days)
        expiry = made + dt.timedelta(days=3 * 365)
        batch_no = f"{made:%y%m%d}{serial_base // 100000:02d}"
        register.batch_register(
            actor=maker.user,
            product_key=f"cn:{product.trace_product_code}",
            batch_no=batch_no,
            production_date=made,
            expiry_date=expiry,
        )
        codes = [cn20(product.trace_product_code, serial_base + i) for i in range(1, count + 1)]
        story.observe(
            maker,
            "commissioning",
            "active",
            codes,
            story.at(days, 9),
            action="ADD",
            ilmd={"cbvmda:lotNumber": batch_no, "cbvmda:itemExpirationDate": expiry.isoformat()},
        )
        return batch_no, codes

    def pack(codes: list[str], serial_base: int, days: int) -> list[tuple[str, list[str]]]:
        cases = []
        for index in range(0, len(codes), CASE_SIZE):
            case = cn20(case_identifier, serial_base + index // CASE_SIZE + 1)
            children = codes[index : index + CASE_SIZE]
            story.aggregate(maker, case, children, story.at(days, 11, index // CASE_SIZE))
            cases.append((case, children))
        return cases

    lot_a, packs_a = batch(first, 100000, 200, 60)
    cases_a = pack(packs_a, 100000, 60)
    lot_c, packs_c = batch(second, 300000, 100, 50)
    lot_b, packs_b = batch(first, 200000, 100, 40)
    cases_b = pack(packs_b, 200000, 40)
    # the labeller jammed and reprinted: one code of the first batch commissioned again
    story.observe(
        maker,
        "commissioning",
        "active",
        [cases_a[15][1][3]],
        story.at(59, 8, 30),
        action="ADD",
        ilmd={"cbvmda:lotNumber": lot_a},
    )

    # maker → wholesaler
    shipped = [case for case, _children in cases_a + cases_b] + packs_c
    story.ship(maker, wholesaler, shipped, 35)
    story.receive(wholesaler, shipped, 34)
    # a case dropped in the warehouse: opened, three packs destroyed
    broken, broken_packs = cases_a[19]
    story.aggregate(wholesaler, broken, [], story.at(33, 10), add=False)
    story.observe(wholesaler, "destroying", "destroyed", broken_packs[:3], story.at(33, 11))

    # wholesaler → the chain's distribution centre
    to_hub_a, to_hub_b, to_hub_c = cases_a[:12], cases_b[:6], packs_c[:60]
    to_hub = [case for case, _children in to_hub_a + to_hub_b] + to_hub_c
    story.ship(wholesaler, hub, to_hub, 29)
    story.receive(hub, to_hub, 28)
    loose_a = [code for _case, children in to_hub_a[:8] for code in children]
    loose_b = [code for _case, children in to_hub_b[:4] for code in children]
    for case, _children in to_hub_a[:8] + to_hub_b[:4]:
        story.aggregate(hub, case, [], story.at(27, 9), add=False)

    # distribution centre → stores
    per_store = []
    for index, store in enumerate(stores):
        a = loose_a[index * 12 : index * 12 + 12]
        b = loose_b[index * 6 : index * 6 + 6]
        c = to_hub_c[index * 6 : index * 6 + 6]
        story.ship(hub, store, a + b + c, 25, 8 + index)
        per_store.append((a, b, c))
    for store, (a, b, c) in zip(stores, per_store, strict=True):
        story.receive(store, a + b + c, 24 if store.region[:4] == hub.region[:4] else 23)

    # sales, a few every week
    for index, (store, (a, b, c)) in enumerate(zip(stores, per_store, strict=True)):
        for week, days in enumerate((20, 13, 6, 2)):
            basket = a[week * 2 : week * 2 + 2] + (b[week : week + 1] if week < 2 else [])
            if week == 1:
                basket += c[:2]
            story.sell(store, basket, days - (index % 2), 10 + index)

    # anomalies arising on their own
    copied = per_store[0][0][0]  # sold by the first store, then sold again in another city
    story.sell(stores[-1], [copied], 5, 15)
    outsider = cn20(first.trace_product_code, 900000001)  # never commissioned
    story.receive(stores[2], [outsider], 15, 11)

    story.flush()

    # the province orders the recall of the second drug's batch; two stores return their packs
    province = User.objects.get(username="province")
    recall_batch = maker_batch(f"cn:{second.trace_product_code}", lot_c)
    recall = recalls.recall_issue(
        actor=province,
        batch_ids=[recall_batch.pk],
        level="II",
        reason="省级药品监督抽检：该批次含量测定不符合规定。",
    )
    now = timezone.now().astimezone(CST).replace(microsecond=0).isoformat()
    for store, (_a, _b, c) in zip(stores[:2], per_store[:2], strict=True):
        # sent back to the maker (CBV has no "returning" step: a shipment whose goods are returned)
        story.observe(store, "shipping", "returned", c[2:], now, to=maker)
    story.flush()

    summary = {
        "maker": maker.enterprise.name,
        "wholesaler": wholesaler.enterprise.name,
        "stores": [s.enterprise.name for s in stores],
        "lots": [lot_a, lot_b, lot_c],
        "recall": recall.number,
        "piece_batch": piece_batch.batch_no if piece_batch else None,
        "captures": story.captures,
        "events": story.events,
        "codes": public_codes(chain_name),
    }
    return summary


def maker_batch(product_key: str, batch_no: str):
    from yaojian.trace.models import Batch

    return Batch.objects.get(product_key=product_key, batch_no=batch_no)


def public_codes(chain_name: str) -> list[PublicCode]:
    """The codes the demo's summary invites the public to verify, found in the database (the
    demo may have been loaded by an earlier run): a pack the chain holds, a pack sold once, a
    pack of the recalled batch the chain still holds."""
    from yaojian.trace.models import Anomaly, CodeRule, CodeState, Recall

    chain = Enterprise.objects.filter(name=chain_name).first()
    if chain is None:
        return []
    recalled_batches = Recall.objects.exclude(status="cancelled").values("batches")
    suspect = Exists(Anomaly.objects.filter(code=OuterRef("code")))
    packs = CodeRule.objects.filter(package_level=1).values("product_key")
    held = CodeState.objects.filter(holder=chain, product_key__in=packs)
    authentic = (
        held.filter(status="active", parent="")
        .exclude(batch__in=recalled_batches)
        .exclude(suspect)
        .order_by("code")
        .first()
    )
    dispensed = (
        CodeState.objects.filter(status="dispensed", dispense_count=1)
        .exclude(batch__in=recalled_batches)
        .exclude(suspect)
        .order_by("code")
        .first()
    )
    recalled = (
        held.filter(status="active", batch__in=recalled_batches).exclude(suspect).order_by("-code")
    ).first()
    found = [
        PublicCode(label, bare(state.code))
        for label, state in (
            ("authentic", authentic),
            ("dispensed", dispensed),
            ("recalled", recalled),
        )
        if state is not None
    ]
    piece = CodeState.objects.filter(product_key__startswith="tcm:").order_by("code").first()
    if piece is not None:
        uscc, batch_no = piece.code.removeprefix("urn:yaojian:tcm:").split(":")
        found.append(
            PublicCode("authentic", f"TCM:{uscc}:{batch_no}", "中药饮片批次，显示产地与炮制")
        )
    return found
