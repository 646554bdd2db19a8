"""Reading, validating and hashing GS1 EPCIS 2.0 documents (JSON, JSON-LD and XML).

Pure Python: no models, no database, no views.
"""

from .cbv import CBV_BIZ_STEPS, CBV_DISPOSITIONS, normalise_cbv
from .hashing import event_hash, event_prehash
from .problems import DocumentInvalid, Problem
from .reader import DocumentHeader, EventStream, document_header, iter_events
from .validation import validate_document_envelope, validate_event

__all__ = [
    "CBV_BIZ_STEPS",
    "CBV_DISPOSITIONS",
    "DocumentHeader",
    "DocumentInvalid",
    "EventStream",
    "Problem",
    "document_header",
    "event_hash",
    "event_prehash",
    "iter_events",
    "normalise_cbv",
    "validate_document_envelope",
    "validate_event",
]
