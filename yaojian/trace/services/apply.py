"""Applying events to the current state of codes, chunk by chunk.

A `StateBook` loads the states of every code a chunk of events names (and the children packed
in them) with a few queries, applies the events in order in memory, checks what the sender is
entitled to report, raises anomalies, and writes everything back with bulk statements. The
state is never recomputed from all events: each event moves the codes it names.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from yaojian.trace import codes as code_parser
from yaojian.trace.choices import CodeStatus, RecallStatus
from yaojian.trace.models import Anomaly, Batch, CodeRule, CodeState, Recall, Site

# Where a bare CBV business step or disposition moves a code.
DISPOSITION_STATUS = {
    "active": CodeStatus.ACTIVE,
    "in_progress": CodeStatus.ACTIVE,
    "in_transit": CodeStatus.IN_TRANSIT,
    "dispensed": CodeStatus.DISPENSED,
    "retail_sold": CodeStatus.DISPENSED,
    "returned": CodeStatus.RETURNED,
    "recalled": CodeStatus.RECALLED,
    "destroyed": CodeStatus.DESTROYED,
    "expired": CodeStatus.EXPIRED,
    "inactive": CodeStatus.DECOMMISSIONED,
    "no_pedigree_match": CodeStatus.ACTIVE,
}
BIZ_STEP_STATUS = {
    "commissioning": CodeStatus.ACTIVE,
    "shipping": CodeStatus.IN_TRANSIT,
    "departing": CodeStatus.IN_TRANSIT,
    "receiving": CodeStatus.ACTIVE,
    "arriving": CodeStatus.ACTIVE,
    "accepting": CodeStatus.ACTIVE,
    "retail_selling": CodeStatus.DISPENSED,
    "dispensing": CodeStatus.DISPENSED,
    "destroying": CodeStatus.DESTROYED,
    "decommissioning": CodeStatus.DECOMMISSIONED,
}
RECEIVING_STEPS = frozenset({"receiving", "arriving", "accepting"})
SHIPPING_STEPS = frozenset({"shipping", "departing"})
END_STATUSES = frozenset({CodeStatus.DISPENSED, CodeStatus.DESTROYED, CodeStatus.DECOMMISSIONED})
# A code seen in two cities within this time is a copy (no delivery is faster).
IMPOSSIBLE_TRAVEL = dt.timedelta(minutes=30)
LOT_KEYS = ("cbvmda:lotNumber", "lotNumber", "https://ref.gs1.org/cbv/lotNumber")
EXPIRY_KEYS = ("cbvmda:itemExpirationDate", "itemExpirationDate")


MEDICAL_INSTITUTION = "medical_institution"
DRUG_LICENCES = frozenset(
    {
        "drug_manufacturing",
        "drug_wholesale",
        "drug_retail_chain_hq",
        "drug_retail_chain_store",
        "drug_retail",
    }
)
DEVICE_LICENCES = frozenset({"device_trading_iii", "device_trading_ii", "device_manufacturing"})
RETAIL_LICENCES = frozenset({"drug_retail", "drug_retail_chain_store", "online_drug_sales"})
# the licences that cover trading a product of each kind (cosmetics need none to trade)
SCOPE_OF_PRODUCT = {"drug": DRUG_LICENCES, "tcm_piece": DRUG_LICENCES, "device": DEVICE_LICENCES}


def disposition_of(event: dict) -> str:
    return bare(event.get("disposition"))


def awaited_by(state: CodeState, enterprise_id: int) -> bool:
    """Whether a code is on its way to this enterprise: shipped to it (or to nobody named),
    or shipped back to it as a return (CBV has no returning step: a return is a shipment with
    the disposition "returned", addressed to whoever takes it back)."""
    if state.status == CodeStatus.IN_TRANSIT:
        return state.next_holder_id in (None, enterprise_id)
    return state.status == CodeStatus.RETURNED and state.next_holder_id == enterprise_id


class Refusal(Exception):
    """The sender is provably not entitled to report this event."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


Parse = Callable[[str], "code_parser.ParsedCode | None"]


def canonical(identifier: str, parse: Parse = code_parser.try_parse) -> str:
    """The canonical form of a code, or the identifier itself when it is not a code we parse."""
    parsed = parse(identifier)
    return parsed.canonical if parsed else identifier


