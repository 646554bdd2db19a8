"""Public verification of a pack: one answer, explained in plain words, kept with where and when.

Modelled on the EU verification system's alert reasons. The answer shows the product's public
facts and the cities the pack passed through, never private business details (who holds it,
quantities, trading partners).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import ratelimit, regions
from yaojian.core.errors import DomainError
from yaojian.trace import codes as code_parser
from yaojian.trace.choices import CodeStatus, RecallStatus, VerificationResult
from yaojian.trace.models import Anomaly, Batch, CodeRule, CodeState, Verification
from yaojian.trace.services import verification_log

R = VerificationResult
SUSPECT_RULES = (
    "duplicate_commissioning",
    "impossible_travel",
    "dispensed_twice",
    "distant_verifications",
)
# Two public checks of one code this far apart in time and in different cities are suspect.
DISTANT_WINDOW = dt.timedelta(hours=24)

EXPLANATIONS = {
    R.AUTHENTIC: _(
        "This code was issued for this product and the pack has not been sold, recalled or "
        "destroyed. Check that the name, strength and batch on the pack match."
    ),
    R.UNKNOWN_CODE: _(
        "No pack with this code was ever reported. Check that you typed it correctly; if you "
        "scanned it, the pack may be counterfeit: do not use it and report it."
    ),
    R.UNKNOWN_BATCH: _(
        "The product is known, but it has no batch with this number. The pack may be "
        "counterfeit: do not use it and report it."
    ),
    R.BATCH_MISMATCH: _(
        "The code exists, but it belongs to a different batch from the one on this pack. The "
        "code may have been copied: do not use the pack and report it."
    ),
    R.EXPIRY_MISMATCH: _(
        "The code exists, but its expiry date differs from the one on this pack. The code may "
        "have been copied: do not use the pack and report it."
    ),
    R.DISPENSED: _(
        "This pack was already sold or dispensed. If you have just bought it, the code may "
        "have been copied or the medicine resold: ask the seller and report it."
    ),
    R.RECALLED: _(
        "This pack belongs to a batch that has been recalled. Do not use it: return it to "
        "where you got it."
    ),
    R.EXPIRED: _("This pack is past its expiry date. Do not use it."),
    R.DESTROYED: _(
        "This pack was reported destroyed or taken out of circulation. It should not be on "
        "sale: do not use it and report it."
    ),
    R.SUSPECT: _(
        "This code has been seen in circumstances that suggest it was copied (for example in "
        "two places at once). Do not use the pack; report it to the hotline 12315."
    ),
}


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    title = _("Too many verifications")


def client_key(ip: str) -> str:
    """A client is kept as a salted hash of its address, never the address itself."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]


def _rate_limit(client: str) -> None:
    limit = int(getattr(settings, "YAOJIAN_VERIFY_PER_MINUTE", 60))
    if not ratelimit.allow("trace-verify", client, limit=limit, seconds=60):
        raise RateLimited(
            _("Too many verifications from this address: wait a minute and try again.")
        )


def _cities(path: list[str]) -> list[str]:
    """The cities a pack passed through, in order, each once."""
    cities: list[str] = []
    for code in path or []:
        city = f"{code[:4]}00"
        name = regions.name(city) or regions.name(code)
        if name and (not cities or cities[-1] != name):
            cities.append(name)
    return cities


def verify(
    code_text: str,
    *,
    ip: str = "",
    region_code: str = "",
    batch_no: str = "",
    expiry: dt.date | None = None,
    record: bool = True,
) -> dict[str, Any]:
    """The answer for one code as the public entered or scanned it."""
    client = client_key(ip)
    if record:
        _rate_limit(client)
    text = (code_text or "").strip()[:200]
    answer: dict[str, Any] = {"code": text, "product": {}, "cities": [], "reason": ""}
    try:
        parsed = code_parser.parse_code(text)
    except code_parser.CodeError as error:
        answer.update(result=R.UNKNOWN_CODE, reason=str(error.message))
        return _finish(answer, "", client, region_code, record)
    found = _lookup(parsed.canonical)
    printed_batch = batch_no.strip() or parsed.batch
    printed_expiry = expiry or parsed.expiry
    if found is None and parsed.scheme == "tcm":
        # A decoction piece's code names its batch, not a pack: the registered batch answers.
        batch = (
            Batch.objects.filter(product_key=parsed.product_key, batch_no=parsed.batch)
            .select_related("product__holder", "product__manufacturer")
            .first()
        )
        if batch is not None:
            answer["result"] = _judge_batch(batch)
            answer["product"] = _facts_of_batch(batch)
            return _finish(answer, parsed.canonical, client, region_code, record)
    if found is None:
        rule = (
            CodeRule.objects.filter(product_key=parsed.product_key)
            .select_related("product__holder", "product__manufacturer")
            .first()
            if parsed.product_key
            else None
        )
        batch = None
        result = R.UNKNOWN_CODE
        if rule is not None and printed_batch:
            batch = Batch.objects.filter(
                product_key=parsed.product_key, batch_no=printed_batch
            ).first()
            result = R.UNKNOWN_BATCH if batch is None else R.UNKNOWN_CODE
        answer["product"] = _facts_of_rule(rule, batch)
    else:
        result = _judge(found, printed_batch, printed_expiry)
        answer["cities"] = _cities(found.path)
        answer["product"] = found.facts
    answer["result"] = result
    return _finish(answer, parsed.canonical, client, region_code, record)


