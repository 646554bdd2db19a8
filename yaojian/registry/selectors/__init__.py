"""Reads of the registers, always through the user's scope. Other apps import from here only."""

from yaojian.registry.selectors.base import (
    enterprises_for,
    history_of,
    licences_for,
    people_for,
    products_for,
    timeline_for,
)
from yaojian.registry.selectors.enterprises import (
    distance_km,
    enterprise_get,
    enterprise_legal_representative_id,
    enterprise_list,
    licences_expiring,
    public_pharmacies,
    search_condition,
)
from yaojian.registry.selectors.files import (
    EnterpriseFile,
    ProductFile,
    enterprise_file,
    product_file,
)
from yaojian.registry.selectors.licences import licence_get, licence_list
from yaojian.registry.selectors.people import person_get, person_list
from yaojian.registry.selectors.products import product_get, product_list

__all__ = [
    "EnterpriseFile",
    "ProductFile",
    "distance_km",
    "enterprise_file",
    "enterprise_get",
    "enterprise_legal_representative_id",
    "enterprise_list",
    "enterprises_for",
    "history_of",
    "licence_get",
    "licence_list",
    "licences_expiring",
    "licences_for",
    "people_for",
    "person_get",
    "person_list",
    "product_file",
    "product_get",
    "product_list",
    "products_for",
    "public_pharmacies",
    "search_condition",
    "timeline_for",
]