class Parses(dict):
    """A memo of `try_parse` (text -> ParsedCode or None) for one chunk of events.

    A code is parsed when its event's codes are listed (`codes_of`), again when it is
    commissioned and when its commissioner is checked: parsing each text once saves two
    thirds of the parsing. `ParsedCode` is immutable, so sharing one is safe; the memo is
    cleared with the chunk (`StateBook.forget`), so memory stays flat."""

    def __missing__(self, text: str) -> code_parser.ParsedCode | None:
        parsed = self[text] = code_parser.try_parse(text)
        return parsed

    def parse(self, text: str) -> code_parser.ParsedCode | None:
        return self[text]


def bare(value: str | None) -> str:
    """The bare CBV word of a business step or disposition given as word, CURIE or URI."""
    if not value:
        return ""
    from yaojian.trace.epcis import normalise_cbv

    return normalise_cbv(value, "bizStep")


@dataclass
class Codes:
    """The codes one event names, canonical, by role."""

    epcs: list[str] = field(default_factory=list)
    parent: str = ""
    children: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)

    def named(self) -> list[tuple[str, str]]:
        rows = [(c, "epc") for c in self.epcs]
        rows += [(self.parent, "parent")] if self.parent else []
        rows += [(c, "child") for c in self.children]
        rows += [(c, "input") for c in self.inputs]
        rows += [(c, "output") for c in self.outputs]
        rows += [(c, "class") for c in self.classes]
        return rows

    def instances(self) -> list[str]:
        found = [*self.epcs, *self.children, *self.inputs, *self.outputs]
        return [*found, self.parent] if self.parent else found


def codes_of(event: dict[str, Any], parse: Parse = code_parser.try_parse) -> Codes:
    """The codes `event` names, canonical; `parse` may be a memo (`Parses.parse`)."""

    def many(key: str) -> list[str]:
        return [canonical(str(v), parse) for v in event.get(key) or [] if v]

    def classes(*keys: str) -> list[str]:
        return [
            canonical(str(item.get("epcClass")), parse)
            for key in keys
            for item in event.get(key) or []
            if isinstance(item, dict) and item.get("epcClass")
        ]

    return Codes(
        epcs=many("epcList"),
        parent=canonical(str(event["parentID"]), parse) if event.get("parentID") else "",
        children=many("childEPCs"),
        inputs=many("inputEPCList"),
        outputs=many("outputEPCList"),
        classes=classes(
            "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"
        ),
    )


def event_time(event: dict[str, Any]) -> dt.datetime:
    value = parse_datetime(str(event.get("eventTime", "")))
    if value is None:
        raise Refusal("event_time", "eventTime", _("The event time is not a date and time."))
    return value


def _party_ids(event: dict[str, Any], key: str, inner: str) -> list[str]:
    return [
        str(item.get(inner))
        for item in event.get(key) or []
        if isinstance(item, dict) and item.get(inner)
    ]


