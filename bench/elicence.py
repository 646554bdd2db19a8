"""Electronic-licence benchmarks (issue 4): verification and the PDF.

Targets: verification of a number or a QR payload, database and signature check included,
under 20 ms at the 95th percentile; one e-licence issued with its PDF in under 1 s.

Verification is measured twice over the same sample of licences: cold (the first check of
each, after the in-process cache of verified signatures was emptied: gmssl's pure-Python SM2
verification is the bulk of it) and warm (each checked again: signed versions are immutable,
so a signature verified once is remembered, keyed by the public key, the SM3 digest of the
signed bytes and the signature). The baseline is a primary-key fetch of the registry's
licence, measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.test import Client

from bench.registry import percentile
from yaojian.elicence import selectors, services, signing
from yaojian.elicence.models import ElectronicLicence
from yaojian.registry.models import Licence

TARGET_VERIFY = 0.020  # seconds, p95
TARGET_ISSUE = 1.0  # seconds
SAMPLE = 200


def _samples(function: Callable[[object], object], items: list) -> list[float]:
    timings = []
    for item in items:
        started = time.perf_counter()
        function(item)
        timings.append(time.perf_counter() - started)
    return timings


def _row(label: str, samples: list[float], baseline: float | None = None, target=None) -> None:
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    ratio = f"  ×{p95 / baseline:7.1f} of baseline" if baseline else ""
    verdict = ""
    if target is not None:
        verdict = "  ok" if p95 < target else f"  OVER {target * 1000:.0f} ms"
    print(f"  {label:<52} p50 {p50 * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms{ratio}{verdict}")


def _issued(count: int = SAMPLE) -> list[ElectronicLicence]:
    """Current e-licences of `count` licences, issuing the missing ones (without PDFs)."""
    current = list(
        ElectronicLicence.objects.filter(superseded_at__isnull=True)
        .select_related("licence")
        .order_by("pk")[:count]
    )
    if len(current) < count:
        missing = Licence.objects.filter(
            status="valid", issuing_bureau__isnull=False, electronic_versions__isnull=True
        ).order_by("pk")[: count - len(current)]
        started = time.perf_counter()
        made = [
            services.issue(actor=services.SYSTEM, licence=licence, reason="bench")
            for licence in missing
        ]
        elapsed = time.perf_counter() - started
        print(
            f"  (issued {len(made)} e-licences for the sample in {elapsed:.1f} s, "
            f"{elapsed / max(len(made), 1) * 1000:.0f} ms each: two SM2 signatures, no PDF)"
        )
        current += made
    return current


def _baseline(versions: list[ElectronicLicence]) -> float:
    ids = [version.licence_id for version in versions]
    samples = _samples(lambda pk: Licence.objects.get(pk=pk), ids)
    _row("Licence.objects.get(pk=…) (baseline)", samples)
    return percentile(samples, 0.95)


def verify_numbers() -> None:
    """selectors.verify_number(number): cold (empty cache), then warm; and GET /api/…?number=."""
    versions = _issued()
    numbers = [version.number for version in versions]
    print(f"  {len(numbers)} licence numbers")
    baseline = _baseline(versions)
    signing.verified.clear()
    _row(
        "verify by number, cold (SM2 verify each)",
        _samples(selectors.verify_number, numbers),
        baseline,
        TARGET_VERIFY,
    )
    _row(
        "verify by number, warm (verified signature cached)",
        _samples(selectors.verify_number, numbers),
        baseline,
        TARGET_VERIFY,
    )
    client = Client(HTTP_HOST="127.0.0.1")
    _row(
        "GET /api/v1/elicence/verify?number=… (warm)",
        _samples(lambda n: client.get("/api/v1/elicence/verify", {"number": n}), numbers),
        baseline,
    )
    results = {selectors.verify_number(n).verdict for n in numbers}
    print(f"  verdicts seen: {', '.join(sorted(results))}")


def verify_payloads() -> None:
    """selectors.verify_payload(payload): two signatures (the QR code's and the record's)."""
    versions = _issued()
    payloads = [version.payload for version in versions]
    print(
        f"  {len(payloads)} QR payloads, {min(map(len, payloads))}–{max(map(len, payloads))} "
        "characters"
    )
    baseline = _baseline(versions)
    signing.verified.clear()
    _row(
        "verify by QR payload, cold (2 SM2 verifications)",
        _samples(selectors.verify_payload, payloads),
        baseline,
        TARGET_VERIFY,
    )
    _row(
        "verify by QR payload, warm",
        _samples(selectors.verify_payload, payloads),
        baseline,
        TARGET_VERIFY,
    )
    client = Client(HTTP_HOST="127.0.0.1")
    _row(
        "GET /elicence/v/<payload> page (warm)",
        _samples(lambda p: client.get(f"/elicence/v/{p}"), payloads),
        baseline,
    )
    key = signing.public_key(versions[0].key.public_key)
    message = signing.canonical_json(versions[0].data)
    raw = _samples(lambda _i: key.verify(message, versions[0].signature), range(20))
    _row("one SM2 verification alone (gmssl, no cache)", raw)


def issue_pdf() -> None:
    """services.issue() then ensure_pdf(): the signed version and its stored PDF."""
    licences = list(
        Licence.objects.filter(status="valid", issuing_bureau__isnull=False).order_by("-pk")[:6]
    )
    timings, pdf_only = [], []
    for licence in licences:
        started = time.perf_counter()
        elicence = services.issue(actor=services.SYSTEM, licence=licence, reason="bench")
        rendered = time.perf_counter()
        services.ensure_pdf(elicence)
        done = time.perf_counter()
        timings.append(done - started)
        pdf_only.append(done - rendered)
    first, rest = timings[0], timings[1:]
    print(f"  first issue in this process (fonts loaded): {first * 1000:8.1f} ms")
    print(
        f"  issue + PDF, next {len(rest)}: median {statistics.median(rest) * 1000:8.1f} ms, "
        f"max {max(rest) * 1000:8.1f} ms"
        f"{'  ok' if max(rest) < TARGET_ISSUE else '  OVER 1 s'}"
    )
    print(
        f"  of which the PDF (WeasyPrint): median {statistics.median(pdf_only[1:]) * 1000:8.1f} ms"
    )


BENCHMARKS = {
    "elicence.verify_numbers": verify_numbers,
    "elicence.verify_payloads": verify_payloads,
    "elicence.issue_pdf": issue_pdf,
}
