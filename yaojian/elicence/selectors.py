"""Reads of the electronic-licence system: verification (by anyone), versions, keys.

Verification answers from the signed version and the registry's live status:

* altered   — the stored data do not match their hash, the signature fails, the key is unknown
              or compromised, the key did not sign at that date, or a QR code's claims differ
              from the version on record;
* superseded — authentic, but a newer version exists (the answer names it);
* revoked, cancelled, suspended, expired, valid — authentic and current: the registry's status
              and validity date, read at the moment of the check;
* unknown   — no electronic licence has this number (or the code names none).

Only what the paper licence shows is returned (see `paper.FIELDS`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.core.crypto import sm3
from yaojian.core.scoping import get_visible, restrict
from yaojian.elicence import paper, payload, signing
from yaojian.elicence.choices import InputKind, KeyStatus, Verdict
from yaojian.elicence.models import ElectronicLicence, SigningKey
from yaojian.registry.choices import LicenceStatus

TRACE_CODE = re.compile(r"\d{20}")
# (Bootstrap colour, Bootstrap icon) of each verdict on the pages
STYLES = {
    Verdict.VALID: ("success", "bi-patch-check-fill"),
    Verdict.EXPIRED: ("warning", "bi-hourglass-bottom"),
    Verdict.SUSPENDED: ("warning", "bi-pause-circle-fill"),
    Verdict.REVOKED: ("danger", "bi-x-octagon-fill"),
    Verdict.CANCELLED: ("secondary", "bi-slash-circle"),
    Verdict.SUPERSEDED: ("info", "bi-arrow-repeat"),
    Verdict.UNKNOWN: ("secondary", "bi-question-circle"),
    Verdict.ALTERED: ("danger", "bi-exclamation-octagon-fill"),
}


@dataclass
class Verification:
    """The answer to one verification, for the page, the API and the command alike."""

    verdict: str
    reason: str
    input_kind: str
    number: str = ""
    version: int | None = None
    current_version: int | None = None
    current_payload: str = ""
    fields: dict | None = None
    key_id: str = ""
    issued_at: dt.datetime | None = None
    signature_verified: bool = False
    checked_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def input_label(self) -> str:
        return str(InputKind(self.input_kind).label)

    @property
    def colour(self) -> str:
        return STYLES[self.verdict][0]

    @property
    def icon(self) -> str:
        return STYLES[self.verdict][1]

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """The paper licence's fields, labelled in the user's language."""
        return paper.rows(self.fields, chinese=False) if self.fields else []


@dataclass
class Check:
    """What the verification page made of the text it was given."""

    kind: str
    text: str
    result: Verification | None = None

    @property
    def kind_label(self) -> str:
        return str(InputKind(self.kind).label)


def normalise_number(text: str) -> str:
    """Full-width to half-width, no spaces (licence numbers are typed from paper)."""
    text = unicodedata.normalize("NFKC", text or "")
    # no whitespace, and no control characters (PostgreSQL refuses NUL in a query)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc")


def _versions() -> QuerySet[ElectronicLicence]:
    return ElectronicLicence.objects.select_related("licence", "key")


def verify_number(number: str) -> Verification:
    """Verify the current version of the licence with this number."""
    text = normalise_number(number)[:100]
    if not text:
        return Verification(
            Verdict.UNKNOWN,
            _("Give a licence number or the content of an electronic licence's QR code."),
            InputKind.NUMBER,
        )
    elicence = None
    for candidate in dict.fromkeys([text, text.upper()]):
        if candidate:
            elicence = _versions().filter(number=candidate, superseded_at__isnull=True).first()
            if elicence:
                break
    if elicence is None:
        return Verification(
            Verdict.UNKNOWN,
            _(
                "No electronic licence has this number. Check the number on the paper licence; "
                "a licence issued before electronic licences may have none yet: ask the "
                "issuing bureau or call 12315."
            ),
            InputKind.NUMBER,
            number=text,
        )
    return _judge(elicence, input_kind=InputKind.NUMBER)


def verify_payload(
    text: str, *, input_kind: str = InputKind.PAYLOAD, expected_number: str = ""
) -> Verification:
    """Verify a QR code's payload (or its link): its signature, then the version it names.

    With `expected_number`, an authentic code of another licence is an alteration too (a
    genuine QR code stuck on the wrong licence)."""
    found = payload.extract(text)
    if found is None:
        return Verification(
            Verdict.UNKNOWN,
            _("This is not the code or the link of an electronic licence's QR code."),
            input_kind,
        )
    try:
        claims = payload.decode(found)
    except payload.PayloadError:
        return _altered(
            _("The QR code is damaged or was altered: its content is not in the signed form."),
            input_kind,
        )
    key = SigningKey.objects.filter(key_id=claims.key_id).first()
    problem = _key_problem(key, claims.key_id)
    if problem:
        return _altered(problem, input_kind, number=claims.number, version=claims.version)
    if not signing.verify(key.public_key, claims.signed_bytes, claims.signature):
        return _altered(
            _("The QR code's signature does not match its content: it was altered or forged."),
            input_kind,
            number=claims.number,
            version=claims.version,
        )
    expected = normalise_number(expected_number)
    if expected and expected.upper() != claims.number.upper():
        return _altered(
            _("This QR code belongs to licence %(other)s, not to %(number)s.")
            % {"other": claims.number, "number": expected},
            input_kind,
            number=claims.number,
            version=claims.version,
        )
    elicence = _versions().filter(number=claims.number, version=claims.version).first()
    if elicence is None:
        return Verification(
            Verdict.UNKNOWN,
            _(
                "The QR code is signed, but no electronic licence on record matches it. "
                "Report it to the issuing bureau or call 12315."
            ),
            input_kind,
            number=claims.number,
            version=claims.version,
        )
    return _judge(elicence, input_kind=input_kind, claims=claims)


def verify_input(text: str) -> Check:
    """The verification page's box: a licence number, a QR payload or link, or a trace code."""
    text = (text or "").strip()[:2000]
    if not text:
        return Check(InputKind.EMPTY, text)
    if payload.looks_like_payload(text):
        return Check(InputKind.PAYLOAD, text, verify_payload(text))
    if re.match(r"https?://", text, re.IGNORECASE):
        return Check(InputKind.URL, text, verify_payload(text, input_kind=InputKind.URL))
    if TRACE_CODE.fullmatch(normalise_number(text)):
        return Check(InputKind.TRACE_CODE, text)
    return Check(InputKind.NUMBER, text, verify_number(text))