@dataclass
class Outcome:
    anomalies: list[Anomaly] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class StateBook:
    """The states of the codes one chunk touches, loaded once and written back in bulk."""

    def __init__(self, sender: Any) -> None:
        self.sender = sender
        self.states: dict[str, CodeState] = {}
        self.new: dict[str, CodeState] = {}
        self.dirty: set[str] = set()
        self.sites: dict[str, Site | None] = {}
        self.rules: dict[str, CodeRule | None] = {}
        self.commissioners: dict[str, bool] = {}
        self.batches: dict[tuple[str, str], Batch | None] = {}
        self.licensed: dict[int, bool] = {}
        self.recalled: dict[int, bool] = {}
        self.children_of: dict[str, list[str]] = {}
        self.anomalies: list[Anomaly] = []
        self.parses = Parses()
        self._lot: tuple[Any, str, dt.date | None] = (None, "", None)

    # loading -------------------------------------------------------------------------------

    def load(self, events: Iterable[tuple[dict[str, Any], Codes]]) -> None:
        wanted: set[str] = set()
        sites: set[str] = set()
        for event, named in events:
            wanted.update(named.instances())
            for key in ("readPoint", "bizLocation"):
                if isinstance(event.get(key), dict) and event[key].get("id"):
                    sites.add(str(event[key]["id"]))
            sites.update(_party_ids(event, "sourceList", "source"))
            sites.update(_party_ids(event, "destinationList", "destination"))
        wanted -= set(self.states)
        for chunk in chunks(sorted(wanted)):
            for state in rows_where_in(CodeState, "code", chunk):
                self.states[state.code] = state
        # children travel with their case or pallet: load them (three levels deep at most)
        parents = [code for code in wanted if code in self.states]
        for _level in range(3):
            if not parents:
                break
            found = []
            for chunk in chunks(parents):
                for state in rows_where_in(CodeState, "parent", chunk):
                    self.states.setdefault(state.code, state)
                    self.children_of.setdefault(state.parent, []).append(state.code)
                    found.append(state.code)
            parents = found
        missing = [s for s in sites if s not in self.sites]
        for chunk in chunks(missing):
            known = {
                site.identifier: site
                for site in Site.objects.filter(identifier__in=chunk).select_related("enterprise")
            }
            for identifier in chunk:
                self.sites[identifier] = known.get(identifier)

    def _rule(self, product_key: str) -> CodeRule | None:
        if product_key not in self.rules:
            self.rules[product_key] = (
                CodeRule.objects.filter(product_key=product_key, active=True)
                .select_related("product")
                .first()
            )
        return self.rules[product_key]

    def _batch(self, product_key: str, batch_no: str) -> Batch | None:
        key = (product_key, batch_no)
        if key not in self.batches:
            self.batches[key] = Batch.objects.filter(
                product_key=product_key, batch_no=batch_no
            ).first()
        return self.batches[key]

    def _new_batch(self, product_key: str, batch_no: str, expiry: dt.date | None) -> Batch:
        """The first commissioning of a batch registers it, held by its commissioner."""
        rule = self._rule(product_key)
        batch, _created = Batch.objects.get_or_create(
            product_key=product_key,
            batch_no=batch_no,
            defaults={
                "product": rule.product,
                "holder": self.sender,
                "expiry_date": expiry,
                "region_code": self.sender.region_code,
            },
        )
        self.batches[(product_key, batch_no)] = batch
        return batch

    def _licence_kinds(self, enterprise: Any) -> frozenset[str]:
        """The kinds of the enterprise's valid licences and filings (cached per capture)."""
        if enterprise.pk not in self.licensed:
            from yaojian.registry.choices import LicenceStatus
            from yaojian.registry.models import Licence

            self.licensed[enterprise.pk] = frozenset(
                Licence.objects.filter(
                    holder_id=enterprise.pk, status=LicenceStatus.VALID
                ).values_list("kind", flat=True)
            )
        return self.licensed[enterprise.pk]

    def _is_licensed(self, enterprise: Any) -> bool:
        # Medical institutions dispense under their practice licence, which the drug
        # register does not hold: they are not "unlicensed".
        return bool(self._licence_kinds(enterprise)) or enterprise.kind == MEDICAL_INSTITUTION

    def _scope_problem(self, state: CodeState, shipper: Any, consignee: Any | None) -> dict:
        """Evidence when a licensed party trades outside its licensed scope, else {}.

        A drug needs a drug licence on both sides and a device a device licence; a retail
        pharmacy may sell to the public but not supply another business (零售不得批发),
        except by returning goods."""
        kind = self._product_kind(state)
        needed = SCOPE_OF_PRODUCT.get(kind)
        for role, party in (("shipper", shipper), ("consignee", consignee)):
            if party is None or party.kind == MEDICAL_INSTITUTION:
                continue
            held = self._licence_kinds(party)
            if held and needed and not held & needed:
                return {role: party.name, "licences": sorted(held)}
        held = self._licence_kinds(shipper)
        if consignee is not None and held and held <= RETAIL_LICENCES:
            return {"shipper": shipper.name, "licences": sorted(held)}
        return {}

    def _product_kind(self, state: CodeState) -> str:
        if state.batch_id and state.batch is not None:
            return state.batch.product.kind
        rule = self._rule(state.product_key) if state.product_key else None
        return rule.product.kind if rule is not None else ""

    def _is_recalled(self, batch_id: int | None) -> bool:
        """Whether a recall order (not cancelled) covers the batch."""
        if batch_id is None:
            return False
        if batch_id not in self.recalled:
            self.recalled[batch_id] = (
                Recall.objects.filter(batches=batch_id)
                .exclude(status=RecallStatus.CANCELLED)
                .exists()
            )
        return self.recalled[batch_id]

    # checking ------------------------------------------------------------------------------

    def check(self, event: dict[str, Any], named: Codes) -> None:
        """Refuse what the sender is provably not entitled to report (raises Refusal)."""
        for key in ("readPoint", "bizLocation"):
            identifier = (
                (event.get(key) or {}).get("id") if isinstance(event.get(key), dict) else None
            )
            site = self.sites.get(str(identifier)) if identifier else None
            if site is not None and site.enterprise_id != self.sender.pk:
                raise Refusal(
                    "site_of_other",
                    f"{key}.id",
                    _("The location %(site)s is registered to another enterprise.")
                    % {"site": identifier},
                )
        step = bare(event.get("bizStep"))
        if step == "commissioning":
            for code in named.epcs:
                self._check_commissioner(code)
            return
        receiving = step in RECEIVING_STEPS
        for code in named.instances():
            state = self.states.get(code)
            if state is None or state.holder_id in (None, self.sender.pk):
                continue
            # a dispensed, destroyed or decommissioned code has no holder any more: a report of
            # it is stored, and warned about (dispensed_twice, event_after_end), not refused
            if state.status in END_STATUSES:
                continue
            if receiving and awaited_by(state, self.sender.pk):
                continue
            raise Refusal(
                "code_held_by_other",
                "epcList",
                _("The code %(code)s is held by another enterprise; only its holder may report it.")
                % {"code": code},
            )

    def _check_commissioner(self, code: str) -> None:
        parsed = self.parses[code]
        if parsed is None or not parsed.product_key:
            return
        if not self._may_commission(parsed.product_key):
            raise Refusal(
                "product_of_other",
                "epcList",
                _(
                    "The product identifier of %(code)s is filed by another enterprise; only "
                    "its holder or manufacturer may commission codes for it."
                )
                % {"code": code},
            )

    def _may_commission(self, product_key: str) -> bool:
        """Whether the sender files or makes the product (no filed rule: nobody to ask).
        Asked for every code a document commissions: answered once per product."""
        if product_key not in self.commissioners:
            rule = self._rule(product_key)
            if rule is None:
                self.commissioners[product_key] = True
            else:
                product = rule.product
                entitled = {rule.enterprise_id, product.holder_id, product.manufacturer_id}
                self.commissioners[product_key] = self.sender.pk in entitled
        return self.commissioners[product_key]

    # applying ------------------------------------------------------------------------------

    def apply(self, event: dict[str, Any], named: Codes, stored: Any) -> None:
        """Move the codes `event` names; `stored` is the new event (for anomalies)."""
        at = event_time(event)
        step = bare(event.get("bizStep"))
        disposition = bare(event.get("disposition"))
        action = event.get("action", "")
        self._unregistered(event, stored)
        kind = event.get("type")
        if kind == "AggregationEvent" or (kind == "AssociationEvent"):
            self._aggregate(event, named, at, action, stored)
        if kind == "TransformationEvent":
            for code in named.inputs:
                self._move(code, CodeStatus.DECOMMISSIONED, at, step, stored, event)
            for code in named.outputs:
                self._commission(code, at, event, stored)
            return
        targets = named.epcs if kind != "AggregationEvent" else []
        if kind == "TransactionEvent" and named.parent:
            targets = [*targets, named.parent]
        if action == "DELETE" and kind == "ObjectEvent":
            for code in targets:
                self._move(code, CodeStatus.DECOMMISSIONED, at, step, stored, event)
            return
        if step == "commissioning" or (action == "ADD" and kind == "ObjectEvent"):
            for code in targets:
                self._commission(code, at, event, stored)
            return
        status = DISPOSITION_STATUS.get(disposition) or BIZ_STEP_STATUS.get(step)
        for code in targets:
            self._move(code, status, at, step, stored, event)

    def _state(self, code: str) -> CodeState | None:
        return self.states.get(code)

    def _touch(self, state: CodeState) -> None:
        if state.code not in self.new:
            self.dirty.add(state.code)

    def _commission(self, code: str, at: dt.datetime, event: dict, stored: Any) -> None:
        existing = self.states.get(code)
        if existing is not None:
            if existing.commissioned_at is not None:
                self.raise_anomaly(
                    "duplicate_commissioning",
                    code,
                    stored,
                    {
                        "first_commissioned_at": existing.commissioned_at.isoformat(),
                        "first_holder": existing.holder.name if existing.holder_id else "",
                    },
                )
                return
            state = existing
        else:
            state = NewState(code)
            self.states[code] = state
            self.new[code] = state
        parsed = self.parses[code]
        batch_no, expiry = self._lot_of(event)
        if parsed is not None:
            state.product_key = parsed.product_key
            batch_no = parsed.batch or batch_no
            expiry = parsed.expiry or expiry
            if parsed.product_key and self._rule(parsed.product_key) is None:
                self.raise_anomaly(
                    "unknown_product", code, stored, {"product_key": parsed.product_key}
                )
        state.batch_no = batch_no[:40]
        state.expiry_date = expiry
        if state.product_key and state.batch_no:
            state.batch = self._batch(state.product_key, state.batch_no)
            if state.batch is None and self._rule(state.product_key) is not None:
                state.batch = self._new_batch(state.product_key, state.batch_no, expiry)
            if state.batch is not None and state.expiry_date is None:
                state.expiry_date = state.batch.expiry_date
        state.status = CodeStatus.ACTIVE
        state.holder = self.sender
        state.region_code = self.sender.region_code
        state.commissioned_at = at
        state.last_event_time = at
        state.last_biz_step = "commissioning"
        state.path = [self.sender.region_code]
        self._touch(state)

    def _lot_of(self, event: dict) -> tuple[str, dt.date | None]:
        """The batch number and expiry date an event's ilmd gives (read once per event: its
        codes are commissioned one by one)."""
        if self._lot[0] is not event:
            ilmd = event.get("ilmd") or {}
            batch_no = next((str(ilmd[k]) for k in LOT_KEYS if ilmd.get(k)), "")
            expiry = next((parse_date(str(ilmd[k])[:10]) for k in EXPIRY_KEYS if ilmd.get(k)), None)
            self._lot = (event, batch_no, expiry)
        return self._lot[1], self._lot[2]

    def _move(
        self,
        code: str,
        status: str | None,
        at: dt.datetime,
        step: str,
        stored: Any,
        event: dict,
        *,
        carried: bool = False,
    ) -> None:
        state = self.states.get(code)
        if state is None:
            if step in RECEIVING_STEPS and not carried:
                self.raise_anomaly("receipt_without_shipment", code, stored, {"step": step})
            return
        if state.status in END_STATUSES and status not in (CodeStatus.RETURNED,) and not carried:
            if status == CodeStatus.DISPENSED and state.status == CodeStatus.DISPENSED:
                self.raise_anomaly(
                    "dispensed_twice",
                    code,
                    stored,
                    {
                        "first_dispensed_at": state.dispensed_at.isoformat()
                        if state.dispensed_at
                        else "",
                        "first_region": state.region_code,
                        "second_region": self.sender.region_code,
                    },
                )
            else:
                self.raise_anomaly(
                    "event_after_end", code, stored, {"status": state.status, "step": step}
                )
        if state.last_event_time and at < state.last_event_time:
            if not carried:
                self.raise_anomaly(
                    "out_of_order",
                    code,
                    stored,
                    {"last_event_time": state.last_event_time.isoformat()},
                )
            return
        if (
            not carried
            and state.last_event_time
            and state.region_code
            and state.region_code[:4] != self.sender.region_code[:4]
            and at - state.last_event_time < IMPOSSIBLE_TRAVEL
            and not (step in RECEIVING_STEPS and awaited_by(state, self.sender.pk))
        ):
            self.raise_anomaly(
                "impossible_travel",
                code,
                stored,
                {
                    "earlier_region": state.region_code,
                    "earlier_time": state.last_event_time.isoformat(),
                    "region": self.sender.region_code,
                },
            )
        if step in RECEIVING_STEPS and not carried:
            if not awaited_by(state, self.sender.pk):
                self.raise_anomaly(
                    "receipt_without_shipment", code, stored, {"status": state.status}
                )
            elif state.holder_id and not self._is_licensed(state.holder):
                self.raise_anomaly("unlicensed_party", code, stored, {"shipper": state.holder.name})
        if step in SHIPPING_STEPS:
            # the children of a shipped case go to the case's consignee too
            consignee = self._consignee(event)
            state.next_holder = consignee
            if consignee is not None and not carried and not self._is_licensed(consignee):
                self.raise_anomaly("unlicensed_party", code, stored, {"consignee": consignee.name})
            elif not carried and disposition_of(event) != "returned":
                problem = self._scope_problem(state, self.sender, consignee)
                if problem:
                    self.raise_anomaly("outside_scope", code, stored, problem)
        elif not carried or step in RECEIVING_STEPS:
            state.next_holder = None
        if status == CodeStatus.DISPENSED:
            state.dispense_count += 1
            if state.dispensed_at is None:
                state.dispensed_at = at
            if state.expiry_date and at.date() > state.expiry_date and not carried:
                self.raise_anomaly(
                    "dispensed_after_expiry",
                    code,
                    stored,
                    {"expiry_date": state.expiry_date.isoformat()},
                )
            if not carried and (
                state.status == CodeStatus.RECALLED or self._is_recalled(state.batch_id)
            ):
                self.raise_anomaly("dispensed_after_recall", code, stored, {})
        if step in RECEIVING_STEPS:
            state.holder = self.sender
            state.region_code = self.sender.region_code
            if not state.path or state.path[-1] != self.sender.region_code:
                state.path = [*state.path, self.sender.region_code]
        if status is not None:
            state.status = status
        state.last_event_time = at
        state.last_biz_step = step
        self._touch(state)
        for child in self.children_of.get(code, []):
            self._move(child, status, at, step, stored, event, carried=True)

    def _consignee(self, event: dict) -> Any:
        for identifier in _party_ids(event, "destinationList", "destination"):
            site = self.sites.get(identifier)
            if site is not None:
                return site.enterprise
        return None

    def _aggregate(self, event: dict, named: Codes, at: dt.datetime, action: str, stored) -> None:
        parent = named.parent
        if not parent:
            return
        if action == "ADD":
            if parent not in self.states:
                self._commission(parent, at, {}, stored)
            children = self.children_of.setdefault(parent, [])
            for child in named.children:
                state = self.states.get(child)
                if state is None:
                    continue
                if state.parent and state.parent != parent:
                    old = self.children_of.get(state.parent, [])
                    if child in old:
                        old.remove(child)
                state.parent = parent
                if child not in children:
                    children.append(child)
                self._touch(state)
            self._check_count(parent, children, stored)
        elif action == "DELETE":
            released = named.children or list(self.children_of.get(parent, []))
            for child in released:
                state = self.states.get(child)
                if state is not None and state.parent == parent:
                    state.parent = ""
                    self._touch(state)
            remaining = [c for c in self.children_of.get(parent, []) if c not in released]
            self.children_of[parent] = remaining

    def _check_count(self, parent: str, children: list[str], stored) -> None:
        parsed = self.parses[parent]
        if parsed is None or not parsed.product_key:
            return
        rule = self._rule(parsed.product_key)
        if rule is not None and rule.units_per_package and len(children) != rule.units_per_package:
            self.raise_anomaly(
                "aggregation_count",
                parent,
                stored,
                {
                    "children": len(children),
                    "expected": rule.units_per_package,
                },
            )

    def _unregistered(self, event: dict, stored) -> None:
        identifiers = []
        for key in ("readPoint", "bizLocation"):
            value = event.get(key)
            if isinstance(value, dict) and value.get("id"):
                identifiers.append(str(value["id"]))
        identifiers += _party_ids(event, "sourceList", "source")
        identifiers += _party_ids(event, "destinationList", "destination")
        for identifier in dict.fromkeys(identifiers):
            if identifier in self.sites and self.sites[identifier] is None:
                self.raise_anomaly(
                    "unregistered_identifier", "", stored, {"identifier": identifier}
                )

    def raise_anomaly(self, rule: str, code: str, stored: Any, evidence: dict) -> None:
        """`stored` is the capture's new event, not inserted yet: its id is given to the
        anomaly (`raised_by`) once it is."""
        anomaly = Anomaly(
            rule=rule,
            code=code,
            enterprise=self.sender,
            region_code=self.sender.region_code,
            evidence=evidence,
        )
        anomaly.raised_by = stored
        self.anomalies.append(anomaly)

    # writing -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the chunk's new and changed states and its anomalies.

        New and changed states are written from plain tuples (`insert_rows`, `update_rows`):
        bulk_create and bulk_update build their SQL value by value through every field's
        get_db_prep_save, which cost more than the whole rest of a capture. New states are
        not given their ids back, so they leave `states` here: a later chunk that names them
        again reads them from the table (capture forgets the whole book after each flush)."""
        if self.new:
            insert_rows(CodeState, STATE_FIELDS, map(_state_row, self.new.values()))
            for code in self.new:
                self.states.pop(code, None)
        changed = [self.states[c] for c in self.dirty if c not in self.new]
        if changed:
            update_rows(CodeState, STATE_CHANGES, map(_state_change, changed))
        if self.anomalies:
            Anomaly.objects.bulk_create(self.anomalies, batch_size=500, ignore_conflicts=True)
        self.new, self.dirty, self.anomalies = {}, set(), []

    def forget(self) -> None:
        """After a flush: drop cached states so that the next chunk reads fresh rows (and the
        chunk's parses, so that memory stays flat as documents grow)."""
        self.states.clear()
        self.children_of.clear()
        self.parses.clear()
        self._lot = (None, "", None)


# Every column of a code state but its id, by attribute name (foreign keys as their *_id).
STATE_FIELDS = tuple(f.attname for f in CodeState._meta.concrete_fields if not f.primary_key)
# The defaults of the fields after `code`, in model order (`path`, a JSON list, last).
_STATE_DEFAULTS = tuple(f.get_default() for f in CodeState._meta.concrete_fields[2:])
assert STATE_FIELDS[:2] == ("code", "product_key") and STATE_FIELDS[-1] == "path"
# What an event may change in a stored state: all of it but the code.
STATE_CHANGES = tuple(name for name in STATE_FIELDS if name != "code")


_state_row = operator.attrgetter(*STATE_FIELDS)
_state_change = operator.attrgetter(*STATE_CHANGES, "pk")


class NewState:
    """The state of a code first seen in this chunk, not yet in the table: a plain object with
    CodeState's attributes (foreign keys as the object and its *_id, kept in step), which
    `flush` inserts as a row.

    A commissioning capture creates one per code, and a CodeState instance cost more than the
    rest of the commissioning (Model.__init__ over every field, then the foreign key
    descriptors' checks on each assignment). Column defaults are class attributes, so a new
    state only holds what an event set; `path`, a list, is its own."""

    pk = id = None
    _holder = _next_holder = _batch = None

    def __init__(self, code: str) -> None:
        self.code = code
        self.path: list[str] = []

    def _holder_set(self, value: Any) -> None:
        self._holder, self.holder_id = value, None if value is None else value.pk

    def _next_holder_set(self, value: Any) -> None:
        self._next_holder, self.next_holder_id = value, None if value is None else value.pk

    def _batch_set(self, value: Any) -> None:
        self._batch, self.batch_id = value, None if value is None else value.pk

    holder = property(operator.attrgetter("_holder"), _holder_set)
    next_holder = property(operator.attrgetter("_next_holder"), _next_holder_set)
    batch = property(operator.attrgetter("_batch"), _batch_set)


for _name, _default in zip(STATE_FIELDS[1:-1], _STATE_DEFAULTS[:-1], strict=True):
    setattr(NewState, _name, _default)
assert NewState.holder_id is None and NewState.batch_id is None


def _adapters(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """How each named field's Python value becomes a database parameter, or None when it is
    passed as it is (text, numbers, foreign key ids).

    Dates and times go through the field's own get_db_prep_save (Django's storage format:
    naive UTC text on SQLite), memoised per value, since the events of a chunk share a few
    distinct times; JSON is serialised with json.dumps as JSONField does. psycopg's COPY
    and both drivers' executemany take the resulting text for a JSON column."""
    adapters: list[Callable[[Any], Any] | None] = []
    for name in names:
        model_field = _field(model, name)
        if isinstance(model_field, models.JSONField):
            adapters.append(_Json().adapt)
        elif isinstance(model_field, (models.DateField, models.TimeField)) or isinstance(
            getattr(model_field, "target_field", model_field), models.UUIDField
        ):  # DateTimeField too; UUIDs (and keys to them): a chunk's rows share one job
            # a dict that adapts what it is missing, read with its C-level __getitem__: no
            # Python call per value once a chunk's few distinct values are known (a date and a
            # datetime never compare equal, so one column's values cannot collide)
            adapt = _Adapted(model_field).__getitem__

            adapters.append(adapt)
        else:
            adapters.append(None)
    return adapters


class _Json(dict):
    """JSON text of a value, as JSONField writes it (json.dumps); lists of plain text, such
    as the divisions a code passed, repeat from row to row and are memoised."""

    def adapt(self, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is list and len(value) <= 8:
            key = tuple(value)
            try:
                text = self.get(key)
            except TypeError:  # unhashable members (objects, lists)
                return json.dumps(value)
            if text is not None:  # only text-only keys are stored, and no text equals 1 or True
                return text
            if all(type(m) is str for m in value):  # 1, 1.0 and True would be one key
                text = self[key] = json.dumps(value)
                return text
        return json.dumps(value)


class _Adapted(dict):
    """value -> the field's database value (get_db_prep_save), memoised; None stays None.

    An aware datetime for SQLite is written as Django's backend writes it (naive UTC, `str`)
    without going through the field: most of a commissioning's times are distinct."""

    def __init__(self, model_field: models.Field) -> None:
        super().__init__({None: None})
        self.field = model_field
        self.sqlite_time = connection.vendor == "sqlite" and isinstance(
            model_field, models.DateTimeField
        )

    def __missing__(self, value: Any) -> Any:
        if self.sqlite_time and isinstance(value, dt.datetime) and value.tzinfo is not None:
            adapted = str(value.astimezone(dt.UTC).replace(tzinfo=None))
        else:
            adapted = self.field.get_db_prep_save(value, connection)
        self[value] = adapted
        return adapted


def _adapted(
    adapters: list[Callable[[Any], Any] | None], rows: Iterable[Sequence[Any]]
) -> Iterable[Sequence[Any]]:
    """The rows with the values that need it adapted (only those columns are visited)."""
    adapting = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    if not adapting:
        yield from rows
        return
    for row in rows:
        row = list(row)
        for i, adapt in adapting:
            row[i] = adapt(row[i])
        yield row


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT plain rows (values in the order of the attribute names `names`) into `model`'s
    table, inside the caller's transaction: COPY FROM STDIN on PostgreSQL (psycopg 3), one
    executemany elsewhere. No ids come back, no signals are sent, no defaults are filled:
    every row gives every named column."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(_field(model, n).column) for n in names]
    quoted = ", ".join(columns)
    values = _adapted(_adapters(model, names), rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # cursor.cursor is psycopg's own cursor, on the connection Django's atomic() holds
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", list(values))  # noqa: S608


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """UPDATE rows of `model` by id: each row gives the named attributes' values, then the id.
    One executemany of a single statement, where bulk_update would build a CASE WHEN per
    column over the batch, value by value."""
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(_field(model, n).column)} = %s" for n in names)
    pk = connection.ops.quote_name(model._meta.pk.column)
    values = list(_adapted(_adapters(model, names), rows))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", values)  # noqa: S608


def _field(model: type[models.Model], attname: str) -> models.Field:
    return next(f for f in model._meta.concrete_fields if f.attname == attname)


def _where_in(model: type[models.Model], columns: str, column: str, values: Sequence) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join(["%s"] * len(values))
    name = connection.ops.quote_name(column)
    return f"SELECT {columns} FROM {table} WHERE {name} IN ({marks})"  # noqa: S608


def rows_where_in(model: type[models.Model], column: str, values: Sequence[str]) -> Any:
    """`model.objects.filter(<column>__in=values)` for a text column, in raw SQL: the ORM
    prepares the values one by one, which for the 500 codes of each lookup of a capture
    cost more than the database's index lookups."""
    if not values:
        return []
    return model.objects.raw(_where_in(model, "*", column, values), list(values))


def values_where_in(
    model: type[models.Model], columns: Sequence[str], column: str, values: Sequence[str]
) -> list[tuple]:
    """The named columns of the rows whose text `column` is one of `values` (raw SQL, as
    `rows_where_in`), as tuples."""
    if not values:
        return []
    wanted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(_where_in(model, wanted, column, values), list(values))
        return cursor.fetchall()


def chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def holders_query(batch_ids: list[int]) -> Q:
    return Q(batch_id__in=batch_ids) & ~Q(status__in=list(END_STATUSES))
