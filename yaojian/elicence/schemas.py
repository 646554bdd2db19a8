from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import NOT_ONLY_NUL


class PublishedKey(Schema):
    key_id: str = Field(description="bureau division code and sequence, e.g. 360000-01")
    algorithm: str = Field(description="SM2-with-SM3 (GB/T 32918, user ID 1234567812345678)")
    public_key: str = Field(description="128 hex digits: x‖y of the SM2 public key")
    bureau_code: str
    bureau: str
    status: str = Field(description="active, retired (still verifies) or compromised (does not)")
    valid_from: str = Field(description="signs from (ISO 8601)")
    valid_until: str | None = Field(description="signs until (ISO 8601); null while active")
    compromised_at: str | None


class KeySet(Schema):
    format: str = Field(description="yaojian-elicence-keys/1")
    algorithm: str
    user_id: str
    published_at: str
    keys: list[PublishedKey]


PAYLOAD_MAX = 2000


# Models are named for their app: the OpenAPI document keys them by class name, and another
# app's VerifyParams or VerificationOut would silently take this one's place there.
class LicenceVerifyParams(Schema):
    number: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=NOT_ONLY_NUL,
        description="a licence number, as printed",
    )
    payload: str | None = Field(
        None,
        min_length=1,
        max_length=PAYLOAD_MAX,
        pattern=NOT_ONLY_NUL,
        description="a QR code's content: the bare YJL1.… payload or the link that carries it. "
        "Given with `number`, the code must also belong to that licence.",
    )


class PaperLicence(Schema):
    """What the paper licence shows, and nothing else."""

    title: str
    kind: str
    number: str
    version: int
    holder: str
    credit_code: str
    legal_representative: str
    principal: str
    quality_manager: str
    registered_address: str
    warehouse_address: str
    mode: str = ""
    scope: str
    valid_from: str
    valid_until: str
    issuer: str
    issuer_code: str
    issue_date: str


class LicenceVerificationOut(Schema):
    verdict: str = Field(
        description="valid, expired, suspended, revoked, cancelled, superseded, unknown or altered"
    )
    verdict_label: str
    reason: str
    input_kind: str = Field(description="number, payload or url")
    number: str
    version: int | None
    current_version: int | None = Field(description="the newest version of this licence number")
    current_payload: str = Field(description="the current version's QR payload, to verify it")
    signature_verified: bool
    key_id: str
    issued_at: dt.datetime | None
    checked_at: dt.datetime
    licence: PaperLicence | None = Field(
        description="the licence's fields; null when unknown or altered"
    )

    @staticmethod
    def resolve_licence(obj):
        return obj.fields


class VersionOut(Schema):
    id: int
    number: str
    version: int
    issued_at: dt.datetime
    superseded_at: dt.datetime | None
    reason: str
    key_id: str
    data_hash: str
    payload: str
    licence: PaperLicence

    @staticmethod
    def resolve_licence(obj):
        return obj.data
