"""The anomaly rules: each has a name, an explanation and the evidence it found.

Rules run inside capture (`yaojian.trace.services.capture`) as events are applied to the
code states, and from public verification; they never refuse an event, they warn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    explanation: str
    severity: str = "warning"  # or "critical"


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in [
        Rule(
            "duplicate_commissioning",
            _("Duplicate commissioning"),
            _(
                "A code was commissioned that already exists: two packs carry the same code, "
                "one of which may be counterfeit."
            ),
            "critical",
        ),
        Rule(
            "event_after_end",
            _("Event after dispensing or decommissioning"),
            _(
                "A code was reported again after it was dispensed, destroyed or decommissioned: "
                "the pack (or its code) is back in circulation."
            ),
            "critical",
        ),
        Rule(
            "impossible_travel",
            _("Same code in two places within an impossible time"),
            _(
                "The same code was reported in two different cities within less time than a "
                "journey between them takes: the code has probably been copied."
            ),
            "critical",
        ),
        Rule(
            "receipt_without_shipment",
            _("Receipt without a matching shipment"),
            _(
                "A code was received but no shipment of it to the receiver was reported: the "
                "goods came from outside the traced chain."
            ),
        ),
        Rule(
            "unlicensed_party",
            _("Shipment to or from a party without a valid licence"),
            _(
                "Goods were shipped to or received from an enterprise that holds no valid "
                "licence to trade in drugs."
            ),
            "critical",
        ),
        Rule(
            "outside_scope",
            _("Trade outside the licensed scope"),
            _(
                "A licensed enterprise shipped goods its licences do not cover (a drug to or "
                "from a holder of device licences only), or a retail pharmacy supplied another "
                "business, which retail licences do not allow."
            ),
        ),
        Rule(
            "dispensed_after_expiry",
            _("Dispensed after expiry"),
            _("A pack was dispensed or sold after its expiry date."),
            "critical",
        ),
        Rule(
            "dispensed_after_recall",
            _("Dispensed after recall"),
            _("A pack of a recalled batch was dispensed or sold."),
            "critical",
        ),
        Rule(
            "aggregation_count",
            _("Aggregation counts do not add up"),
            _(
                "A case or pallet was packed with a different number of children than its "
                "filed packaging level holds."
            ),
        ),
        Rule(
            "dispensed_twice",
            _("Code dispensed twice (回流药)"),
            _(
                "A code was dispensed or sold a second time: a dispensed pack has come back "
                "into the supply chain (resold returned medicine)."
            ),
            "critical",
        ),
        Rule(
            "distant_verifications",
            _("Verified by the public in distant places"),
            _(
                "The same code was checked by the public in different cities within a short "
                "time: copies of the code are probably on sale."
            ),
        ),
        Rule(
            "unregistered_identifier",
            _("Unregistered location or party"),
            _(
                "An event names a location or party that is not registered to any enterprise; "
                "the event was stored, and the identifier should be registered."
            ),
        ),
        Rule(
            "unknown_product",
            _("Unknown product identifier"),
            _("Codes were commissioned whose product identifier nobody has filed."),
        ),
        Rule(
            "out_of_order",
            _("Event older than the code's last event"),
            _(
                "An event arrived with an event time before the code's latest known event; it "
                "was stored but did not change the code's current state."
            ),
        ),
    ]
}


def rule(key: str) -> Rule:
    return RULES[key]