@dataclass
class Found:
    """What the answer needs of a known code, read in one query (the hot path: a province's
    public scans all day, so no ORM objects are built for it)."""

    status: str
    batch_no: str
    expiry_date: dt.date | None
    path: list[str]
    recalled: bool
    suspect: bool
    facts: dict[str, Any]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=1)
def _lookup_sql() -> str:
    from yaojian.registry.models import Enterprise, Product
    from yaojian.trace.models import Recall

    state, batch, rule = CodeState._meta.db_table, Batch._meta.db_table, CodeRule._meta.db_table
    product, enterprise = Product._meta.db_table, Enterprise._meta.db_table
    recall, recall_batches = Recall._meta.db_table, Recall.batches.through._meta.db_table
    # The code is the only parameter. The recall status and the anomaly rules are constants
    # of this module, written as literals (checked to be plain words) so that PostgreSQL
    # settles on one generic plan for the prepared statement instead of planning each time.
    words = [RecallStatus.CANCELLED, *SUSPECT_RULES]
    assert all(re.fullmatch(r"[a-z_]+", str(w)) for w in words), words
    cancelled = f"'{RecallStatus.CANCELLED}'"
    suspects = ", ".join(f"'{rule}'" for rule in SUSPECT_RULES)
    # Only table names from the models' metadata and the words above are interpolated.
    return f"""
        SELECT s.status, s.batch_no, s.expiry_date, s.path,
               b.herb_origin, b.harvest_date, b.processing, b.inspection_report,
               p.name, p.brand_name, p.strength, p.dosage_form, p.package_spec,
               p.approval_number, p.holder_name, p.manufacturer_name, p.kind,
               r.package_spec, h.name, m.name, p.id,
               EXISTS (SELECT 1 FROM {recall_batches} rb JOIN {recall} rc ON rc.id = rb.recall_id
                       WHERE rb.batch_id = s.batch_id AND rc.status <> {cancelled}),
               EXISTS (SELECT 1 FROM {Anomaly._meta.db_table} a
                       WHERE a.code = s.code AND a.rule IN ({suspects}))
        FROM {state} s
        LEFT JOIN {batch} b ON b.id = s.batch_id
        LEFT JOIN {rule} r ON r.product_key = s.product_key
        LEFT JOIN {product} p ON p.id = COALESCE(b.product_id, r.product_id)
        LEFT JOIN {enterprise} h ON h.id = p.holder_id
        LEFT JOIN {enterprise} m ON m.id = p.manufacturer_id
        WHERE s.code = %s
    """  # noqa: S608


# Raw PostgreSQL connections on which the lookup is prepared (a new connection prepares again).
_PREPARED: weakref.WeakSet = weakref.WeakSet()
_STATEMENT = "yaojian_trace_verify_lookup"