def _altered(reason: str, input_kind: str, **known: Any) -> Verification:
    return Verification(Verdict.ALTERED, reason, input_kind, **known)


def _key_problem(key: SigningKey | None, key_id: str) -> str:
    if key is None:
        return _("It was signed with a key the platform does not know (%(key)s): forged.") % {
            "key": key_id
        }
    if key.status == KeyStatus.COMPROMISED:
        return _(
            "Its signing key %(key)s was reported compromised on %(date)s, so its signatures "
            "are no longer trusted. Ask the issuing bureau for a reissued licence."
        ) % {"key": key.key_id, "date": timezone.localtime(key.compromised_at).date().isoformat()}
    return ""


def _claims_match(claims: payload.Claims, elicence: ElectronicLicence) -> bool:
    data = elicence.data
    return (
        claims.number == elicence.number
        and claims.version == elicence.version
        and claims.credit_code == data.get("credit_code")
        and (claims.valid_until.isoformat() if claims.valid_until else "")
        == (data.get("valid_until") or "")
        and claims.key_id == elicence.key_id
        and claims.hash_prefix == elicence.data_hash[: payload.HASH_PREFIX_LENGTH]
    )


def live_status(licence: Any, today: dt.date | None = None) -> str:
    """The registry's status now: revoked, cancelled, suspended, expired or valid."""
    today = today or timezone.localdate()
    if licence.status in (
        LicenceStatus.REVOKED,
        LicenceStatus.CANCELLED,
        LicenceStatus.SUSPENDED,
    ):
        return str(licence.status)
    if licence.status == LicenceStatus.EXPIRED or (
        licence.valid_until and licence.valid_until < today
    ):
        return Verdict.EXPIRED
    return Verdict.VALID


