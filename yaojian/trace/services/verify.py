"""Public verification of a pack: one answer, explained in plain words, kept with where and when.

Modelled on the EU verification system's alert reasons. The answer shows the product's public
facts and the cities the pack passed through, never private business details (who holds it,
quantities, trading partners).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.core.errors import DomainError
from yaojian.trace import codes as code_parser
from yaojian.trace.choices import CodeStatus, RecallStatus, VerificationResult
from yaojian.trace.models import Anomaly, Batch, CodeRule, CodeState, Verification

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
    bucket = f"trace-verify:{client}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(bucket, 1, timeout=70):
        return
    try:
        count = cache.incr(bucket)
    except ValueError:
        cache.set(bucket, 1, timeout=70)
        return
    if count > limit:
        raise RateLimited(
            _("Too many verifications from this address: wait a minute and try again.")
        )


def _public_facts(state: CodeState | None, rule: CodeRule | None, batch: Batch | None) -> dict:
    product = (batch.product if batch else None) or (rule.product if rule else None)
    facts: dict[str, Any] = {}
    if product is not None:
        facts.update(
            {
                "name": product.name,
                "brand_name": product.brand_name,
                "strength": product.strength,
                "dosage_form": product.dosage_form,
                "package_spec": (
                    rule.package_spec if rule and rule.package_spec else product.package_spec
                ),
                "approval_number": product.approval_number or "",
                "holder": product.holder_display
                if hasattr(product, "holder_display")
                else product.holder_name,
                "manufacturer": product.manufacturer_name
                or (product.manufacturer.name if product.manufacturer_id else ""),
                "kind": product.kind,
            }
        )
    if state is not None:
        facts["batch_no"] = state.batch_no
        facts["expiry_date"] = state.expiry_date.isoformat() if state.expiry_date else None
    if batch is not None and (batch.herb_origin or batch.harvest_date):
        facts["origin"] = {
            "herb_origin": batch.herb_origin,
            "harvest_date": batch.harvest_date.isoformat() if batch.harvest_date else None,
            "processing": batch.processing,
            "inspection_report": batch.inspection_report,
        }
    return facts


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
    state = CodeState.objects.filter(code=parsed.canonical).select_related("batch__product").first()
    rule = (
        CodeRule.objects.filter(product_key=parsed.product_key).select_related("product").first()
        if parsed.product_key
        else None
    )
    printed_batch = batch_no.strip() or parsed.batch
    printed_expiry = expiry or parsed.expiry
    batch = state.batch if state else None
    if state is None:
        if rule is not None and printed_batch:
            batch = Batch.objects.filter(
                product_key=parsed.product_key, batch_no=printed_batch
            ).first()
            result = R.UNKNOWN_BATCH if batch is None else R.UNKNOWN_CODE
        else:
            result = R.UNKNOWN_CODE
    else:
        result = _judge(state, printed_batch, printed_expiry)
        answer["cities"] = _cities(state.path)
    answer["product"] = _public_facts(state, rule, batch)
    answer["result"] = result
    return _finish(answer, parsed.canonical, client, region_code, record)


def _judge(state: CodeState, printed_batch: str, printed_expiry: dt.date | None) -> str:
    if printed_batch and state.batch_no and printed_batch != state.batch_no:
        return R.BATCH_MISMATCH
    if printed_expiry and state.expiry_date and printed_expiry != state.expiry_date:
        return R.EXPIRY_MISMATCH
    if state.status == CodeStatus.RECALLED or (
        state.batch_id and state.batch.recalls.exclude(status=RecallStatus.CANCELLED).exists()
    ):
        return R.RECALLED
    if state.status in (CodeStatus.DESTROYED, CodeStatus.DECOMMISSIONED):
        return R.DESTROYED
    if Anomaly.objects.filter(code=state.code, rule__in=SUSPECT_RULES).exists():
        return R.SUSPECT
    if state.status == CodeStatus.DISPENSED:
        return R.DISPENSED
    if state.status == CodeStatus.EXPIRED or (
        state.expiry_date and state.expiry_date < timezone.localdate()
    ):
        return R.EXPIRED
    return R.AUTHENTIC


def _finish(answer: dict, code: str, client: str, region_code: str, record: bool) -> dict:
    result = answer["result"]
    answer["result_label"] = str(VerificationResult(result).label)
    answer["explanation"] = str(EXPLANATIONS[result])
    if record:
        Verification.objects.create(
            code_text=answer["code"],
            code=code,
            result=result,
            client=client,
            region_code=region_code[:6],
        )
        if code and region_code:
            _distant(code, region_code)
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
