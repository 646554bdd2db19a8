"""JSON-LD ``@context`` helpers: known EPCIS context URLs and namespace prefixes."""

from __future__ import annotations

from typing import Any

EPCIS_CONTEXT_URLS: frozenset[str] = frozenset(
    (
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",  # ratified EPCIS 2.0
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",  # latest EPCIS 2.x
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",  # pre-ratification drafts
    )
)


def namespaces_from_context(context: Any) -> dict[str, str]:
    """The ``{prefix: namespace URI}`` pairs declared in a JSON-LD ``@context`` value."""
    found: dict[str, str] = {}
    members = context if isinstance(context, list) else [context]
    for member in members:
        if not isinstance(member, dict):
            continue
        for key, val in member.items():
            if not isinstance(key, str) or key.startswith("@") or ":" in key:
                continue
            if isinstance(val, dict):
                val = val.get("@id")
            if isinstance(val, str) and ":" in val:
                found[key] = val
    return found


def context_urls(context: Any) -> list[str]:
    members = context if isinstance(context, list) else [context]
    return [m for m in members if isinstance(m, str)]
