"""The random draw, version ``yaojian-draw/1``: pure, deterministic, recomputable by anyone.

A draw is a function of two things only: the **seed** (128 random bits from `secrets`, stored
as 32 hexadecimal digits) and the **inputs** (the snapshot recorded with the draw). Nothing
else — no database, no clock, no Python-version-dependent generator — enters the result, so
anyone holding the record can recompute it with this module or with a page of code in any
language.

Randomness. Every random number is a 64-bit key derived by SHA-256::

    key(part1, part2, ...) = first 8 bytes (big-endian unsigned) of
                             SHA-256( UTF-8( seed + "|" + part1 + "|" + part2 + ... ) )

Parts are written in decimal (ids) or as given (codes). A key depends on the seed and on what
it is the key *of*, never on the order of a list, so adding an unrelated enterprise to the pool
does not change anyone else's key.

Inputs (all lists sorted; `Draw.inputs` holds exactly this, see `canonical`):

* ``items``: ``[{"code", "kind" ("general"|"key"), "ratio" (percent as a decimal string, or
  null = all), "kinds" (enterprise types)}]`` ordered by code;
* ``weights``: ratio multiplier per grade, ``{"A": "0.5", "B": "1", "C": "2", "D": "4"}``;
* ``enterprises``: ``{kind: {grade: [ids ascending]}}`` — the entity pool;
* ``inspectors``: ``[[id, [qualifications sorted], lead_qualified]]`` ascending id — the
  inspector pool (available inspectors only);
* ``conflicts``: ``[[inspector_id, enterprise_id]]`` — declared conflicts (former employers,
  relations, interests);
* ``last_teams``: ``[[enterprise_id, [inspector ids]]]`` — the team of each enterprise's last
  inspection;
* ``team_size`` (≥ 2) and ``max_load`` (most inspections per inspector in one draw);
* ``qualification_for_kind``: ``{kind: qualification}``.

Step 1 — which enterprises. For each item (by code), its eligible pool is the enterprises of
its types, split into strata by grade. A key item without a ratio takes every eligible
enterprise. Otherwise stratum *g* of size *N* draws ``k = min(N, ceil(N × ratio/100 × w_g))``
enterprises (exact rational arithmetic): the *k* with the smallest ``key("entity", item code,
enterprise id)`` (ties: smaller id). Each enterprise is thus drawn with probability exactly
``k/N`` and every *k*-subset of its stratum is equally likely. An enterprise drawn by several
items is inspected once for all of them.

Step 2 — which inspectors. Per qualification *q*, the *ring* is the inspectors holding *q*,
ordered by ``key("ring", q, inspector id)`` (ties: id); the *lead ring* is the lead-qualified
members of the ring in the same order. Each ring has a cursor starting at 0. The drawn
enterprises are staffed in ascending id. For enterprise *e* of type *t*, *q* = the qualification
for *t*; an inspector is *excluded* for *e* if they declared a conflict with *e*, were on *e*'s
last team, or already have ``max_load`` inspections in this draw. The lead is the first
non-excluded inspector of the lead ring from its cursor (going round at most once); the lead
ring's cursor moves past them. The other ``team_size - 1`` members are taken likewise from the
ring, skipping excluded inspectors and those already on the team; the ring's cursor moves past
the last one taken. If a lead or enough members cannot be found, the draw fails (nothing is
drawn) naming the enterprise and the reason. Round-robin cursors spread the work evenly.

Result: ``[{"enterprise", "grade", "kind", "items" [codes], "lead", "team" [lead first]}]`` in
ascending enterprise id; its digest is the SM3 (or any) hash of `canonical(result)`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_noop as N_

VERSION = "yaojian-draw/1"
GRADES = ("A", "B", "C", "D")


class DrawFailed(Exception):
    """The inputs cannot give a draw; `code` is stable, `params` fill the message."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        self.code, self.message, self.params = code, message, params
        super().__init__(message % params if params else message)


