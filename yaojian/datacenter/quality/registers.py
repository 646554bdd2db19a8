"""The four registers as data quality sees them: where a record's division comes from, how a
finding is listed and exported, and where it links to.

Every queryset starts from the scoped selectors of `yaojian.registry.selectors`. A record's
*division* is the division code of the enterprise it belongs to; products, which every
regulator of the province reads, belong to their holder's division (or their manufacturer's
when the holder is not in the register), and to no division when neither is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.registry import selectors

ENTERPRISES, LICENCES, PRODUCTS, PEOPLE = "enterprises", "licences", "products", "people"


def division_name(code: str | None) -> str:
    return regions.display_path(code) if code else "—"


def _link(name: str) -> Callable[[Any], str]:
    return lambda obj: reverse(f"registry:{name}", args=[obj.pk])


@dataclass(frozen=True)
class Register:
    key: str
    label: Promise
    selector: Callable[[Any], QuerySet]
    division: Any  # an expression giving the record's division code
    order: tuple[str, ...]
    columns: tuple[tuple[Promise, Callable[[Any], Any]], ...]
    title: Callable[[Any], str]  # what names the record in a list
    link: Callable[[Any], str]

    def queryset(self, user: Any) -> QuerySet:
        """The user's records of this register, each annotated with its `division`.

        The selector applies the user's scope; products are read province-wide, so below the
        province bureau they are narrowed to the divisions of the bureau's jurisdiction.
        """
        records = self.selector(user).annotate(division=self.division)
        code = user.bureau.region_code
        # (only there: repeating the scope's range on the other registers would make
        # PostgreSQL square its row estimate and pick a slow plan)
        province_wide = getattr(records.model.scope_paths, "province_wide", False)
        if province_wide and regions.level_of(code) != regions.PROVINCE:
            low, high = regions.jurisdiction_range(code)
            records = records.filter(division__gte=low, division__lte=high)
        return records


def _display(method: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, method)()


REGISTERS: dict[str, Register] = {
    ENTERPRISES: Register(
        key=ENTERPRISES,
        label=_("Enterprises"),
        selector=selectors.enterprises_for,
        division=F("region_code"),
        order=("name", "pk"),
        columns=(
            (_("Name"), lambda e: e.name),
            (_("Unified social credit code"), lambda e: e.uscc),
            (_("Type"), _display("get_kind_display")),
            (_("Registered address"), lambda e: e.address),
            (_("Status"), _display("get_status_display")),
        ),
        title=lambda e: e.name,
        link=_link("enterprise_detail"),
    ),
    LICENCES: Register(
        key=LICENCES,
        label=_("Licences"),
        selector=selectors.licences_for,
        division=F("holder__region_code"),
        order=("holder__name", "kind", "number", "pk"),
        columns=(
            (_("Number"), lambda lic: lic.number),
            (_("Type"), _display("get_kind_display")),
            (_("Holder"), lambda lic: lic.holder.name),
            (_("Valid until"), lambda lic: lic.valid_until),
            (_("Status"), _display("get_status_display")),
        ),
        title=lambda lic: lic.number,
        link=_link("licence_detail"),
    ),
    PRODUCTS: Register(
        key=PRODUCTS,
        label=_("Products"),
        selector=selectors.products_for,
        division=Coalesce("holder__region_code", "manufacturer__region_code"),
        order=("name", "strength", "pk"),
        columns=(
            (_("Name"), lambda p: p.name),
            (_("Type"), _display("get_kind_display")),
            (_("Strength"), lambda p: p.strength),
            (_("Approval, registration or filing number"), lambda p: p.approval_number or ""),
            (_("Holder"), lambda p: p.holder_display),
            (_("Status"), _display("get_status_display")),
        ),
        title=lambda p: str(p),
        link=_link("product_detail"),
    ),
    PEOPLE: Register(
        key=PEOPLE,
        label=_("People"),
        selector=selectors.people_for,
        division=F("enterprise__region_code"),
        order=("enterprise__name", "name", "pk"),
        columns=(
            (_("Full name"), lambda p: p.name),
            (_("Role"), _display("get_role_display")),
            (_("Registration certificate number"), lambda p: p.certificate_number),
            (_("Enterprise"), lambda p: p.enterprise.name),
            (_("Registration valid until"), lambda p: p.registered_until),
            (_("Status"), _display("get_status_display")),
        ),
        title=lambda p: p.name,
        link=_link("person_detail"),
    ),
}
