"""The GS1 Core Business Vocabulary (CBV 2.0) standard vocabularies and their spellings.

A CBV value can be written as a bare word (``shipping``, JSON/JSON-LD only), as a CURIE
(``cbv:BizStep-shipping``), as a Web URI (``https://ref.gs1.org/cbv/BizStep-shipping``) or as
an EPCIS 1.x URN (``urn:epcglobal:cbv:bizstep:shipping``).
"""

from __future__ import annotations

CBV_WEB = "https://ref.gs1.org/cbv/"
GS1_VOC = "https://gs1.org/voc/"

CBV_BIZ_STEPS: frozenset[str] = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ]
)

CBV_DISPOSITIONS: frozenset[str] = frozenset(
    [
        "active",
        "available",
        "completeness_inferred",
        "completeness_verified",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_class",
        "mismatch_instance",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ]
)

CBV_BIZ_TRANSACTION_TYPES: frozenset[str] = frozenset(
    [
        "bol",
        "cert",
        "desadv",
        "inv",
        "pedigree",
        "po",
        "poc",
        "prodorder",
        "recadv",
        "rma",
        "testprd",
        "testres",
        "upevt",
    ]
)

CBV_SOURCE_DEST_TYPES: frozenset[str] = frozenset(["owning_party", "possessing_party", "location"])

CBV_ERROR_REASONS: frozenset[str] = frozenset(("did_not_occur", "incorrect_data"))

CBV_COMPONENTS: frozenset[str] = frozenset(
    [
        "altitude",
        "axial_distance",
        "azimuth",
        "easting",
        "elevation_angle",
        "height",
        "latitude",
        "longitude",
        "northing",
        "polar_angle",
        "spherical_radius",
        "x",
        "y",
        "z",
    ]
)

# kind -> (Web URI term prefix, EPCIS 1.x URN prefix, vocabulary)
_KINDS: dict[str, tuple[str, str | None, frozenset[str]]] = {
    "bizStep": ("BizStep-", "urn:epcglobal:cbv:bizstep:", CBV_BIZ_STEPS),
    "disposition": ("Disp-", "urn:epcglobal:cbv:disp:", CBV_DISPOSITIONS),
    "bizTransactionType": ("BTT-", "urn:epcglobal:cbv:btt:", CBV_BIZ_TRANSACTION_TYPES),
    "sourceDestType": ("SDT-", "urn:epcglobal:cbv:sdt:", CBV_SOURCE_DEST_TYPES),
    "errorReason": ("ER-", "urn:epcglobal:cbv:er:", CBV_ERROR_REASONS),
    "component": ("Comp-", None, CBV_COMPONENTS),
}

# EPCIS 1.x URN prefixes and their CBV 2.0 Web URI equivalents (as in the reference
# implementation of the event hash).
URN_TO_WEB: tuple[tuple[str, str], ...] = (
    ("urn:epcglobal:cbv:bizstep:", CBV_WEB + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV_WEB + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV_WEB + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV_WEB + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV_WEB + "ER-"),
)

# Prefixes defined by the EPCIS 2.0 JSON-LD context itself.
STANDARD_PREFIXES: dict[str, str] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": CBV_WEB,
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": GS1_VOC,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

KINDS = tuple(_KINDS)


def vocabulary(kind: str) -> frozenset[str]:
    return _KINDS[kind][2]


def normalise_cbv(value: str, kind: str) -> str:
    """Return the bare CBV word for a CBV value of ``kind`` in any of its spellings.

    ``kind`` is one of ``bizStep``, ``disposition``, ``bizTransactionType``,
    ``sourceDestType``, ``errorReason``, ``component``. A bare word, a ``cbv:`` CURIE, a CBV
    Web URI or an EPCIS 1.x CBV URN of that kind gives the bare word; any other value (a
    private URI, a CURIE of another prefix) is returned unchanged.
    """
    term_prefix, urn_prefix, _vocab = _KINDS[kind]
    value = value.strip()
    for prefix in (
        "cbv:" + term_prefix,
        CBV_WEB + term_prefix,
        "http://ref.gs1.org/cbv/" + term_prefix,
    ):
        if value.startswith(prefix):
            return value[len(prefix) :]
    if urn_prefix and value.startswith(urn_prefix):
        return value[len(urn_prefix) :]
    return value


def is_bare_word(value: str) -> bool:
    """A bare word is a value that is neither a URI nor a CURIE (it has no colon)."""
    return ":" not in value


def cbv_web_uri(value: str, kind: str) -> str:
    """The canonical CBV 2.0 Web URI of a CBV value (bare word, CURIE, URN, Web URI).

    Values that are not CBV values of that kind are returned unchanged.
    """
    word = normalise_cbv(value, kind)
    if is_bare_word(word):
        return CBV_WEB + _KINDS[kind][0] + word
    return value.strip()