def _fetch_lookup(code: str) -> tuple | None:
    """The lookup's row for one canonical code.

    On PostgreSQL the statement is prepared once per connection (connections are kept between
    requests): Django binds parameters on the client and turns psycopg's own statement
    preparation off, so each code made a new query text that the server planned again, and
    planning this six-table join took five times as long as running it."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_lookup_sql(), [code])
            return cursor.fetchone()
    with connection.cursor() as cursor:
        # read after the cursor: taking it may have replaced a connection that failed its
        # health check by a new one, on which nothing is prepared yet
        raw = connection.connection
        if raw not in _PREPARED:
            # no parameters given: the text goes as it is, $1 included
            cursor.execute(f"PREPARE {_STATEMENT} (text) AS {_lookup_sql().replace('%s', '$1')}")
            _PREPARED.add(raw)
        cursor.execute(f"EXECUTE {_STATEMENT} (%s)", [code])
        return cursor.fetchone()


def _lookup(code: str) -> Found | None:
    row = _fetch_lookup(code)
    if row is None:
        return None
    (status, batch_no, expiry, path, origin, harvest, processing, report, name, brand, strength,
     form, package, approval, holder_name, maker_name, kind, rule_package, holder, maker,
     product_id, recalled, suspect) = row  # fmt: skip
    if isinstance(path, str):
        path = json.loads(path)
    expiry = _date(expiry)
    facts: dict[str, Any] = {}
    if product_id is not None:
        facts = {
            "name": name,
            "brand_name": brand,
            "strength": strength,
            "dosage_form": form,
            "package_spec": rule_package or package,
            "approval_number": approval or "",
            "holder": holder or holder_name,
            "manufacturer": maker_name or maker or "",
            "kind": kind,
        }
    facts["batch_no"] = batch_no
    facts["expiry_date"] = expiry.isoformat() if expiry else None
    if origin or harvest:
        harvest = _date(harvest)
        facts["origin"] = {
            "herb_origin": origin or "",
            "harvest_date": harvest.isoformat() if harvest else None,
            "processing": processing or "",
            "inspection_report": report or "",
        }
    return Found(status, batch_no, expiry, path or [], bool(recalled), bool(suspect), facts)


def _facts_of_rule(rule: CodeRule | None, batch: Batch | None) -> dict:
    """The public facts of a product known by its filed identifier (the code itself is not)."""
    product = rule.product if rule else None
    if product is None:
        return {}
    return {
        "name": product.name,
        "brand_name": product.brand_name,
        "strength": product.strength,
        "dosage_form": product.dosage_form,
        "package_spec": rule.package_spec or product.package_spec,
        "approval_number": product.approval_number or "",
        "holder": product.holder_display,
        "manufacturer": product.manufacturer_display,
        "kind": product.kind,
    }


def _judge_batch(batch: Batch) -> str:
    if batch.recalls.exclude(status=RecallStatus.CANCELLED).exists():
        return R.RECALLED
    if batch.expiry_date and batch.expiry_date < timezone.localdate():
        return R.EXPIRED
    return R.AUTHENTIC


def _facts_of_batch(batch: Batch) -> dict:
    product = batch.product
    facts: dict[str, Any] = {
        "name": product.name,
        "brand_name": product.brand_name,
        "strength": product.strength,
        "dosage_form": product.dosage_form,
        "package_spec": product.package_spec,
        "approval_number": product.approval_number or "",
        "holder": product.holder_display,
        "manufacturer": product.manufacturer_display,
        "kind": product.kind,
        "batch_no": batch.batch_no,
        "expiry_date": batch.expiry_date.isoformat() if batch.expiry_date else None,
    }
    if batch.herb_origin or batch.harvest_date:
        facts["origin"] = {
            "herb_origin": batch.herb_origin,
            "harvest_date": batch.harvest_date.isoformat() if batch.harvest_date else None,
            "processing": batch.processing,
            "inspection_report": batch.inspection_report,
        }
    return facts


def _judge(found: Found, printed_batch: str, printed_expiry: dt.date | None) -> str:
    if printed_batch and found.batch_no and printed_batch != found.batch_no:
        return R.BATCH_MISMATCH
    if printed_expiry and found.expiry_date and printed_expiry != found.expiry_date:
        return R.EXPIRY_MISMATCH
    if found.status == CodeStatus.RECALLED or found.recalled:
        return R.RECALLED
    if found.status in (CodeStatus.DESTROYED, CodeStatus.DECOMMISSIONED):
        return R.DESTROYED
    if found.suspect:
        return R.SUSPECT
    if found.status == CodeStatus.DISPENSED:
        return R.DISPENSED
    if found.status == CodeStatus.EXPIRED or (
        found.expiry_date and found.expiry_date < timezone.localdate()
    ):
        return R.EXPIRED
    return R.AUTHENTIC


def _finish(answer: dict, code: str, client: str, region_code: str, record: bool) -> dict:
    result = answer["result"]
    answer["result_label"] = str(VerificationResult(result).label)
    answer["explanation"] = str(EXPLANATIONS[result])
    if record:
        row = verification_log.LogRow(
            answer["code"], code, result, client, region_code[:6], timezone.now()
        )
        if code and region_code:
            verification_log.write_now(row)  # the distant-verification rule reads it at once
            _distant(code, region_code)
        else:
            verification_log.record(row)
    return answer


def _distant(code: str, region_code: str) -> None:
    """Raise an anomaly when the same code is checked in another city within a day."""
    since = timezone.now() - DISTANT_WINDOW
    other = (
        Verification.objects.filter(code=code, at__gte=since)
        .exclude(region_code="")
        .exclude(region_code__startswith=region_code[:4])
        .values_list("region_code", flat=True)
        .first()
    )
    if other and not Anomaly.objects.filter(rule="distant_verifications", code=code).exists():
        state = CodeState.objects.filter(code=code).first()
        anomaly = Anomaly.objects.create(
            rule="distant_verifications",
            code=code,
            enterprise_id=state.holder_id if state else None,
            region_code=(state.region_code if state and state.region_code else region_code)[:6],
            evidence={"regions": [other, region_code]},
        )
        from yaojian.trace.services import alerts

        alerts.publish([anomaly])