def canonical(value: Any) -> bytes:
    """The one byte form of inputs and results that digests are taken over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key(seed: str, *parts: Any) -> int:
    text = "|".join([seed, *(str(p) for p in parts)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _prefix_hasher(seed: str, *parts: Any):
    """key(seed, *parts, last) for many `last` values: hash the shared prefix once."""
    base = hashlib.sha256("|".join([seed, *(str(p) for p in parts), ""]).encode())

    def hasher(last: Any) -> int:
        h = base.copy()
        h.update(str(last).encode())
        return int.from_bytes(h.digest()[:8], "big")

    return hasher


def quota(size: int, ratio: str | None, weight: str) -> int:
    """How many of a stratum of `size` are drawn: ceil(size × ratio% × weight), at most size."""
    if ratio is None:
        return size
    wanted = Fraction(size) * Fraction(ratio) / 100 * Fraction(weight)
    return min(size, math.ceil(wanted))


@dataclass(frozen=True)
class Pick:
    enterprise: int
    kind: str
    grade: str
    items: tuple[str, ...]
    lead: int
    team: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise,
            "kind": self.kind,
            "grade": self.grade,
            "items": list(self.items),
            "lead": self.lead,
            "team": list(self.team),
        }


def choose_enterprises(seed: str, inputs: dict[str, Any]) -> dict[int, tuple[str, str, list[str]]]:
    """Step 1: {enterprise id: (kind, grade, [item codes])}."""
    pool = inputs["enterprises"]
    weights = inputs["weights"]
    chosen: dict[int, tuple[str, str, list[str]]] = {}
    for item in sorted(inputs["items"], key=lambda i: i["code"]):
        hasher = _prefix_hasher(seed, "entity", item["code"])
        for grade in GRADES:
            stratum = [
                (kind, e) for kind in item["kinds"] for e in pool.get(kind, {}).get(grade, ())
            ]
            if not stratum:
                continue
            k = quota(len(stratum), item["ratio"], weights.get(grade, "1"))
            if k < len(stratum):
                stratum = sorted(stratum, key=lambda pair: (hasher(pair[1]), pair[1]))[:k]
            for kind, enterprise in stratum:
                entry = chosen.setdefault(enterprise, (kind, grade, []))
                entry[2].append(item["code"])
    return chosen


def check_pools(inputs: dict[str, Any], chosen: dict[int, tuple[str, str, list[str]]]) -> None:
    """Refuse a draw that cannot succeed, with the reason, before any team is formed."""
    if not any(ids for grades in inputs["enterprises"].values() for ids in grades.values()):
        raise DrawFailed(
            "empty_pool", N_("The entity pool is empty: no enterprise matches the plan.")
        )
    if not chosen:
        raise DrawFailed(
            "nothing_drawn", N_("No enterprise of the pool falls under the plan's items.")
        )
    size, load = inputs["team_size"], inputs["max_load"]
    need: dict[str, int] = defaultdict(int)
    for kind, _grade, _items in chosen.values():
        need[inputs["qualification_for_kind"][kind]] += 1
    for qualification in sorted(need):
        holders = [i for i in inputs["inspectors"] if qualification in i[1]]
        leads = [i for i in holders if i[2]]
        if len(holders) < size:
            raise DrawFailed(
                "too_few_inspectors",
                N_(
                    "Too few inspectors qualified for %(q)s: %(n)s in the pool, a team needs %(size)s."
                ),
                q=qualification,
                n=len(holders),
                size=size,
            )
        if not leads:
            raise DrawFailed(
                "no_lead", N_("No inspector qualified for %(q)s may lead a team."), q=qualification
            )
        if need[qualification] * size > len(holders) * load:
            raise DrawFailed(
                "ratio_unmet",
                N_(
                    "The ratios cannot be met: %(count)s inspections needing %(q)s take %(slots)s "
                    "inspector places, but %(n)s qualified inspectors give at most %(capacity)s "
                    "(%(load)s each)."
                ),
                count=need[qualification],
                q=qualification,
                slots=need[qualification] * size,
                n=len(holders),
                capacity=len(holders) * load,
                load=load,
            )
        if need[qualification] > len(leads) * load:
            raise DrawFailed(
                "ratio_unmet",
                N_(
                    "The ratios cannot be met: %(count)s inspections needing %(q)s need as many "
                    "leads, but %(n)s lead-qualified inspectors give at most %(capacity)s."
                ),
                count=need[qualification],
                q=qualification,
                n=len(leads),
                capacity=len(leads) * load,
            )


class _Ring:
    def __init__(self, members: list[int]) -> None:
        self.members, self.cursor = members, 0

    def take(self, allowed) -> int | None:
        count = len(self.members)
        for step in range(count):
            index = (self.cursor + step) % count
            candidate = self.members[index]
            if allowed(candidate):
                self.cursor = (index + 1) % count
                return candidate
        return None


def form_teams(
    seed: str, inputs: dict[str, Any], chosen: dict[int, tuple[str, str, list[str]]]
) -> list[Pick]:
    """Step 2: a team for every drawn enterprise, or DrawFailed naming the first that has none."""
    size, load = inputs["team_size"], inputs["max_load"]
    conflicts: dict[int, set[int]] = defaultdict(set)
    for inspector, enterprise in inputs["conflicts"]:
        conflicts[enterprise].add(inspector)
    last = {enterprise: set(team) for enterprise, team in inputs["last_teams"]}
    rings: dict[str, tuple[_Ring, _Ring]] = {}
    for qualification in sorted(set(inputs["qualification_for_kind"].values())):
        hasher = _prefix_hasher(seed, "ring", qualification)
        holders = sorted(
            (i for i in inputs["inspectors"] if qualification in i[1]),
            key=lambda i: (hasher(i[0]), i[0]),
        )
        rings[qualification] = (
            _Ring([i[0] for i in holders if i[2]]),
            _Ring([i[0] for i in holders]),
        )
    loads: dict[int, int] = defaultdict(int)
    picks: list[Pick] = []
    for enterprise in sorted(chosen):
        kind, grade, items = chosen[enterprise]
        qualification = inputs["qualification_for_kind"][kind]
        lead_ring, ring = rings[qualification]
        barred = conflicts.get(enterprise, set()) | last.get(enterprise, set())
        team: list[int] = []

        def allowed(inspector: int, barred=barred, team=team) -> bool:
            return inspector not in barred and inspector not in team and loads[inspector] < load

        lead = lead_ring.take(allowed)
        if lead is None:
            raise DrawFailed(
                "no_team",
                N_(
                    "No lead-qualified inspector for %(q)s is free of conflicts with enterprise "
                    "%(enterprise)s."
                ),
                q=qualification,
                enterprise=enterprise,
            )
        team.append(lead)
        while len(team) < size:
            member = ring.take(allowed)
            if member is None:
                raise DrawFailed(
                    "no_team",
                    N_(
                        "Too few inspectors for %(q)s are free of conflicts with enterprise "
                        "%(enterprise)s to form a team of %(size)s."
                    ),
                    q=qualification,
                    enterprise=enterprise,
                    size=size,
                )
            team.append(member)
        for inspector in team:
            loads[inspector] += 1
        picks.append(Pick(enterprise, kind, grade, tuple(items), lead, tuple(team)))
    return picks


def run(seed: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """The draw: the same seed and inputs always give the same list (see the module text)."""
    if inputs.get("algorithm", VERSION) != VERSION:
        raise DrawFailed(
            "algorithm", N_("This draw used algorithm %(v)s, unknown here."), v=inputs["algorithm"]
        )
    chosen = choose_enterprises(seed, inputs)
    check_pools(inputs, chosen)
    return [pick.as_dict() for pick in form_teams(seed, inputs, chosen)]


def first_difference(recorded: list[dict[str, Any]], recomputed: list[dict[str, Any]]) -> str:
    """'' when equal; otherwise a sentence naming the first position that differs."""
    for position, (a, b) in enumerate(zip(recorded, recomputed, strict=False), start=1):
        if a != b:
            fields = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
            return (
                f"position {position}: recorded {json.dumps({k: a.get(k) for k in fields})}, "
                f"recomputed {json.dumps({k: b.get(k) for k in fields})}"
            )
    if len(recorded) != len(recomputed):
        return f"recorded {len(recorded)} enterprises, recomputed {len(recomputed)}"
    return ""