def _judge(
    elicence: ElectronicLicence, *, input_kind: str, claims: payload.Claims | None = None
) -> Verification:
    known = {"number": elicence.number, "version": elicence.version}
    data = elicence.data if isinstance(elicence.data, dict) else {}
    canonical = signing.canonical_json(elicence.data)
    if sm3(canonical) != elicence.data_hash or (
        data.get("number") != elicence.number or data.get("version") != elicence.version
    ):
        return _altered(
            _("The licence's data on record do not match their signed hash: they were altered."),
            input_kind,
            **known,
        )
    key = elicence.key
    problem = _key_problem(key, elicence.key_id)
    if problem:
        return _altered(problem, input_kind, **known)
    if not key.signed_within_validity(elicence.issued_at):
        return _altered(
            _("It is dated outside the period in which key %(key)s signed licences.")
            % {"key": key.key_id},
            input_kind,
            **known,
        )
    if not signing.verify(key.public_key, canonical, elicence.signature):
        return _altered(
            _("The signature does not match the licence's data: they were altered."),
            input_kind,
            **known,
        )
    if claims is not None and not _claims_match(claims, elicence):
        return _altered(_("The QR code does not match the licence on record."), input_kind, **known)
    answer = Verification(
        Verdict.VALID,
        "",
        input_kind,
        fields=paper.public_fields(data),
        key_id=elicence.key_id,
        issued_at=elicence.issued_at,
        signature_verified=True,
        current_version=elicence.version,
        **known,
    )
    if elicence.superseded_at is not None:
        current = (
            ElectronicLicence.objects.filter(number=elicence.number, superseded_at__isnull=True)
            .values_list("version", "payload")
            .first()
        )
        answer.verdict = Verdict.SUPERSEDED
        answer.current_version, answer.current_payload = current or (None, "")
        answer.reason = _(
            "Authentic, but version %(version)s was replaced on %(date)s by version "
            "%(current)s: check the current version."
        ) % {
            "version": elicence.version,
            "date": timezone.localtime(elicence.superseded_at).date().isoformat(),
            "current": answer.current_version or "?",
        }
        return answer
    answer.current_payload = elicence.payload
    answer.verdict = live_status(elicence.licence)
    answer.reason = {
        Verdict.VALID: _("Authentic and valid: signed by the issuing bureau and in force."),
        Verdict.EXPIRED: _("Authentic, but the licence expired on %(date)s.")
        % {"date": elicence.licence.valid_until or data.get("valid_until") or "?"},
        Verdict.SUSPENDED: _("Authentic, but the licence is suspended by the bureau."),
        Verdict.REVOKED: _("Authentic, but the licence has been revoked by the bureau."),
        Verdict.CANCELLED: _("Authentic, but the licence has been cancelled."),
    }[answer.verdict]
    return answer


# --- versions, for regulators and the holder -------------------------------------------------


def elicences_for(user: Any) -> QuerySet[ElectronicLicence]:
    return restrict(ElectronicLicence.objects.select_related("licence", "key"), user)


def elicence_get(user: Any, elicence_id: Any) -> ElectronicLicence:
    return get_visible(
        ElectronicLicence.objects.select_related("licence", "licence__holder", "key"),
        user,
        pk=elicence_id,
    )


def versions_of(user: Any, licence: Any) -> QuerySet[ElectronicLicence]:
    """Every e-licence version of a licence the user may see, newest first."""
    return elicences_for(user).filter(licence_id=licence.pk).order_by("-version")


def mine(user: Any) -> QuerySet[ElectronicLicence]:
    """An enterprise account's e-licences, current and superseded."""
    if not getattr(user, "is_enterprise_user", False):
        return ElectronicLicence.objects.none()
    return elicences_for(user).order_by("licence__kind", "number", "-version")


# --- the published keys ----------------------------------------------------------------------


def published_keys() -> dict:
    """The public-key file: every key with its validity and status, for offline checks."""
    keys = SigningKey.objects.select_related("bureau").order_by("bureau__region_code", "valid_from")
    return {
        "format": payload.KEY_FILE_FORMAT,
        "algorithm": signing.ALGORITHM,
        "user_id": "1234567812345678",
        "published_at": timezone.now().isoformat(timespec="seconds"),
        "keys": [
            {
                "key_id": key.key_id,
                "algorithm": key.algorithm,
                "public_key": key.public_key,
                "bureau_code": key.bureau.region_code,
                "bureau": key.bureau.name,
                "status": key.status,
                "valid_from": key.valid_from.isoformat(timespec="seconds"),
                "valid_until": key.valid_until.isoformat(timespec="seconds")
                if key.valid_until
                else None,
                "compromised_at": key.compromised_at.isoformat(timespec="seconds")
                if key.compromised_at
                else None,
            }
            for key in keys
        ],
    }
